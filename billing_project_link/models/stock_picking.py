# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoicing from delivery notes: the delivery's invoicing status and what it bills.

The other jobs of ``stock.picking`` in this addon live beside this file:
``stock_picking_invoice`` (creating the invoice of deliveries), ``stock_picking_at_once``
(invoicing "at once" on validation) and ``stock_picking_periodic`` (the monthly run).
"""

from odoo import api, fields, models

from ..tools import delivery as rules

INVOICE_STATUS = [
    ("to_invoice", "To Invoice"),
    ("invoiced", "Invoiced"),
    ("nothing", "Nothing to Invoice"),
]


class StockPicking(models.Model):
    _inherit = "stock.picking"

    delivery_invoice_id = fields.Many2one(
        "account.move",
        copy=False,
        check_company=True,
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="Customer invoice (or credit note, for a return) that bills this delivery. "
        "Cleared when that invoice is cancelled or reversed, so the delivery can be invoiced "
        "again.",
    )
    delivery_invoice_status = fields.Selection(
        INVOICE_STATUS,
        string="Invoicing Status",
        compute="_compute_delivery_invoice_status",
        store=True,
        index=True,
    )
    delivery_invoice_line_ids = fields.One2many(
        "account.move.line", "delivery_picking_id", string="Delivery Invoice Lines", readonly=True
    )
    delivery_invoice_count = fields.Integer(compute="_compute_delivery_invoice_count")

    @api.depends(
        "state",
        "sale_id",
        "delivery_invoice_id",
        "move_ids.quantity",
        "move_ids.sale_line_id.qty_to_invoice",
        "sale_id.delivery_invoice_extra_lines",
    )
    def _compute_delivery_invoice_status(self):
        # Recomputed whenever a move or its order line changes (reservations, validations,
        # invoices): the pickings not done, not sold or already invoiced are decided on the
        # picking's own columns; only the done customer deliveries read their moves and what
        # their own order lines have left to invoice (not every line of the order).
        for picking in self:
            has_quantities = False
            if not picking.delivery_invoice_id and picking._delivery_is_invoiceable():
                remaining = {line: line.qty_to_invoice for line in picking.move_ids.sale_line_id}
                has_quantities = bool(picking._delivery_own_quantities(remaining))
            picking.delivery_invoice_status = rules.invoice_status(
                bool(picking.delivery_invoice_id), has_quantities
            )

    def _compute_delivery_invoice_count(self):
        for picking in self:
            picking.delivery_invoice_count = len(picking.delivery_invoice_line_ids.move_id)

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_invoice_delivery(self):
        """Button "Invoice this delivery": one invoice with exactly this delivery's quantities."""
        self.ensure_one()
        # same right as the sale order's "Create invoice" (billing users and salespeople)
        self.env["account.move"].check_access("create")
        invoices = self._delivery_invoice_create(grouping="picking")
        return self._delivery_action_view_invoices(invoices)

    def action_view_delivery_invoices(self):
        self.ensure_one()
        return self._delivery_action_view_invoices(self.delivery_invoice_line_ids.move_id)

    def _delivery_action_view_invoices(self, invoices):
        action = self.env["ir.actions.actions"]._for_xml_id("account.action_move_out_invoice_type")
        if len(invoices) == 1:
            action.update(
                views=[(self.env.ref("account.view_move_form").id, "form")],
                res_id=invoices.id,
            )
        else:
            action["domain"] = [("id", "in", invoices.ids)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------------------------------
    # Business methods: what a delivery bills
    # ------------------------------------------------------------------------------------------

    def _delivery_is_return(self):
        self.ensure_one()
        return self.picking_type_code == "incoming" and bool(self.return_id)

    def _delivery_is_invoiceable(self):
        """A done customer delivery (or a return of one) linked to a sale order."""
        self.ensure_one()
        return (
            self.state == "done"
            and bool(self.sale_id)
            and (self.picking_type_code == "outgoing" or self._delivery_is_return())
        )

    def _delivery_moved_quantities(self):
        """{sale line: quantity this picking moved to (or back from) the customer}, in the
        unit of the sale line."""
        self.ensure_one()
        is_return = self._delivery_is_return()
        quantities = {}
        for move in self.move_ids:
            line = move.sale_line_id
            if move.state != "done" or not line or move.scrapped:
                continue
            if is_return:
                if not (move.to_refund and move.location_id._is_outgoing()):
                    continue
            elif not move.location_dest_id._is_outgoing() or (
                move.origin_returned_move_id and not move.to_refund
            ):
                continue
            qty = move.product_uom._compute_quantity(
                move.quantity, line.product_uom, rounding_method="HALF-UP"
            )
            quantities[line] = quantities.get(line, 0.0) + qty
        return quantities

    def _delivery_remaining_quantities(self):
        """{sale line: quantity still to invoice} for the order lines of these pickings."""
        lines = self.sale_id.order_line
        return {line: line.qty_to_invoice for line in lines}

    def _delivery_own_quantities(self, remaining):
        """{sale line: quantity} this delivery bills (credits, for a return), taken from
        ``remaining`` (decremented). Products invoiced on delivered quantities bill what was
        delivered; products invoiced on ordered quantities follow the order's rule."""
        self.ensure_one()
        moved = self._delivery_moved_quantities()
        if self._delivery_is_return():
            delivered = {
                line: qty
                for line, qty in moved.items()
                if line.product_id.invoice_policy == "delivery"
            }
            return rules.split_quantities(delivered, remaining, sign=-1)
        delivered = {}
        for line, qty in moved.items():
            if line.product_id.invoice_policy == "delivery":
                delivered[line] = qty
            elif (
                self.sale_id.delivery_invoice_extra_lines or "first_delivery"
            ) == "first_delivery":
                # invoiced on ordered quantities: everything ordered, on the first invoice
                delivered[line] = line.product_uom_qty
        return rules.split_quantities(delivered, remaining)

    def _delivery_extra_quantities(self, remaining):
        """Order lines without delivery (services such as shipping) billed on the first
        delivery's invoice, when the order says so."""
        self.ensure_one()
        order = self.sale_id
        if (order.delivery_invoice_extra_lines or "first_delivery") != "first_delivery" or (
            self._delivery_is_return()
        ):
            return {}
        extras = {}
        for line in order.order_line:
            if line.display_type or line.is_downpayment or line.move_ids:
                continue
            if line.product_id.type == "consu" and line.product_id.invoice_policy == "delivery":
                continue  # a good still to be delivered: its own delivery will bill it
            extras[line] = line.product_uom_qty
        return rules.split_quantities(extras, remaining)

    # ------------------------------------------------------------------------------------------
    # Business methods: grouping keys (small, overridable)
    # ------------------------------------------------------------------------------------------

    def _delivery_invoice_base_key(self):
        """What every delivery of one invoice must share."""
        self.ensure_one()
        order = self.sale_id
        return (
            self.company_id.id,
            order.partner_invoice_id.id,
            order.currency_id.id,
            order.fiscal_position_id.id,
            order.payment_term_id.id,
            order.journal_id.id,
            "out_refund" if self._delivery_is_return() else "out_invoice",
        )

    def _delivery_invoice_key(self, grouping):
        self.ensure_one()
        return rules.grouping_key(
            grouping,
            self._delivery_invoice_base_key(),
            self.id,
            self.sale_id.id,
            fields.Date.context_today(self, self.date_done),
        )
