# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from html import unescape

from odoo.tests import Form, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


@tagged("post_install", "-at_install")
class TestNonFrenchCompany(AccountTestInvoicingCommon):
    """A US company (generic chart) and a Belgian one, in a database with the addon: they post
    and print what plain Odoo does, without any French mention, snapshot or gate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        # what the gate would refuse for a French company: no SIREN, legal form, VAT number...
        cls.company.write(
            {
                "fr_gate_mode": "block",
                "fr_cgv_text": "<p>Conditions XYZ</p>",
                "fr_cgv_pdf": base64.b64encode(b"%PDF-1.4 conditions"),
            }
        )
        cls.partner_a.write({"is_company": True, "billing_po_required": True})

    def _html(self, move):
        html = self.env["ir.actions.report"]._render_qweb_html(
            "account.account_invoices", move.ids
        )[0]
        return unescape(html.decode() if isinstance(html, bytes) else html)

    def _assert_plain_odoo(self, country):
        self.company.account_fiscal_country_id = country
        taxes = self.env["account.tax"].search([("company_id", "=", self.company.id)])
        taxes.tax_group_id.country_id = country
        taxes.country_id = country
        self.assertFalse(self.company._fr_is_french())
        invoice = self.init_invoice(
            "out_invoice", partner=self.partner_a, products=self.product_a, post=True
        )
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.fr_compliance_status, "unchecked")
        self.assertFalse(invoice.fr_legal_snapshot)
        # a taxless line and a credit note above its invoice post as in Odoo
        taxless = self.init_invoice("out_invoice", partner=self.partner_a, amounts=[100.0])
        taxless.invoice_line_ids.tax_ids = False
        taxless.action_post()
        self.assertEqual(taxless.state, "posted")
        refund = self.init_invoice(
            "out_refund", partner=self.partner_a, amounts=[10 * invoice.amount_total]
        )
        refund.reversed_entry_id = invoice
        refund.action_post()
        self.assertEqual(refund.state, "posted")
        self.assertFalse(refund.fr_legal_snapshot)
        # "Post entries" on several drafts posts them all
        drafts = self.init_invoice("out_invoice", partner=self.partner_a, amounts=[50.0])
        drafts |= self.init_invoice("out_invoice", partner=self.partner_a, amounts=[60.0])
        wizard = Form(
            self.env["validate.account.move"].with_context(
                active_model="account.move", active_ids=drafts.ids
            )
        ).save()
        action = wizard.validate_move()
        self.assertEqual(action, {"type": "ir.actions.act_window_close"})
        self.assertEqual(set(drafts.mapped("state")), {"posted"})
        # the printed invoice carries no French mention
        html = self._html(invoice)
        for text in (
            'id="fr_seller"',
            'id="fr_legal_mentions"',
            "fr_operation_nature",
            "Nature of the operation",
            "Purchase order",
            "Conditions XYZ",
            "pénalités de retard",
            "Out of VAT scope",
        ):
            self.assertNotIn(text, html)
        self.assertIsNone(invoice._fr_cgv_pdf())
        self.assertIsNone(refund._fr_cgv_pdf())

    def test_us_company_is_plain_odoo(self):
        self._assert_plain_odoo(self.env.ref("base.us"))

    def test_belgian_company_is_plain_odoo(self):
        self._assert_plain_odoo(self.env.ref("base.be"))

    def test_invoice_form_shows_the_french_fields_to_french_companies_only(self):
        def hidden(field):
            form = Form(self.env["account.move"].with_context(default_move_type="out_invoice"))
            form.partner_id = self.partner_a
            return form._get_modifier(field, "invisible")

        self.company.account_fiscal_country_id = self.env.ref("base.us")
        for field in ("fr_compliance_status", "fr_operation_nature"):
            self.assertTrue(hidden(field), field)
        self.company.account_fiscal_country_id = self.env.ref("base.fr")
        for field in ("fr_compliance_status", "fr_operation_nature"):
            self.assertFalse(hidden(field), field)
