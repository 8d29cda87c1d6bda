# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# (credit notes, issue 22: its own file, so that parallel work on the base files merges)
from odoo import fields, models


class BillingFrCreditReason(models.Model):
    """Why a credit note is issued, from a short list billing managers keep (price error,
    return, commercial discount, cancellation, duplicate...). Required on every credit note of
    a French company, kept in its legal snapshot, printed nowhere: the billing quality report
    counts credit notes by it."""

    _name = "billing.fr.credit.reason"
    _description = "Credit Note Reason"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    name = fields.Char(string="Reason", required=True, translate=True)
    code = fields.Char(
        required=True, help="Short code kept in the legal snapshot of the credit note."
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "A credit note reason with this code already exists."),
    ]
