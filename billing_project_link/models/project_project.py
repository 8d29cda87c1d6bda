# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models
from odoo.exceptions import UserError


class ProjectProject(models.Model):
    _inherit = "project.project"

    def action_invoice_reached_milestones(self):
        """Invoice the reached milestones of the project's sales orders."""
        self.ensure_one()
        orders = self.milestone_ids.filtered("is_reached").sale_line_id.order_id
        if not orders:
            raise UserError(
                _(
                    "Project %(project)s: no reached milestone is linked to a sales order item.",
                    project=self.display_name,
                )
            )
        return orders.action_invoice_reached_milestones()

    def action_new_situation(self):
        """Open the draft situation of the project's sales order."""
        self.ensure_one()
        order = self.sale_order_id or self.reinvoiced_sale_order_id
        if not order:
            raise UserError(
                _(
                    "Project %(project)s is linked to no sales order (field Sales Order Item).",
                    project=self.display_name,
                )
            )
        return order.action_new_situation()
