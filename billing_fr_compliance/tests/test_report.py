# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from html import unescape

from lxml import html as lxml_html

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
            move_type="out_refund",
            fr_credit_reason="Marchandise abîmée",
            fr_credit_reason_id=self.env.ref(
                "billing_fr_compliance.billing_fr_credit_reason_return"
            ),
            reversed_entry_id=invoice,
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

    def test_nature_of_the_operation_stated_once(self):
        # the service's 10 % tax is a "goods" tax of the French chart: l10n_fr_account would
        # print "Operation Type: Goods Delivery" beside our "mixed"
        self.assertEqual(set(self.tax_10.mapped("tax_scope")), {"consu"})
        invoice = self._invoice(products=self.goods + self.service)
        invoice.action_post()
        html = self._html(invoice)
        self.assertEqual(html.count("Nature of the operation"), 1)
        self.assertEqual(html.count("Livraison de biens et prestation de services"), 1)
        self.assertNotIn("Operation Type", html)
        self.assertNotIn("Goods Delivery", html)
        # the VAT-on-debits option only when the company opted for it (our wording, once)
        self.assertNotIn("Option to pay tax on debits", html)
        self.assertNotIn("paiement de la taxe d'après les débits", html)

    def test_seller_identity_in_the_body_whatever_the_layout(self):
        invoice = self._invoice()
        invoice.action_post()
        report = self.env["ir.actions.report"]
        for layout in ("standard", "striped", "boxed", "bold", "folder", "wave", "bubble"):
            self.company.external_report_layout_id = self.env.ref(f"web.external_layout_{layout}")
            html = self._html(invoice)
            # what wkhtmltopdf gets as the body, without Odoo's header and footer
            bodies, __, header, footer, __ = report._prepare_html(html, "account.move")
            self.assertEqual(len(bodies), 1)
            seller = lxml_html.fromstring(bodies[0]).xpath("//*[@id='fr_seller']")
            self.assertEqual(len(seller), 1, layout)
            text = seller[0].text_content()
            for part in (
                "Atelier Dupont SAS",
                "12 rue de la République",
                "69002 Lyon",
                "SAS au capital de 50\u202f000\u00a0€ - RCS Lyon 820 419 653",
                "SIRET 82041965300010",
                "TVA FR80820419653",
            ):
                self.assertIn(part, text, layout)
            self.assertNotIn("fr_seller", header + footer)

    def test_cgv_pdf_for_customer_documents_only(self):
        pdf = b"%PDF-1.4 conditions generales"
        invoice = self._invoice()
        self.assertIsNone(invoice._fr_cgv_pdf())
        self.company.fr_cgv_pdf = base64.b64encode(pdf)
        self.assertEqual(invoice._fr_cgv_pdf(), pdf)
        bill = self.init_invoice("in_invoice", invoice_date=self.invoice_date, amounts=[10.0])
        self.assertIsNone(bill._fr_cgv_pdf())

    def test_references_never_wrap_mid_word(self):
        """ "BC-2026-117" printed as "BC-2026-/117": each word of the purchase order number,
        of the source and of the payment reference is kept on one line."""
        invoice = self._invoice(ref="BC-2026-117")
        invoice.invoice_origin = "S00042 BC-2026-117/A"
        invoice.action_post()
        html = self._html(invoice)
        nowrap = r'<span class="text-nowrap" style="white-space: nowrap;">%s</span>'
        self.assertRegex(html, nowrap % "BC-2026-117")
        self.assertRegex(html, nowrap % "S00042")
        self.assertRegex(html, nowrap % "BC-2026-117/A")
        self.assertRegex(
            html,
            r'<span[^>]*style="white-space: nowrap;"[^>]*>%s</span>'
            % invoice.payment_reference.replace("/", r"\/"),
        )
