# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from html import unescape

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import BillingFrCommon


@tagged("post_install", "-at_install")
class TestOutOfScope(BillingFrCommon):
    """Lines outside the scope of VAT (late interest, the 40 EUR recovery indemnity): what
    billing_dunning's interest invoice is made of."""

    def _interest_invoice(self, out_of_scope=True, tax=None):
        """A draft invoice of late interest and indemnity lines, entered through the form."""
        move_form = Form(self.env["account.move"].with_context(default_move_type="out_invoice"))
        move_form.invoice_date = self.invoice_date
        move_form.partner_id = self.customer
        for name, price in (
            ("Intérêts de retard sur FAC/2026/00001", 12.34),
            ("Indemnité forfaitaire pour frais de recouvrement", 40.0),
        ):
            with move_form.invoice_line_ids.new() as line_form:
                line_form.name = name
                line_form.price_unit = price
                line_form.tax_ids.clear()
                if tax:
                    line_form.tax_ids.add(tax)
                line_form.billing_vat_out_of_scope = out_of_scope
        return move_form.save()

    def _html(self, move):
        html = self.env["ir.actions.report"]._render_qweb_html(
            "account.account_invoices", move.ids
        )[0]
        return unescape(html.decode() if isinstance(html, bytes) else html)

    def test_flagged_taxless_lines_post_and_print_the_wording(self):
        invoice = self._interest_invoice()
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.fr_compliance_status, "compliant")
        self.assertEqual(invoice.amount_tax, 0.0)
        self.assertEqual(
            invoice.fr_legal_snapshot["out_of_scope_text"], "Hors champ d'application de la TVA."
        )
        html = self._html(invoice)
        self.assertEqual(html.count("Hors champ d'application de la TVA."), 1)
        self.assertEqual(html.count("Out of VAT scope"), 2)  # in the taxes column of each line
        # lines without product (billing_dunning's interest and indemnity): the nature stated
        # is services, once, never goods (BT-23 S1)
        self.assertEqual(invoice.fr_operation_nature, "services")
        self.assertEqual(html.count("Nature of the operation"), 1)
        self.assertEqual(html.count("Prestation de services"), 1)
        self.assertNotIn("Livraison de biens", html)
        self.assertNotIn("Operation Type", html)
        # its Factur-X is valid: category O with its exemption reason, no VAT identifier
        xml, messages = invoice._fr_facturx_build()
        self.assertEqual(messages, [])
        xml = xml.decode()
        self.assertIn("<ram:CategoryCode>O</ram:CategoryCode>", xml)
        self.assertIn("<ram:ExemptionReasonCode>VATEX-EU-O</ram:ExemptionReasonCode>", xml)
        self.assertIn("<ram:ExemptionReason>Hors champ d'application de la TVA<", xml)
        self.assertNotIn('schemeID="VA"', xml)
        self.assertRegex(
            xml, r"BusinessProcessSpecifiedDocumentContextParameter>\s*<ram:ID>S1</ram:ID>"
        )

    def test_unflagged_taxless_lines_are_refused(self):
        invoice = self._interest_invoice(out_of_scope=False)
        with self.assertRaises(UserError) as error:
            invoice.action_post()
        message = str(error.exception)
        self.assertIn("Line VAT rate (line Intérêts de retard sur FAC/2026/00001)", message)
        self.assertIn("Line VAT rate (line Indemnité forfaitaire", message)
        self.assertEqual(invoice.state, "draft")
        # ticking the box on the lines lets it post
        invoice.invoice_line_ids.billing_vat_out_of_scope = True
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_flagged_line_with_vat_is_refused(self):
        invoice = self._interest_invoice(tax=self.tax_20)
        with self.assertRaisesRegex(UserError, "No VAT on a line outside the scope of VAT"):
            invoice.action_post()

    def test_other_invoices_print_no_out_of_scope_wording(self):
        invoice = self._invoice()
        invoice.action_post()
        self.assertFalse(invoice.fr_legal_snapshot["out_of_scope_text"])
        html = self._html(invoice)
        self.assertNotIn("Hors champ", html)
        self.assertNotIn("Out of VAT scope", html)

    def test_dunning_interest_invoice_passes_the_gate(self):
        """billing_dunning's own interest invoice, when both addons are installed: it posts
        through the gate and prints no delivery date (damages are not delivered)."""
        if "billing.dunning.interest.invoice" not in self.env:
            self.skipTest("billing_dunning is not installed")
        late = self._invoice()
        late.action_post()
        policy = self.env["billing.dunning.policy"].create(
            {"name": "Gate", "company_id": self.company.id}
        )
        invoice = self.env["billing.dunning.interest.invoice"]._dunning_interest_invoice(
            self.company,
            self.customer,
            policy,
            [{"move": late, "interest": 12.34, "detail": "10.15 %", "indemnity": 40.0}],
            self.invoice_date,
            "REL/2026/0001",
        )
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.fr_compliance_status, "compliant")
        self.assertTrue(late.delivery_date)
        self.assertFalse(invoice.delivery_date)
        html = self._html(invoice)
        self.assertNotIn('name="delivery_date"', html)
        self.assertIn("Hors champ d'application de la TVA.", html)
