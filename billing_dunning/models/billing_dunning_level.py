# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class BillingDunningLevel(models.Model):
    _name = "billing.dunning.level"
    _description = "Dunning Level"
    _order = "policy_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    policy_id = fields.Many2one(
        "billing.dunning.policy", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    delay_days = fields.Integer(
        string="Days after due date",
        help="The level is reached this many days after the invoice due date.",
    )
