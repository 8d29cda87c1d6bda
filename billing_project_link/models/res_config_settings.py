# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    billing_backlog_alert_days = fields.Integer(
        related="company_id.billing_backlog_alert_days", readonly=False
    )
    billing_backlog_user_id = fields.Many2one(
        related="company_id.billing_backlog_user_id", readonly=False
    )
