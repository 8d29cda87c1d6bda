# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..tools import legal_text


class AccountMove(models.Model):
    _inherit = "account.move"

    fr_operation_nature = fields.Selection(
        selection=[("goods", "Goods"), ("services", "Services"), ("mixed", "Goods and services")],
        string="Nature of the Operation",
        compute="_compute_fr_operation_nature",
        store=True,
        help="Goods, services or both, from the products of the invoice lines (2026 mention).",
    )
    fr_customer_type = fields.Selection(
        related="commercial_partner_id.billing_customer_type", string="Customer Type"
    )
    fr_legal_snapshot = fields.Json(
        string="Frozen Legal Data",
        copy=False,
        readonly=True,
        help="Legal data printed on the document, stored when it is posted so that a reprint "
        "years later is identical.",
    )

    @api.depends("invoice_line_ids.product_id.type", "invoice_line_ids.display_type")
    def _compute_fr_operation_nature(self):
        for move in self:
            lines = move.invoice_line_ids.filtered(lambda line: line.display_type == "product")
            move.fr_operation_nature = legal_text.operation_nature(
                [line.product_id.type or None for line in lines]
            )

    def _post(self, soft=True):
        # account: freeze the legal data of customer documents as they are posted
        posted = super()._post(soft=soft)
        for move in posted.filtered(lambda m: m.is_sale_document() and not m.fr_legal_snapshot):
            move.fr_legal_snapshot = move._fr_build_legal_snapshot()
        return posted

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
        }
        data["identity_line"] = legal_text.legal_identity_line(data)
        data["penalty_text"] = legal_text.penalty_text(rate)
        data["indemnity_text"] = legal_text.indemnity_text(customer_type)
        data["vat_on_debits_text"] = legal_text.VAT_ON_DEBITS_TEXT if data["vat_on_debits"] else ""
        data["nature_text"] = legal_text.NATURE_LABELS[self.fr_operation_nature or "services"]
        return data

    def _fr_legal_data(self):
        """The frozen legal data of a posted document, or the live data of a draft."""
        self.ensure_one()
        return self.fr_legal_snapshot or self._fr_build_legal_snapshot()
