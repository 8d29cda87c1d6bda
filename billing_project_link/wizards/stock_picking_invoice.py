# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class StockPickingInvoice(models.TransientModel):
    _name = "stock.picking.invoice"
    _description = "Invoice Deliveries"

    picking_ids = fields.Many2many("stock.picking", string="Deliveries", required=True)
    grouping = fields.Selection(
        [
            ("picking", "One invoice per delivery"),
            ("partner", "One invoice per customer"),
            ("order", "One invoice per customer and order"),
            ("period", "One invoice per customer and month"),
        ],
        required=True,
        default="picking",
    )
    to_invoice_count = fields.Integer(
        string="Deliveries to Invoice", compute="_compute_to_invoice_count"
    )

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if "picking_ids" in fields_list and self.env.context.get("active_model") == "stock.picking":
            res["picking_ids"] = [fields.Command.set(self.env.context.get("active_ids", []))]
        return res

    @api.depends("picking_ids.delivery_invoice_status")
    def _compute_to_invoice_count(self):
        for wizard in self:
            wizard.to_invoice_count = len(
                wizard.picking_ids.filtered(lambda p: p.delivery_invoice_status == "to_invoice")
            )

    def action_create_invoices(self):
        self.ensure_one()
        self.env["account.move"].check_access("create")
        pickings = self.picking_ids.filtered(lambda p: p.delivery_invoice_status == "to_invoice")
        if not pickings:
            raise UserError(
                _(
                    "None of the selected deliveries has anything to invoice: select done "
                    "deliveries whose invoicing status is To Invoice."
                )
            )
        invoices = pickings._delivery_invoice_create(grouping=self.grouping, skip_locked=True)
        if not invoices:
            raise UserError(
                _(
                    "No invoice was created: the selected deliveries are being invoiced by "
                    "another user or were invoiced meanwhile."
                )
            )
        return pickings[:1]._delivery_action_view_invoices(invoices)
