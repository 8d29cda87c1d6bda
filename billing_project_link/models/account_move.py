# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    delivery_picking_ids = fields.Many2many(
        "stock.picking",
        string="Delivery Notes",
        compute="_compute_delivery_picking_ids",
    )
    delivery_picking_count = fields.Integer(compute="_compute_delivery_picking_ids")

    @api.depends("line_ids.delivery_picking_id")
    def _compute_delivery_picking_ids(self):
        for move in self:
            move.delivery_picking_ids = move.line_ids.delivery_picking_id
            move.delivery_picking_count = len(move.delivery_picking_ids)

    @api.depends("line_ids.delivery_picking_id.date_done")
    def _compute_delivery_date(self):
        # EXTENDS sale_stock: an invoice of delivery notes is dated by its deliveries, not by
        # the order's first delivery.
        res = super()._compute_delivery_date()
        for move in self:
            done = move.line_ids.delivery_picking_id.filtered("date_done").mapped("date_done")
            if done:
                move.delivery_date = fields.Date.context_today(move, max(done))
        return res

    @api.model_create_multi
    def create(self, vals_list):
        # EXTENDS account: an invoice created with lines of free deliveries (the new draft of
        # "Reverse > Reverse and create invoice") bills them again: link them back.
        moves = super().create(vals_list)
        for move in moves.filtered(lambda m: m.move_type == "out_invoice"):
            free = move.line_ids.delivery_picking_id.filtered(
                lambda p: not p.delivery_invoice_id and p.picking_type_code == "outgoing"
            )
            if free:
                free.write({"delivery_invoice_id": move.id})
        return moves

    def button_cancel(self):
        # EXTENDS account: a cancelled invoice frees its deliveries.
        res = super().button_cancel()
        self._delivery_free_pickings(self.filtered(lambda m: m.state == "cancel"))
        return res

    def _post(self, soft=True):
        # EXTENDS account: posting the reversal of a delivery invoice frees its deliveries
        # (a credit note of a return is tied to the return, not to the delivery).
        posted = super()._post(soft)
        reversals = posted.filtered(lambda m: m.move_type == "out_refund" and m.reversed_entry_id)
        for reversal in reversals:
            pickings = reversal.line_ids.delivery_picking_id.filtered(
                lambda p, r=reversal: p.delivery_invoice_id == r.reversed_entry_id
            )
            if pickings:
                pickings.write({"delivery_invoice_id": False})
        return posted

    @api.model
    def _delivery_free_pickings(self, moves):
        pickings = self.env["stock.picking"].search([("delivery_invoice_id", "in", moves.ids)])
        if pickings:
            pickings.write({"delivery_invoice_id": False})

    def action_view_delivery_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("stock.action_picking_tree_all")
        pickings = self.delivery_picking_ids
        if len(pickings) == 1:
            action.update(
                views=[(self.env.ref("stock.view_picking_form").id, "form")], res_id=pickings.id
            )
        else:
            action["domain"] = [("id", "in", pickings.ids)]
        action["context"] = {"create": False}
        return action
