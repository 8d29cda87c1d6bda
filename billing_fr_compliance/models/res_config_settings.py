# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import functools
import subprocess

from odoo import api, fields, models

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

from ..tools import pdf_engine


@functools.cache
def _wkhtmltopdf_version():
    """``wkhtmltopdf --version`` of the binary Odoo uses, once per process ('' if none)."""
    try:
        return subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


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
    fr_pdf_no_header_footer = fields.Boolean(
        string="PDF Without Header and Footer",
        compute="_compute_fr_pdf_no_header_footer",
        help="The PDF engine (wkhtmltopdf without patched Qt) drops the report header and "
        "footer: the logo, address and legal identity that the layout prints there.",
    )

    @api.depends("company_id")
    def _compute_fr_pdf_no_header_footer(self):
        missing = not pdf_engine.prints_header_footer(_wkhtmltopdf_version())
        for settings in self:
            settings.fr_pdf_no_header_footer = missing
