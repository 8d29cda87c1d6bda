# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
from odoo import api, models

from ..tools import facturx_data


# one concern of account.move per file (issue 23): the fields and the write/_post
# overrides that call these methods are in models/account_move.py
class AccountMove(models.Model):
    """The document as plain data for tools/facturx_data.py: type code, parties, lines,
    VAT breakdown, notes, preceding invoices."""

    _inherit = "account.move"

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
        out_of_scope = self._fr_out_of_scope_lines()
        for line in product_lines:
            goods = line.product_id.type == "consu"
            if line in out_of_scope:
                category, rate = "O", 0.0  # late interest, recovery indemnity: no supply
            else:
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
