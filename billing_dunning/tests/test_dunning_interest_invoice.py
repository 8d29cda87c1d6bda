# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DUE, DunningCommon


def day(offset):
    return DUE + timedelta(days=offset)


@tagged("post_install", "-at_install")
class TestDunningInterestInvoice(DunningCommon):
    """An interest invoice deleted or cancelled gives its late interest and indemnities back
    to be invoiced again."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inv1 = cls._invoice(cls.b2b, DUE, 1000.0)
        cls.inv2 = cls._invoice(cls.b2b, day(2), 500.0)
        cls.followup = cls.env["billing.dunning.followup"]._get_or_create(cls.b2b, cls.company)

    def _invoice_interest(self, on):
        with freeze_time(on):
            action = self.followup.action_invoice_interest()
        return self.env["account.move"].browse(action["res_id"])

    def _assert_given_back(self, first, amount):
        self.assertFalse(self.inv1.dunning_interest_until)
        self.assertFalse(self.inv1.dunning_indemnity_invoiced)
        self.assertFalse(self.inv2.dunning_indemnity_invoiced)
        again = self._invoice_interest(day(45))
        self.assertNotEqual(again, first)
        self.assertAlmostEqual(again.amount_total, amount)
        self.assertEqual(again.dunning_source_move_ids, self.inv1 | self.inv2)

    def test_late_invoices_are_the_source_not_a_purchase_order(self):
        # the list of late invoices was the invoice's Customer Reference, printed as the
        # customer's purchase order ("Bon de commande") and sent as Factur-X BT-13
        invoice = self._invoice_interest(day(45))
        self.assertFalse(invoice.ref)
        self.assertIn(self.inv1.name, invoice.invoice_origin)
        self.assertIn(self.inv2.name, invoice.invoice_origin)
        self.assertIn("Follow-up of %s" % self.b2b.display_name, invoice.invoice_origin)

    def test_deleted_draft_gives_back(self):
        invoice = self._invoice_interest(day(45))
        self.assertEqual(self.inv1.dunning_interest_until, day(45))
        self.assertTrue(self.inv1.dunning_indemnity_invoiced)
        self.assertEqual(invoice.dunning_penalty_date, day(45))
        self.assertEqual(
            sorted(invoice.invoice_line_ids.mapped("dunning_penalty")),
            ["indemnity", "indemnity", "interest", "interest"],
        )
        amount = invoice.amount_total
        invoice.unlink()
        self._assert_given_back(invoice, amount)

    def test_cancelled_gives_back(self):
        invoice = self._invoice_interest(day(45))
        invoice.action_post()
        invoice.button_cancel()
        self.assertEqual(invoice.state, "cancel")
        self._assert_given_back(invoice, invoice.amount_total)
        # reset to draft, the cancelled invoice charges its penalties again
        self.env["account.move"].search(
            [("dunning_source_move_ids", "=", self.inv1.id), ("state", "=", "draft")]
        ).unlink()
        invoice.button_draft()
        self.assertEqual(self.inv1.dunning_interest_until, day(45))
        self.assertTrue(self.inv1.dunning_indemnity_invoiced)

    def test_reset_to_draft_then_deleted_gives_back(self):
        invoice = self._invoice_interest(day(45))
        invoice.action_post()
        invoice.button_draft()
        self.assertTrue(self.inv1.dunning_indemnity_invoiced)
        amount = invoice.amount_total
        invoice.unlink()
        self._assert_given_back(invoice, amount)

    def test_earlier_interest_invoice_still_counts(self):
        first = self._invoice_interest(day(45))
        second = self._invoice_interest(day(60))
        self.assertEqual(self.inv1.dunning_interest_until, day(60))
        self.assertFalse(
            second.invoice_line_ids.filtered(lambda line: line.dunning_penalty == "indemnity")
        )
        second.button_cancel()
        # the first invoice still charges interest up to day 45 and the indemnities
        self.assertEqual(self.inv1.dunning_interest_until, day(45))
        self.assertTrue(self.inv1.dunning_indemnity_invoiced)
        third = self._invoice_interest(day(60))
        self.assertAlmostEqual(third.amount_total, second.amount_total)
        self.assertTrue(first.exists())

    def test_reminder_interest_invoice_cancelled(self):
        with freeze_time(day(45)):
            self._run_cron()
            reminder = self._reminders(self.b2b)
            action = reminder.action_create_interest_invoice()
        invoice = self.env["account.move"].browse(action["res_id"])
        invoice.button_cancel()
        self.assertFalse(reminder.interest_move_id)
        self.assertFalse(self.inv1.dunning_indemnity_invoiced)
        with freeze_time(day(45)):
            action = reminder.action_create_interest_invoice()
        self.assertAlmostEqual(
            self.env["account.move"].browse(action["res_id"]).amount_total, invoice.amount_total
        )

    def test_lines_outside_vat_scope(self):
        """With billing_fr_compliance installed, the interest and indemnity lines are flagged
        outside the scope of VAT, which its posting gate and Factur-X understand."""
        invoice = self._invoice_interest(day(45))
        self.assertFalse(invoice.invoice_line_ids.tax_ids)
        if "billing_vat_out_of_scope" not in self.env["account.move.line"]._fields:
            self.skipTest("billing_fr_compliance's billing_vat_out_of_scope is not installed")
        self.assertTrue(all(invoice.invoice_line_ids.mapped("billing_vat_out_of_scope")))

    def test_no_delivery_date(self):
        """Late interest and the indemnity are neither goods delivered nor a service
        performed: l10n_fr_account dates the delivery of every French sale on posting, but
        not the interest invoice's."""
        invoice = self._invoice_interest(day(45))
        invoice.action_post()
        self.assertTrue(self.inv1.delivery_date, "an ordinary French invoice has one")
        self.assertFalse(invoice.delivery_date)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "account.account_invoices", invoice.ids
        )[0]
        html = html.decode() if isinstance(html, bytes) else html
        self.assertIn(invoice.name, html)
        self.assertNotIn('name="delivery_date"', html)
        self.assertNotIn("Delivery Date", html)

    def test_source_in_the_customer_language(self):
        """A French customer reads the interest invoice's Source in French, whoever (here an
        English-speaking user) creates it."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["billing_dunning"], ["fr_FR"])
        self.b2b.lang = "fr_FR"
        with freeze_time(day(45)):
            action = self.followup.with_context(lang="en_US").action_invoice_interest()
        invoice = self.env["account.move"].browse(action["res_id"])
        self.assertIn("Suivi de %s" % self.b2b.display_name, invoice.invoice_origin)
        self.assertIn("Retard de paiement : ", invoice.invoice_origin)
        self.assertNotIn("Follow-up of", invoice.invoice_origin)
