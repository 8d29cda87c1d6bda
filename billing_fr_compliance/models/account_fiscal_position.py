# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..tools import legal_text


class AccountFiscalPosition(models.Model):
    _inherit = "account.fiscal.position"

    fr_vat_regime = fields.Selection(
        selection=[
            ("standard", "Standard French VAT"),
            ("franchise", "VAT franchise (art. 293 B CGI)"),
            ("intra_eu", "Intra-EU supply (art. 262 ter I CGI / reverse charge)"),
            ("reverse_charge", "Reverse charge (autoliquidation)"),
            ("export", "Export outside the EU"),
        ],
        string="French VAT Regime",
        default="standard",
        help="Sets the exemption wording printed on French invoices and what the posting "
        "check requires (customer VAT number, no VAT on the lines).",
    )

    def _fr_exemption_text(self, nature):
        """The exemption or reverse-charge wording of this regime for an operation of
        ``nature`` (goods / services / mixed), in French."""
        return legal_text.exemption_text(self.fr_vat_regime or "standard", nature)

    @api.model
    def _fr_set_default_regimes(self):
        """Give the fiscal positions of the French chart already installed their regime
        (the chart template sets it on companies created later)."""
        regimes = {
            "fiscal_position_template_intraeub2b": "intra_eu",
            "fiscal_position_template_import_export": "export",
        }
        for company in self.env["res.company"].search([("chart_template", "=", "fr")]):
            chart = self.env["account.chart.template"].with_company(company)
            for xmlid, regime in regimes.items():
                position = chart.ref(xmlid, raise_if_not_found=False)
                if position and position.fr_vat_regime == "standard":
                    position.fr_vat_regime = regime
