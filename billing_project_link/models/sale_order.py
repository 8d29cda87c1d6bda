# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..tools import delivery as rules


class SaleOrder(models.Model):
    _inherit = "sale.order"

    delivery_invoice_extra_lines = fields.Selection(
        [
            ("first_delivery", "On the first delivery's invoice"),
            ("order", "From the order only"),
        ],
        string="Services and Ordered Quantities",
        default="first_delivery",
        required=True,
        help="When deliveries are invoiced one by one: products invoiced on ordered quantities "
        "and lines that are not delivered (services such as shipping) go on the first "
        "delivery's invoice, or are left to the order's own invoicing.",
    )
    delivery_downpayment_rule = fields.Selection(
        [
            ("first", "On the first invoices"),
            ("proportional", "In proportion to each delivery"),
        ],
        string="Down Payments on Delivery Invoices",
        compute="_compute_delivery_downpayment_rule",
        store=True,
        readonly=False,
        precompute=True,
        help="How down payments are deducted when deliveries are invoiced one by one.",
    )
    delivery_picking_invoice_ids = fields.Many2many(
        "account.move",
        string="Delivery Invoices",
        compute="_compute_delivery_picking_invoice_ids",
    )

    @api.depends("partner_id")
    def _compute_delivery_downpayment_rule(self):
        for order in self:
            order.delivery_downpayment_rule = (
                order.partner_id.commercial_partner_id.delivery_downpayment_rule or "first"
            )

    @api.depends("picking_ids.delivery_invoice_id")
    def _compute_delivery_picking_invoice_ids(self):
        for order in self:
            order.delivery_picking_invoice_ids = order.picking_ids.delivery_invoice_id

    def _delivery_downpayment_lines(self, amount, remaining):
        """[(down payment line, fraction to deduct)] on an invoice billing ``amount`` (untaxed)
        of this order; ``remaining`` ({sale line: qty to invoice}) is updated."""
        self.ensure_one()
        dp_lines = self.order_line.filtered(
            lambda line: line.is_downpayment
            and not line.display_type
            and remaining.get(line, 0.0) < 0
        )
        if not dp_lines:
            return []
        products = self.order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment
        )
        order_amount = sum(products.mapped("price_subtotal"))
        dp_amount = sum(line.price_unit * line.qty_invoiced for line in dp_lines)
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        is_last = all(
            line.qty_invoiced + line.qty_to_invoice - remaining.get(line, 0.0)
            >= line.product_uom_qty - 10**-digits
            for line in products
        )
        result = []
        for dp_line in dp_lines:
            fraction = rules.downpayment_fraction(
                self.delivery_downpayment_rule or "first",
                amount,
                order_amount,
                dp_amount,
                -remaining[dp_line],
                is_last,
                digits=digits,
            )
            if fraction > 0:
                remaining[dp_line] += fraction
                result.append((dp_line, fraction))
        return result
