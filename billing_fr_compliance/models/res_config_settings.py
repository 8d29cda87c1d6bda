# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fr_siren = fields.Char(related="company_id.siren", readonly=False)
    fr_siret = fields.Char(related="company_id.siret", readonly=False)
    fr_rcs_kind = fields.Selection(related="company_id.fr_rcs_kind", readonly=False)
    fr_rcs_city = fields.Char(related="company_id.fr_rcs_city", readonly=False)
    fr_legal_form = fields.Char(related="company_id.fr_legal_form", readonly=False)
    fr_share_capital = fields.Monetary(related="company_id.fr_share_capital", readonly=False)
    fr_vat_on_debits = fields.Boolean(related="company_id.fr_vat_on_debits", readonly=False)
    fr_penalty_rate = fields.Float(related="company_id.fr_penalty_rate", readonly=False)
    fr_early_discount_text = fields.Char(
        related="company_id.fr_early_discount_text", readonly=False
    )
    fr_cgv_text = fields.Html(related="company_id.fr_cgv_text", readonly=False)
    fr_cgv_pdf = fields.Binary(related="company_id.fr_cgv_pdf", readonly=False)
    fr_cgv_pdf_name = fields.Char(related="company_id.fr_cgv_pdf_name", readonly=False)
    fr_gate_mode = fields.Selection(related="company_id.fr_gate_mode", readonly=False)
    fr_facturx_enabled = fields.Boolean(related="company_id.fr_facturx_enabled", readonly=False)
