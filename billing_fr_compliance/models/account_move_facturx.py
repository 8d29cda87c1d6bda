# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import facturx_check, facturx_data


# Factur-X lives apart from models/account_move.py (posting gate, legal snapshot) so that the
# two features can be read, reviewed and changed separately.
class AccountMove(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "account.move"  # Factur-X EN16931 of customer invoices and credit notes

    fr_facturx_state = fields.Selection(
        selection=[("valid", "Valid"), ("error", "Errors")],
        string="Factur-X",
        copy=False,
        readonly=True,
        help="Result of the last Factur-X check (XSD, Factur-X EN16931 and French CTC "
        "schematrons). Only a valid document is sent with its Factur-X XML.",
    )
    fr_facturx_messages = fields.Text(
        string="Factur-X Errors",
        copy=False,
        readonly=True,
        help="Each rule the document breaks, with where to fix it.",
    )
    fr_facturx_applicable = fields.Boolean(
        string="Sent as Factur-X",
        compute="_compute_fr_facturx_applicable",
        help="Posted customer invoice or credit note of a company that sends Factur-X, to a "
        "customer who did not ask for a plain PDF.",
    )

    @api.depends(
        "state",
        "move_type",
        "company_id.fr_facturx_enabled",
        "commercial_partner_id.fr_facturx_mode",
    )
    def _compute_fr_facturx_applicable(self):
        for move in self:
            move.fr_facturx_applicable = move._fr_facturx_enabled()

    def action_fr_facturx_check(self):
        """Button: build and validate the Factur-X XML, show the result."""
        self.ensure_one()
        __, messages = self._fr_facturx_build()
        if messages:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "warning",
                    "sticky": True,
                    "title": _("%(name)s: Factur-X not valid", name=self.name),
                    "message": "\n".join(messages),
                },
            }
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("%(name)s: Factur-X valid", name=self.name),
                "message": _("The XML passes the XSD and both schematrons (EN16931, BR-FR)."),
            },
        }

    def action_fr_facturx_download(self):
        """Button: download the Factur-X XML of the document (refused when it is not valid)."""
        self.ensure_one()
        if self.state != "posted" or not self.is_sale_document():
            raise UserError(
                _(
                    "%(name)s: only a posted customer invoice or credit note has a Factur-X XML.",
                    name=self.display_name,
                )
            )
        xml, messages = self._fr_facturx_build()
        if messages:
            raise UserError(self._fr_facturx_error_text(messages))
        name = "%s_factur-x.xml" % re.sub(r"[^\w-]+", "_", self.name)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", self._name), ("res_id", "=", self.id), ("name", "=", name)],
            limit=1,
        )
        if attachment:
            attachment.raw = xml
        else:
            attachment = self.env["ir.attachment"].create(
                {
                    "name": name,
                    "raw": xml,
                    "mimetype": "application/xml",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        return {
            "type": "ir.actions.act_url",
            "url": "/web/content/%s?download=true" % attachment.id,
            "target": "download",
        }

    # Factur-X -------------------------------------------------------------------------------

    def _need_ubl_cii_xml(self, ubl_cii_format):
        # account_edi_ubl_cii: our Factur-X replaces Odoo's CII for these documents
        if ubl_cii_format == "facturx" and self._fr_facturx_enabled():
            return False
        return super()._need_ubl_cii_xml(ubl_cii_format)

    def _fr_facturx_enabled(self):
        """Whether this document is sent as Factur-X: a posted customer invoice or credit note,
        the company switch on, unless the customer asked for a plain PDF (or forced it on)."""
        self.ensure_one()
        if self.state != "posted" or self.move_type not in ("out_invoice", "out_refund"):
            return False
        mode = self.commercial_partner_id.fr_facturx_mode or "company"
        if mode == "company":
            return self.company_id.fr_facturx_enabled
        return mode == "facturx"

    def _fr_facturx_error_text(self, messages):
        return "\n".join(
            [
                _(
                    "%(name)s cannot be sent as Factur-X: fix the following and try again.",
                    name=self.display_name,
                )
            ]
            + ["- " + message for message in messages]
        )

    def _fr_facturx_build(self):
        """Build the Factur-X XML of this posted document and validate it.

        :return: (xml bytes, list of French messages, empty when valid); the status fields are
            updated.
        """
        self.ensure_one()
        try:
            xml = facturx_data.build_xml(self._fr_facturx_invoice_data())
            messages = facturx_check.user_messages(facturx_check.check(xml))
        except ValueError as error:  # a datum the library refuses (no number, bad currency...)
            xml, messages = b"", [str(error)]
        vals = {
            "fr_facturx_state": "error" if messages else "valid",
            "fr_facturx_messages": "\n".join(messages) or False,
        }
        if any(self[fname] != value for fname, value in vals.items()):
            # the status is written by whoever renders the PDF, a portal customer included
            self.sudo().write(vals)
        return xml, messages

    def _fr_facturx_type_code(self):
        if self.move_type == "out_refund":
            return facturx_data.TYPE_CREDIT_NOTE
        if self._fr_facturx_corrected_invoice():
            return facturx_data.TYPE_CORRECTIVE
        if self._fr_facturx_is_down_payment():
            return facturx_data.TYPE_DOWN_PAYMENT
        return facturx_data.TYPE_INVOICE

    def _fr_facturx_corrected_invoice(self):
        """The invoice a corrective invoice (debit note, account_debit_note) corrects."""
        if "debit_origin_id" in self._fields:
            return self.debit_origin_id
        return self.browse()

    def _fr_facturx_down_payment_lines(self):
        """Invoice lines that come from down payment lines of sale orders (only when sale is
        installed: this addon depends on account alone)."""
        lines = self.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        if "sale_line_ids" not in lines._fields:
            return lines.browse()
        return lines.filtered(lambda line: any(line.sale_line_ids.mapped("is_downpayment")))

    def _fr_facturx_is_down_payment(self):
        """A down payment invoice (386): every line is a positive down payment line."""
        lines = self.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        down = self._fr_facturx_down_payment_lines()
        return bool(lines) and down == lines and all(line.price_subtotal > 0 for line in lines)

    def _fr_facturx_deducted_down_payments(self):
        """Down payment invoices deducted by this final invoice (negative down payment lines)."""
        down = self._fr_facturx_down_payment_lines().filtered(lambda line: line.price_subtotal < 0)
        if not down:
            return self.browse()
        invoices = down.sale_line_ids.invoice_lines.move_id
        return invoices.filtered(
            lambda move: move != self and move.state == "posted" and move.move_type == "out_invoice"
        )

    def _fr_facturx_party(self, partner):
        country = partner.country_id.code or ""
        return {
            "name": partner.name or "",
            "street": partner.street or "",
            "street2": partner.street2 or "",
            "zip": partner.zip or "",
            "city": partner.city or "",
            "country": country,
            "siren": (partner.siren or "") if country == "FR" else "",
            "siret": (partner.siret or "") if country == "FR" else "",
            "vat": partner.vat or "",
            "email": partner.email or "",
            "phone": partner.phone or "",
        }

    def _fr_facturx_tax(self, taxes, goods):
        """(category, rate) of the VAT of a line: the category set on the tax, or the one its
        rate and the buyer's country give (see tools/facturx_data.tax_category)."""
        tax = taxes.filtered(lambda t: t.amount_type == "percent")[:1] or taxes[:1]
        buyer_country = self.commercial_partner_id.country_id
        eu_countries = self.env.ref("base.europe").country_ids
        return facturx_data.tax_category(
            rate=tax.amount if tax else 0.0,
            explicit=tax.fr_facturx_category if tax else None,
            seller_country=self.company_id.country_id.code or "FR",
            buyer_country=buyer_country.code or "FR",
            buyer_in_eu=buyer_country in eu_countries,
            goods=goods,
        )

    def _fr_facturx_invoice_data(self):
        """This posted document described as plain data for tools/facturx_data.py."""
        self.ensure_one()
        legal = self._fr_legal_data()
        company = self.company_id
        partner = self.commercial_partner_id
        customer_type = legal.get("customer_type") or partner.billing_customer_type
        seller = self._fr_facturx_party(company.partner_id)
        seller.update(
            {
                "name": company.name,
                "siren": legal.get("siren") or company.siren or "",
                "siret": legal.get("siret") or company.siret or "",
                "vat": legal.get("vat") or company.vat or "",
                "legal_info": legal.get("identity_line") or "",
            }
        )
        buyer = self._fr_facturx_party(partner)
        if not buyer["email"] and self.partner_id.email:
            buyer["email"] = self.partner_id.email
        uom_codes = self._fr_facturx_uom_codes()
        lines, groups = [], {}
        product_lines = self.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        sign = -1 if self.move_type == "out_invoice" else 1
        for line in product_lines:
            goods = line.product_id.type == "consu"
            category, rate = self._fr_facturx_tax(line.tax_ids, goods)
            price = line.price_unit
            if any(line.tax_ids.mapped("price_include")) and line.quantity:
                # price without tax, from the subtotal
                factor = line.quantity * (1 - (line.discount or 0.0) / 100.0)
                price = line.price_subtotal / factor if factor else line.price_unit
            lines.append(
                {
                    "name": line.product_id.name or (line.name or "").split("\n")[0],
                    "description": line.name or "",
                    "product_code": line.product_id.default_code or "",
                    "quantity": line.quantity,
                    "uom": uom_codes.get(line.product_uom_id.id, facturx_data.DEFAULT_UOM),
                    "price_unit": price,
                    "discount": line.discount,
                    "subtotal": line.price_subtotal,
                    "tax": {"category": category, "rate": rate},
                }
            )
            group = groups.setdefault((category, rate), {"base": 0.0, "amount": 0.0})
            group["base"] += line.price_subtotal
        tax_company = 0.0
        for line in self.line_ids.filtered(lambda line: line.display_type == "tax"):
            category, rate = self._fr_facturx_tax(line.tax_line_id, goods=False)
            group = groups.setdefault((category, rate), {"base": 0.0, "amount": 0.0})
            group["amount"] += sign * line.amount_currency
            tax_company += sign * line.balance
        rounding = sum(
            sign * line.amount_currency
            for line in self.line_ids.filtered(lambda line: line.display_type == "rounding")
        )
        preceding = self.reversed_entry_id or self._fr_facturx_corrected_invoice()
        preceding |= self._fr_facturx_deducted_down_payments()
        shipping = self.partner_shipping_id
        ship_to = None
        if shipping and shipping != self.partner_id:
            ship_to = self._fr_facturx_party(shipping)
        elif any(category == "K" for category, __ in groups):
            ship_to = buyer  # intra-EU supply: the country of delivery is required (BR-IC-12)
        notes = {
            "PMD": legal.get("penalty_text") or "",
            "PMT": legal.get("indemnity_text") or facturx_data.B2C_INDEMNITY_NOTE,
            "AAB": legal.get("early_discount_text") or "",
            "REG": [legal.get("vat_on_debits_text") or ""],
        }
        bank = self.partner_bank_id
        return {
            "number": self.name,
            "type_code": self._fr_facturx_type_code(),
            "issue_date": self.invoice_date,
            "due_date": self.invoice_date_due,
            "payment_terms": self.invoice_payment_term_id.name or "",
            "currency": self.currency_id.name,
            "tax_total_company_currency": tax_company,
            "operation_nature": legal.get("operation_nature") or self.fr_operation_nature,
            "after_down_payment": bool(self._fr_facturx_deducted_down_payments()),
            "customer_type": customer_type,
            "seller": seller,
            "buyer": buyer,
            "ship_to": ship_to,
            "delivery_date": self.delivery_date or self.invoice_date,
            "purchase_order": self.ref or "",
            "payment_reference": self.payment_reference or "",
            "notes": notes,
            "preceding_invoices": [
                {"number": move.name, "date": move.invoice_date} for move in preceding
            ],
            "bank": bank
            and {
                "iban": bank.sanitized_acc_number or "",
                "bic": bank.bank_bic or "",
                "holder": bank.partner_id.name or "",
            },
            "lines": lines,
            "tax_groups": [
                {"category": category, "rate": rate, **values}
                for (category, rate), values in groups.items()
            ],
            "rounding": rounding,
        }

    @api.model
    def _fr_facturx_uom_codes(self):
        """{uom id: UN/ECE code} of the units the mapping knows."""
        codes = {}
        for xmlid, code in facturx_data.UOM_CODES.items():
            uom = self.env.ref(xmlid, raise_if_not_found=False)
            if uom:
                codes[uom.id] = code
        return codes
