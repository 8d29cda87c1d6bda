# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.osv import expression


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    billing_situation_line_ids = fields.One2many(
        "billing.situation.line", "sale_line_id", string="Situation Lines"
    )

    @api.depends("billing_situation_line_ids", "invoice_lines.price_subtotal")
    def _compute_qty_invoiced(self):
        # Override of sale: a situation bills an amount (quantity 1 at the situation's
        # price), so the invoiced quantity of a situation line is the ordered quantity in
        # proportion of the amount invoiced; a down payment's is what is left of it.
        by_amount = self.filtered(
            lambda line: line.billing_situation_line_ids
            or (line.is_downpayment and line.order_id.situation_ids)
        )
        res = super(SaleOrderLine, self - by_amount)._compute_qty_invoiced()
        for line in by_amount:
            net = line._billing_net_invoiced()
            if line.is_downpayment:
                line.qty_invoiced = net / line.price_unit if line.price_unit else 0.0
            elif line.price_subtotal:
                line.qty_invoiced = line.product_uom_qty * net / line.price_subtotal
            else:
                line.qty_invoiced = 0.0
        return res

    def _billing_net_invoiced(self):
        """Untaxed amount invoiced on this line, credit notes deducted, cancelled skipped."""
        self.ensure_one()
        net = 0.0
        for invoice_line in self._get_invoice_lines():
            move = invoice_line.move_id
            if move.state == "cancel":
                continue
            if move.move_type == "out_invoice":
                net += invoice_line.price_subtotal
            elif move.move_type == "out_refund":
                net -= invoice_line.price_subtotal
        return self.currency_id.round(net)

    def _billing_down_payment_amount(self):
        """Untaxed amount of a down payment once its invoice is posted, else 0."""
        self.ensure_one()
        posted = self.invoice_lines.filtered(
            lambda line: line.move_id.state == "posted"
            and line.move_id.move_type == "out_invoice"
            and not line.move_id.billing_situation_id
        )
        return self.currency_id.round(sum(posted.mapped("price_subtotal")))

    def _recompute_qty_to_invoice(self, start_date, end_date):
        # Override of sale_timesheet: the hours of an invoice become billable again only
        # when a credit note reverses it fully (as when timesheets are linked to the new
        # invoice); a partial credit note must not release every hour of the invoice.
        super()._recompute_qty_to_invoice(start_date, end_date)
        lines = self.filtered(
            lambda sol: sol.product_id and sol.product_id._is_delivered_timesheet()
        )
        credited = lines.order_id.invoice_ids.filtered(
            lambda move: move.state == "posted" and move.move_type == "out_refund"
        ).reversed_entry_id.filtered(lambda move: move.payment_state != "reversed")
        if not credited:
            return
        domain = expression.AND(
            [
                lines._timesheet_compute_delivered_quantity_domain(),
                [("timesheet_invoice_id", "in", credited.ids)],
                [("date", ">=", start_date)] if start_date else [],
                [("date", "<=", end_date)] if end_date else [],
            ]
        )
        still_billed = lines.sudo()._get_delivered_quantity_by_analytic(domain)
        for line in lines:
            hours = still_billed.get(line.id, 0.0)
            if hours:
                status = line.invoice_status
                line.qty_to_invoice = max(line.qty_to_invoice - hours, 0.0)
                if not line.qty_to_invoice:
                    line.invoice_status = status
