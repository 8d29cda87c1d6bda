# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common_situation import SituationCommon


@tagged("post_install", "-at_install")
class TestSituationInvoicing(SituationCommon):
    def test_situations_land_on_contract_to_the_cent(self):
        order = self._create_order(amounts=(1000.01, 333.33))
        order.billing_retention_rate = 0.0
        first = self._situation(order, [33.33, 33.33])
        self.assertEqual(first.number, 1)
        self.assertEqual(first.line_ids.mapped("amount"), [333.30, 111.10])
        invoice = first.invoice_id
        self.assertEqual(invoice.billing_situation_id, first)
        self.assertEqual(invoice.amount_untaxed, 444.40)
        self.assertEqual(invoice.invoice_line_ids.sale_line_ids, order.order_line)
        invoice.action_post()
        self.assertEqual(first.state, "posted")
        # the invoiced quantity follows the invoiced share of the contract
        self.assertAlmostEqual(order.order_line[0].qty_invoiced, 333.30 / 1000.01, places=2)

        second = self._situation(order, [66.67, 50])
        self.assertEqual(second.number, 2)
        self.assertEqual(second.line_ids.mapped("previous_amount"), [333.30, 111.10])
        self.assertEqual(second.line_ids.mapped("amount"), [333.41, 55.57])
        second.invoice_id.action_post()

        final = self._situation(order, final=True)
        self.assertEqual(final.line_ids.mapped("percent"), [100.0, 100.0])
        self.assertEqual(final.line_ids.mapped("amount"), [333.30, 166.66])
        final.invoice_id.action_post()
        invoices = order.invoice_ids
        self.assertEqual(len(invoices), 3)
        self.assertAlmostEqual(sum(invoices.mapped("amount_untaxed")), 1333.34, places=2)
        self.assertEqual(order.order_line.mapped("qty_invoiced"), [1.0, 1.0])
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertTrue(order.locked, "the final statement closes the order")
        with self.assertRaises(UserError):
            order.action_new_situation()

    def test_overall_percent_applies_to_every_line(self):
        order = self._create_order()
        situation = self._situation(order, overall=40)
        self.assertEqual(situation.line_ids.mapped("percent"), [40.0, 40.0])
        self.assertEqual(situation.amount_situation, 40000.0)
        self.assertEqual(situation.progress, 40.0)

    def test_invoice_labels_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["billing_project_link"], ["fr_FR"], overwrite=True
        )
        self.customer.lang = "fr_FR"
        order = self._create_order()
        situation = self._situation(order, overall=30)
        label = situation.invoice_id.invoice_line_ids[0].name
        self.assertIn("Situation 1 : 30,00 % cumulé (précédemment 0,00 %)", label)

    def test_printed_retention_rate_in_the_customer_language(self):
        # the printed retention paragraph said "Retenue de garantie de 5.0 %" to a French
        # customer: the rate is a number of the document's language, like the amounts
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["billing_project_link"], ["fr_FR"], overwrite=True
        )
        self.customer.lang = "fr_FR"
        order = self._create_order()
        situation = self._situation(order, overall=30)
        self.assertEqual(situation.retention_rate, 5.0)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.report_invoice", situation.invoice_id.ids)[0]
            .decode()
        )
        text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
        self.assertIn("Retenue de garantie de 5,00 % sur les travaux TTC", text)
        self.assertNotIn("5.0 %", text)

    def test_progress_above_100_refused(self):
        order = self._create_order()
        situation = self.env["billing.situation"].browse(order.action_new_situation()["res_id"])
        with self.assertRaises(ValidationError) as caught:
            with Form(situation) as form, form.line_ids.edit(0) as line:
                line.percent = 100.5
        self.assertIn("100.5 % is above 100 %", str(caught.exception))
        situation.line_ids.invalidate_recordset()
        self.assertEqual(situation.line_ids[0].percent, 0.0, "nothing written")

    def test_progress_below_last_posted_situation_refused(self):
        order = self._create_order()
        self._situation(order, [50, 50]).invoice_id.action_post()
        situation = self.env["billing.situation"].browse(order.action_new_situation()["res_id"])
        self.assertEqual(situation.line_ids.mapped("previous_percent"), [50.0, 50.0])
        self.assertEqual(situation.line_ids.mapped("percent"), [50.0, 50.0])
        with self.assertRaises(ValidationError) as caught:
            with Form(situation) as form, form.line_ids.edit(1) as line:
                line.percent = 40
        self.assertIn("below the 50.0 % of the last situation", str(caught.exception))
        situation.line_ids.invalidate_recordset()
        self.assertEqual(situation.line_ids[1].percent, 50.0)

    def test_invoiced_situation_is_frozen(self):
        order = self._create_order()
        situation = self._situation(order, [10, 10])
        situation.invoice_id.action_post()
        with self.assertRaisesRegex(UserError, "already invoiced"):
            situation.line_ids[0].percent = 20
        with self.assertRaisesRegex(UserError, "already invoiced"):
            situation.date = "2020-01-01"
        with self.assertRaisesRegex(UserError, "already invoiced"):
            situation.action_create_invoice()
        self.assertEqual(situation.line_ids[0].percent, 10.0)

    def test_credit_note_lets_progress_go_back(self):
        order = self._create_order()
        self._situation(order, [30, 30]).invoice_id.action_post()
        second = self._situation(order, [60, 60])
        second.invoice_id.action_post()
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=second.invoice_id.ids)
            .create({"journal_id": second.invoice_id.journal_id.id, "reason": "wrong progress"})
        )
        reversal.refund_moves()
        refund = order.invoice_ids.filtered(lambda move: move.move_type == "out_refund")
        refund.action_post()
        self.assertEqual(second.invoice_id.payment_state, "reversed")
        self.assertEqual(second.state, "cancel")
        self.assertAlmostEqual(order.order_line[0].qty_invoiced, 0.3, places=4)
        again = self._situation(order, [45, 30])
        self.assertEqual(again.number, 2, "the cancelled number is given again")
        self.assertEqual(again.line_ids.mapped("previous_amount"), [18000.0, 12000.0])
        self.assertEqual(again.amount_situation, 9000.0)

    def test_one_draft_invoice_at_a_time(self):
        order = self._create_order()
        first = self._situation(order, [10, 10])
        # New Situation opens the situation whose invoice is a draft; no second one
        self.assertEqual(order.action_new_situation()["res_id"], first.id)
        with self.assertRaisesRegex(UserError, "already has"):
            self.env["billing.situation"].create({"order_id": order.id})
        # a situation numbered by other code cannot be invoiced while the draft invoice waits
        situation = self.env["billing.situation"].create({"order_id": order.id, "number": 2})
        with self.assertRaisesRegex(UserError, "still has a draft invoice"):
            situation.action_create_invoice()

    def test_standard_invoicing_skips_situation_lines(self):
        order = self._create_order()
        self._situation(order, [10, 10]).invoice_id.action_post()
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "delivered"})
        )
        with self.assertRaises(UserError):
            wizard.create_invoices()
        self.assertEqual(len(order.invoice_ids), 1)

    def test_printed_invoice_shows_situation_table(self):
        order = self._create_order()
        self._situation(order, [25, 50]).invoice_id.action_post()
        second = self._situation(order, [50, 50])
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.report_invoice", second.invoice_id.ids)[0]
            .decode()
        )
        for text in ("Situation No.", "Previously Invoiced", "Cumulative %", "This Situation"):
            self.assertIn(text, html)
        self.assertIn("15,000.00", html)  # lot 1 this situation
        self.assertIn("Retention (retenue de garantie)", html)

    def test_situation_invoice_amounts_cannot_drift(self):
        order = self._create_order()
        situation = self._situation(order, [10, 10])
        with Form(situation.invoice_id) as form, form.invoice_line_ids.edit(0) as line:
            line.price_unit = 7000.0
        with self.assertRaisesRegex(UserError, "but its situation states 6000.0"):
            situation.invoice_id.action_post()
        situation.invoice_id.button_cancel()
        self.assertEqual(situation.state, "cancel")
        again = self._situation(order, [15, 10])
        self.assertEqual(again.number, 1)
        self.assertEqual(again.line_ids.mapped("previous_amount"), [0.0, 0.0])
        again.invoice_id.action_post()
        self.assertEqual(again.state, "posted")
