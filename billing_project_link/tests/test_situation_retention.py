# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common_situation import SituationCommon


@tagged("post_install", "-at_install")
class TestSituationRetention(SituationCommon):
    def _receivable(self, invoice, retention):
        return invoice.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
            and line.billing_is_retention == retention
        )

    @freeze_time("2026-01-31")
    def test_three_situations_down_payment_and_retention_released_a_year_later(self):
        order = self._create_order()
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "percentage", "amount": 10})
        )
        wizard.create_invoices()
        down_payment = order.invoice_ids
        down_payment.action_post()
        self.assertEqual(down_payment.amount_untaxed, 10000.0)
        retention_account = self.env.company._billing_retention_account()
        self.assertTrue(retention_account.code.startswith("4117"))

        first = self._situation(order, [25, 10])
        invoice = first.invoice_id
        self.assertEqual(first.amount_situation, 19000.0)
        self.assertEqual(first.down_payment_deduction, 1900.0)
        self.assertEqual(first.works_amount_total, 22800.0)
        self.assertEqual(first.retention_amount, 1140.0)
        self.assertEqual(invoice.amount_total, 20520.0)  # (19 000 - 1 900) x 1.2
        invoice.action_post()
        held = self._receivable(invoice, True)
        self.assertEqual(held.account_id, retention_account)
        self.assertEqual(held.debit, 1140.0)
        self.assertEqual(held.date_maturity, date(2027, 1, 31))
        self.assertEqual(self._receivable(invoice, False).debit, 19380.0)
        self.assertNotEqual(self._receivable(invoice, False).account_id, retention_account)
        self.assertEqual(invoice.invoice_date_due, date(2026, 1, 31))
        # registering the payment of the invoice leaves the retention held
        action = invoice.action_register_payment()
        register = Form.from_action(self.env, action).save()
        self.assertEqual(register.amount, 19380.0)
        register.action_create_payments()
        self.assertEqual(invoice.amount_residual, 1140.0)

        second = self._situation(order, [60, 50])
        self.assertEqual(second.amount_situation, 37000.0)
        self.assertEqual(second.down_payment_deduction, 3700.0)  # 5 600 cumulative - 1 900
        self.assertEqual(second.retention_amount, 2220.0)  # 5 % x 67 200 - 1 140
        second.invoice_id.action_post()

        final = self._situation(order, final=True)
        self.assertEqual(final.amount_situation, 44000.0)
        self.assertEqual(final.down_payment_deduction, 4400.0)
        self.assertEqual(final.retention_amount, 2640.0)
        final.invoice_id.action_post()
        situations = first + second + final
        self.assertEqual(sum(situations.mapped("down_payment_deduction")), 10000.0)
        self.assertEqual(sum(situations.mapped("retention_amount")), 6000.0)  # 5 % x 120 000
        dp_line = order.order_line.filtered(
            lambda line: line.is_downpayment and not line.display_type
        )
        self.assertAlmostEqual(dp_line.qty_invoiced, 0.0, places=4)
        self.assertEqual(order.billing_retention_held, 6000.0)
        self.assertEqual(order.invoice_status, "invoiced")

        with Form(order) as form:
            form.billing_acceptance_date = date(2026, 3, 1)
        self.assertEqual(order.billing_retention_release_date, date(2027, 3, 1))
        self.assertEqual(held.date_maturity, date(2027, 3, 1), "due on the release date")
        self.assertEqual(invoice.billing_retention_date, date(2027, 3, 1))
        self.assertEqual(len(invoice.line_ids.filtered("billing_is_retention")), 1)
        self.assertEqual(invoice.invoice_date_due, date(2026, 1, 31))
        with self.assertRaisesRegex(UserError, "from its release date"):
            order.action_release_retention()
        with freeze_time("2027-03-02"):
            action = order.action_release_retention()
        release = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(release.state, "posted")
        self.assertEqual(order.billing_retention_held, 0.0)
        for situation in situations:
            self.assertTrue(self._receivable(situation.invoice_id, True).reconciled)
        receivable = release.line_ids.filtered(lambda line: line.debit)
        self.assertEqual(receivable.debit, 6000.0)
        self.assertEqual(receivable.account_id, self.customer.property_account_receivable_id)
        with self.assertRaisesRegex(UserError, "no retention"):
            order.action_release_retention()

    def test_company_retention_account_setting(self):
        account = self.company_data["default_account_receivable"].copy({"code": "411799"})
        with Form(self.env.company) as form:
            form.billing_retention_account_id = account
        situation = self._situation(self._create_order(), [10, 10])
        self.assertEqual(self._receivable(situation.invoice_id, True).account_id, account)

    def test_retention_rate_above_5_refused(self):
        with self.assertRaisesRegex(ValidationError, "between 0 and 5 %"):
            self._create_order(billing_retention_rate=6.0)
        order = self._create_order()
        with self.assertRaises(ValidationError) as caught:
            with Form(order) as form:
                form.billing_retention_rate = 5.5
        self.assertIn("field Retention Rate", str(caught.exception))
        order.invalidate_recordset()
        self.assertEqual(order.billing_retention_rate, 5.0)

    def test_bank_guarantee_replaces_retention(self):
        order = self._create_order(billing_bank_guarantee=True)
        situation = self._situation(order, [50, 50])
        self.assertEqual(situation.retention_amount, 0.0)
        self.assertFalse(self._receivable(situation.invoice_id, True))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.report_invoice", situation.invoice_id.ids)[0]
            .decode()
        )
        self.assertIn("bank guarantee", html)

    def test_printed_situation_is_compact(self):
        """A situation invoice fits its page when it can (checked on the PDF's PNG, see
        README): compact situation block, totals kept together, no blank line for a payment
        term without note."""
        order = self._create_order()
        situation = self._situation(order, [50, 50])
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.report_invoice", situation.invoice_id.ids)[0]
            .decode()
        )
        self.assertIn(
            'id="total" class="clearfix row mt-n3" style="page-break-inside: avoid;"', html
        )
        self.assertIn(
            'id="billing_situation" class="clearfix mt-2 small avoid-page-break-inside"', html
        )
        self.assertIn('id="informations" class="row mb-2"', html)
        self.assertNotIn('name="payment_term"></span><br/>', html)

    def test_credit_note_reverses_the_retention(self):
        order = self._create_order()
        situation = self._situation(order, [50, 50])
        situation.invoice_id.action_post()
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=situation.invoice_id.ids)
            .create({"journal_id": situation.invoice_id.journal_id.id})
        )
        reversal.refund_moves()
        refund = order.invoice_ids.filtered(lambda move: move.move_type == "out_refund")
        refund.action_post()
        self.assertEqual(situation.invoice_id.payment_state, "reversed")
        self.assertTrue(self._receivable(situation.invoice_id, True).reconciled)
        self.assertEqual(order.billing_retention_held, 0.0)
