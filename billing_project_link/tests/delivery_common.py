# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared fixtures of the delivery invoicing tests: a French company, a stocked product
invoiced on delivered quantities, one invoiced on ordered quantities, a shipping service."""

from odoo import Command
from odoo.tests import Form

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import switch_off_fr_gate


class DeliveryInvoicingCase(AccountTestInvoicingCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_country("fr")
    def setUpClass(cls):
        super().setUpClass()
        switch_off_fr_gate(cls.env)
        # the monthly run is tested in one transaction; test_monthly_run_in_queue_jobs
        # switches the queue_job split on
        cls.env["ir.config_parameter"].sudo().set_param("billing_project_link.use_queue_job", "0")
        cls.env.user.groups_id |= cls.env.ref("stock.group_stock_user") | cls.env.ref(
            "sales_team.group_sale_salesman_all_leads"
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Bâtiments Martin SARL", "is_company": True}
        )
        cls.site = cls.env["res.partner"].create(
            {"name": "Chantier Villeurbanne", "parent_id": cls.customer.id, "type": "delivery"}
        )
        cls.good = cls._create_product(
            name="Parpaing 20x20x50",
            is_storable=True,
            invoice_policy="delivery",
            lst_price=10.0,
        )
        cls.ordered_good = cls._create_product(
            name="Palette consignée",
            is_storable=True,
            invoice_policy="order",
            lst_price=5.0,
        )
        cls.shipping = cls._create_product(
            name="Livraison", type="service", invoice_policy="order", lst_price=50.0
        )
        location = cls.warehouse.lot_stock_id
        for product in (cls.good, cls.ordered_good):
            cls.env["stock.quant"]._update_available_quantity(product, location, 10000.0)

    @classmethod
    def _order(cls, lines, partner=None, **values):
        order = cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                    for product, qty in lines
                ],
                **values,
            }
        )
        order.action_confirm()
        return order

    def _deliver(self, order, quantities=None):
        """Validate the order's open delivery with ``quantities`` ({product: qty}, all
        when None), keeping a backorder for the rest; return the done picking."""
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        self.assertEqual(len(picking), 1)
        for move in picking.move_ids:
            qty = move.product_uom_qty if quantities is None else quantities.get(move.product_id, 0)
            move.quantity = qty
            move.picked = True
        res = picking.button_validate()
        if isinstance(res, dict) and res.get("res_model") == "stock.backorder.confirmation":
            Form(self.env[res["res_model"]].with_context(**res["context"])).save().process()
        self.assertEqual(picking.state, "done")
        return picking

    def _return(self, picking, quantities):
        form = Form(
            self.env["stock.return.picking"].with_context(
                active_id=picking.id, active_ids=picking.ids, active_model="stock.picking"
            )
        )
        wizard = form.save()
        for line in wizard.product_return_moves:
            line.quantity = quantities.get(line.product_id, 0)
        res = wizard.action_create_returns()
        returned = self.env["stock.picking"].browse(res["res_id"])
        for move in returned.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        returned.button_validate()
        self.assertEqual(returned.state, "done")
        return returned

    @staticmethod
    def _product_lines(invoice):
        return invoice.invoice_line_ids.filtered(lambda line: line.display_type == "product")

    def _qty(self, invoice, product):
        lines = self._product_lines(invoice).filtered(lambda line: line.product_id == product)
        return sum(lines.mapped("quantity"))
