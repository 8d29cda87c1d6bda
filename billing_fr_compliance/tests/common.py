# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields
from odoo.tests import Form

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class BillingFrCommon(AccountTestInvoicingCommon):
    """A French company and customers complete for posting, and helpers."""

    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.write(
            {
                "name": "Atelier Dupont SAS",
                "street": "12 rue de la République",
                "zip": "69002",
                "city": "Lyon",
                "email": "compta@dupont.example",
                "phone": "+33 4 72 00 00 00",
                "siren": "820419653",
                "siret": "82041965300010",
                "vat": "FR80820419653",
                "fr_legal_form": "SAS",
                "fr_share_capital": 50000,
                "fr_rcs_kind": "rcs",
                "fr_rcs_city": "Lyon",
                "fr_gate_mode": "block",
            }
        )
        cls.fr = cls.env.ref("base.fr")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Bâtiments Martin SARL",
                "is_company": True,
                "street": "4 avenue Jean Jaurès",
                "zip": "75019",
                "city": "Paris",
                "country_id": cls.fr.id,
                "siren": "552081317",
                "vat": "FR03552081317",
                "email": "factures@martin.example",
            }
        )
        cls.private = cls.env["res.partner"].create(
            {
                "name": "Claire Moreau",
                "street": "7 impasse des Lilas",
                "zip": "33000",
                "city": "Bordeaux",
                "country_id": cls.fr.id,
                "email": "claire.moreau@example.com",
            }
        )
        cls.german = cls.env["res.partner"].create(
            {
                "name": "Müller Maschinenbau GmbH",
                "is_company": True,
                "street": "Industriestraße 5",
                "zip": "70173",
                "city": "Stuttgart",
                "country_id": cls.env.ref("base.de").id,
                "vat": "DE129273398",
                "email": "rechnung@mueller.example",
            }
        )
        cls.canadian = cls.env["res.partner"].create(
            {
                "name": "Maple Trading Inc.",
                "is_company": True,
                "street": "100 King Street West",
                "zip": "M5X 1A9",
                "city": "Toronto",
                "country_id": cls.env.ref("base.ca").id,
                "email": "ap@maple.example",
            }
        )
        cls.term_30 = cls.env.ref("account.account_payment_term_30days")
        (
            cls.customer + cls.private + cls.german + cls.canadian
        ).property_payment_term_id = cls.term_30
        cls.tax_20 = cls._fr_sale_tax("tva_normale")
        cls.tax_10 = cls._fr_sale_tax("tva_intermediaire")
        cls.tax_55 = cls._fr_sale_tax("tva_reduite")
        cls.tax_0 = cls.env["account.tax"].create(
            {
                "name": "TVA 0 % exonérée",
                "amount": 0.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )
        cls.goods = cls.env["product.product"].create(
            {
                "name": "Chaise",
                "type": "consu",
                "lst_price": 80.0,
                "taxes_id": [Command.set(cls.tax_20.ids)],
            }
        )
        cls.service = cls.env["product.product"].create(
            {
                "name": "Rénovation",
                "type": "service",
                "lst_price": 500.0,
                "taxes_id": [Command.set(cls.tax_10.ids)],
            }
        )
        cls.book = cls.env["product.product"].create(
            {
                "name": "Livre",
                "type": "consu",
                "lst_price": 20.0,
                "taxes_id": [Command.set(cls.tax_55.ids)],
            }
        )
        cls.invoice_date = fields.Date.from_string("2026-03-10")

    @classmethod
    def _fr_sale_tax(cls, xmlid):
        tax = cls.env["account.chart.template"].with_company(cls.company).ref(xmlid)
        tax.active = True
        return tax

    @classmethod
    def _fiscal_position(cls, regime, name=None):
        return cls.env["account.fiscal.position"].create(
            {
                "name": name or regime,
                "company_id": cls.company.id,
                "fr_vat_regime": regime,
                "tax_ids": [
                    Command.create({"tax_src_id": tax.id, "tax_dest_id": cls.tax_0.id})
                    for tax in cls.tax_20 + cls.tax_10 + cls.tax_55
                ],
            }
        )

    def _invoice(self, partner=None, products=None, move_type="out_invoice", **values):
        """A draft customer document entered through the form, as a user does."""
        move_form = Form(self.env["account.move"].with_context(default_move_type=move_type))
        move_form.invoice_date = self.invoice_date
        move_form.partner_id = partner or self.customer
        for fname, value in values.items():
            setattr(move_form, fname, value)
        for product in products or self.goods:
            with move_form.invoice_line_ids.new() as line_form:
                line_form.product_id = product
        return move_form.save()
