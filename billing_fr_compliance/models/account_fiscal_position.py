# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

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
