# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from html import unescape

from odoo.tests import tagged

from .common import BillingFrCommon


@tagged("post_install", "-at_install")
class TestInvoiceReport(BillingFrCommon):
    def _html(self, move):
        html = self.env["ir.actions.report"]._render_qweb_html(
            "account.account_invoices", move.ids
        )[0]
        return unescape(html.decode() if isinstance(html, bytes) else html)

    def test_b2b_invoice_prints_every_mention(self):
        self.company.write({"fr_vat_on_debits": True, "fr_cgv_text": "<p>Conditions XYZ</p>"})
        site = self.env["res.partner"].create(
            {
                "name": "Chantier Villeurbanne",
                "type": "delivery",
                "parent_id": self.customer.id,
                "street": "30 cours Émile Zola",
                "zip": "69100",
                "city": "Villeurbanne",
                "country_id": self.fr.id,
            }
        )
        invoice = self._invoice(
            products=self.goods + self.service, partner_shipping_id=site, ref="PO-2026-042"
        )
        invoice.action_post()
        html = self._html(invoice)
        for text in (
            "SAS au capital de 50\u202f000\u00a0€ - RCS Lyon 820 419 653",
            "552081317",  # buyer SIREN
            "Livraison de biens et prestation de services",
            "Option pour le paiement de la taxe d'après les débits",
            "pénalités de retard",
            "40 €",
            "Pas d'escompte pour paiement anticipé",
            "PO-2026-042",
            "Purchase order",
            "30 cours Émile Zola",
            "Conditions XYZ",
        ):
            self.assertIn(text, html)
        # the reprint after the company changed its capital is identical
        self.company.fr_share_capital = 90000
        self.assertEqual(self._html(invoice), html)

    def test_b2c_invoice_has_no_indemnity(self):
        invoice = self._invoice(partner=self.private)
        invoice.action_post()
        html = self._html(invoice)
        self.assertIn("RCS Lyon", html)
        self.assertNotIn("40 €", html)
        self.assertNotIn("pénalités de retard", html)
        self.assertNotIn("Customer SIREN", html)

    def test_intra_eu_and_franchise_wording(self):
        position = self.env["account.chart.template"].ref("fiscal_position_template_intraeub2b")
        invoice = self._invoice(partner=self.german, fiscal_position_id=position)
        invoice.action_post()
        self.assertIn("Exonération de TVA, art. 262 ter I du CGI", self._html(invoice))
        franchise = self._fiscal_position("franchise")
        invoice = self._invoice(fiscal_position_id=franchise, products=self.service)
        invoice.action_post()
        self.assertIn("TVA non applicable, art. 293 B du CGI", self._html(invoice))

    def test_credit_note_prints_its_origin_and_reason(self):
        invoice = self._invoice()
        invoice.action_post()
        refund = self._invoice(
            move_type="out_refund", fr_credit_reason="Marchandise abîmée", reversed_entry_id=invoice
        )
        refund.action_post()
        html = self._html(refund)
        self.assertIn(invoice.name, html)
        self.assertIn("Marchandise abîmée", html)
        self.assertIn("Credit note on invoice", html)

    def test_printed_in_french_for_a_french_partner(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["billing_fr_compliance"], ["fr_FR"], overwrite=True
        )
        self.customer.lang = "fr_FR"
        invoice = self._invoice()
        invoice.action_post()
        html = self._html(invoice)
        self.assertIn("Nature de l'opération", html)
        self.assertIn("Livraison de biens", html)

    def test_cgv_pdf_for_customer_documents_only(self):
        pdf = b"%PDF-1.4 conditions generales"
        invoice = self._invoice()
        self.assertIsNone(invoice._fr_cgv_pdf())
        self.company.fr_cgv_pdf = base64.b64encode(pdf)
        self.assertEqual(invoice._fr_cgv_pdf(), pdf)
        bill = self.init_invoice("in_invoice", invoice_date=self.invoice_date, amounts=[10.0])
        self.assertIsNone(bill._fr_cgv_pdf())
