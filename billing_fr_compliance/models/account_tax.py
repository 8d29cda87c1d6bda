# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountTax(models.Model):
    _inherit = "account.tax"  # Factur-X VAT category of the tax

    fr_facturx_category = fields.Selection(
        selection=[
            ("S", "S - Standard rate"),
            ("Z", "Z - Zero rated goods"),
            ("E", "E - Exempt (franchise, art. 293 B CGI)"),
            ("AE", "AE - Reverse charge"),
            ("K", "K - Intra-EU supply of goods"),
            ("G", "G - Export outside the EU"),
            ("O", "O - Outside the scope of VAT"),
        ],
        string="Factur-X VAT Category",
        help="VAT category written in the Factur-X XML (BT-118). Leave empty to derive it: a "
        "non-zero rate is standard, a zero rate is a franchise at home, an intra-EU supply (K) "
        "or reverse charge (AE) for EU customers, an export (G) outside the EU.",
    )
