# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    delivery_picking_id = fields.Many2one(
        "stock.picking",
        string="Delivery Note",
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        readonly=True,
        check_company=True,
    )

    def _copy_data_extend_business_fields(self, values):
        # EXTENDS account: a reversal keeps the delivery of each line, so that posting it
        # frees the delivery again.
        res = super()._copy_data_extend_business_fields(values)
        values["delivery_picking_id"] = self.delivery_picking_id.id
        return res
