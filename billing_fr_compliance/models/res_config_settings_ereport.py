# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
# (e-reporting, issue 20: its own file, so that parallel work on the base files merges)
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    billing_ereport_regime = fields.Selection(
        related="company_id.billing_ereport_regime", readonly=False
    )
    billing_ereport_start_date = fields.Date(
        related="company_id.billing_ereport_start_date", readonly=False
    )
    billing_ereport_days_before = fields.Integer(
        related="company_id.billing_ereport_days_before", readonly=False
    )
    billing_ereport_check_days = fields.Integer(
        related="company_id.billing_ereport_check_days", readonly=False
    )
