# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
import base64

from odoo import fields, models

from ..tools import legal_text


# one concern of account.move per file (issue 23): the fields and the write/_post
# overrides that call these methods are in models/account_move.py
class AccountMove(models.Model):
    """The legal snapshot: the legal data a customer document prints, frozen when it is
    posted."""

    _inherit = "account.move"

    # ------------------------------------------------------------------
    # Legal snapshot: the data the printed document shows
    # ------------------------------------------------------------------

    def _fr_build_legal_snapshot(self):
        """The legal data the document prints, as plain data (see tools/legal_text.py)."""
        self.ensure_one()
        company = self.company_id
        date = self.invoice_date or fields.Date.context_today(self)
        customer_type = self.commercial_partner_id.billing_customer_type
        rate = company._fr_penalty_rate_on(date)
        data = {
            "company_name": company.name,
            "legal_form": company.fr_legal_form or "",
            "share_capital": company.fr_share_capital,
            "currency": company.currency_id.symbol or company.currency_id.name,
            "siren": company.siren or "",
            "siret": company.siret or "",
            "vat": company.vat or "",
            "rcs_kind": company.fr_rcs_kind or "none",
            "rcs_city": company.fr_rcs_city or "",
            "vat_on_debits": company.fr_vat_on_debits,
            "penalty_rate": rate,
            "customer_type": customer_type,
            "operation_nature": self.fr_operation_nature,
            "early_discount_text": company.with_context(lang="fr_FR").fr_early_discount_text or "",
            "buyer_siren": (self.commercial_partner_id.siren or "")
            if customer_type == "b2b"
            else "",
            "buyer_vat": self.commercial_partner_id.vat or "",
        }
        data["identity_line"] = legal_text.legal_identity_line(data)
        data["penalty_text"] = legal_text.penalty_text(rate)
        data["indemnity_text"] = legal_text.indemnity_text(customer_type)
        data["vat_on_debits_text"] = legal_text.VAT_ON_DEBITS_TEXT if data["vat_on_debits"] else ""
        data["nature_text"] = legal_text.NATURE_LABELS[self.fr_operation_nature or "services"]
        data["vat_regime"] = self.fiscal_position_id.fr_vat_regime or "standard"
        data["exemption_text"] = legal_text.exemption_text(
            data["vat_regime"], self.fr_operation_nature or "services"
        )
        data["out_of_scope_text"] = (
            legal_text.OUT_OF_SCOPE_TEXT if self._fr_out_of_scope_lines() else ""
        )
        data["company_address"] = self._fr_company_address()
        return data

    def _fr_company_address(self):
        """The company's address on one line, in the partner's language."""
        address = self.company_id.partner_id.with_context(
            lang=self.partner_id.lang or self.env.lang
        )._display_address(without_company=True)
        return ", ".join(line.strip() for line in address.splitlines() if line.strip())

    def _fr_out_of_scope_lines(self):
        """Product lines outside the scope of VAT: flagged, without any tax."""
        return self.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
            and line.billing_vat_out_of_scope
            and not line.tax_ids
        )

    def _fr_cgv_pdf(self):
        """The CGV PDF of the company (bytes) to append after the printed document, or None.
        Meant for the ir.actions.report override that assembles the invoice PDF."""
        self.ensure_one()
        company = self.company_id
        if not self.is_sale_document() or not company.fr_cgv_pdf or not company._fr_is_french():
            return None
        if not self.company_id._fr_is_french():
            return None
        return base64.b64decode(self.company_id.fr_cgv_pdf)

    def _fr_legal_data(self):
        """The frozen legal data of a posted document, or the live data of a draft."""
        self.ensure_one()
        return self.fr_legal_snapshot or self._fr_build_legal_snapshot()

    def _fr_printed_legal_data(self):
        """The legal data the printed document shows (report_invoice.xml), or False: only
        customer documents of French companies print French mentions."""
        self.ensure_one()
        if not self.is_sale_document() or not self.company_id._fr_is_french():
            return False
        data = dict(self._fr_legal_data())
        if "company_address" not in data:  # frozen before the seller block was printed
            data["company_address"] = self._fr_company_address()
        return data
