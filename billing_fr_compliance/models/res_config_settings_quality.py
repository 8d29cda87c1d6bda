# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
# (billing quality and credit-note controls, issue 22: its own file, so that parallel work on
# the base files merges)
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    billing_refusal_retention_months = fields.Integer(
        related="company_id.billing_refusal_retention_months", readonly=False
    )
    billing_credit_approval_amount = fields.Monetary(
        related="company_id.billing_credit_approval_amount", readonly=False
    )
    billing_credit_approval_share = fields.Float(
        related="company_id.billing_credit_approval_share", readonly=False
    )
