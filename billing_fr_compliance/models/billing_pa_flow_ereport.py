# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
# (e-reporting, issue 20: its own file, so that parallel work on the base files merges)
from odoo import fields, models


class BillingPaFlow(models.Model):
    _inherit = "billing.pa.flow"

    # e-reporting (flux 10): an FRR file sent on the same queue as the invoices
    flow_type = fields.Selection(
        selection_add=[("ereport", "E-reporting")], ondelete={"ereport": "cascade"}
    )
    ereport_id = fields.Many2one(
        "billing.fr.ereport",
        string="E-report",
        ondelete="set null",
        index="btree_not_null",
        check_company=True,
    )

    def write(self, vals):
        result = super().write(vals)
        if "state" in vals:
            self.filtered("ereport_id").ereport_id._billing_ereport_flow_changed()
        return result
