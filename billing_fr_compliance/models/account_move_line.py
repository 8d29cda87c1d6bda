# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    billing_vat_out_of_scope = fields.Boolean(
        string="Outside the Scope of VAT",
        help="The line pays for no supply of goods or services (late interest, the 40 EUR "
        "recovery indemnity): it bears no VAT, the invoice prints 'Hors champ d'application "
        "de la TVA' and its Factur-X category is O.",
    )
