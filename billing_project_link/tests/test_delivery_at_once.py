# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .delivery_common import DeliveryInvoicingCase


@tagged("post_install", "-at_install")
class TestDeliveryAtOnce(DeliveryInvoicingCase):
    """Billing never blocks the warehouse: the "at once" invoice of a validated delivery is
    made when it can be, else the delivery is done, "To Invoice", and the salesperson is told."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.delivery_invoice_frequency = "at_once"
        cls.salesperson = cls.env["res.users"].create(
            {
                "name": "Vendeuse Durand",
                "login": "vendeuse_durand",
                "email": "durand@example.com",
                "groups_id": [(6, 0, [cls.env.ref("sales_team.group_sale_salesman").id])],
            }
        )
        cls.storekeeper = cls.env["res.users"].create(
            {
                "name": "Magasinier Petit",
                "login": "magasinier_petit",
                "email": "petit@example.com",
                "groups_id": [(6, 0, [cls.env.ref("stock.group_stock_user").id])],
            }
        )

    def _validate_as(self, user, order):
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        picking.with_user(user).button_validate()
        self.assertEqual(picking.state, "done")
        return picking

    def _assert_left_to_invoice(self, picking, reason):
        self.assertFalse(picking.delivery_invoice_id)
        self.assertFalse(picking.sale_id.invoice_ids)
        self.assertEqual(picking.delivery_invoice_status, "to_invoice")
        message = picking.message_ids.filtered(lambda m: reason in (m.body or ""))
        self.assertEqual(len(message), 1, picking.message_ids.mapped("body"))
        activity = picking.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, picking.sale_id.user_id)
        self.assertIn(picking.name, activity.summary)

    def test_storekeeper_without_sales_rights_validates(self):
        order = self._order([(self.good, 5)], user_id=self.salesperson.id)
        picking = self._validate_as(self.storekeeper, order)
        self._assert_left_to_invoice(picking, "may not invoice its sales order")
        # the salesperson invoices it from the delivery; the batch run would as well
        self.env.user.groups_id |= self.env.ref("account.group_account_invoice")
        picking.action_invoice_delivery()
        self.assertEqual(picking.delivery_invoice_status, "invoiced")

    def test_salesperson_validates_own_order_gets_invoice(self):
        self.salesperson.groups_id |= self.env.ref("stock.group_stock_user")
        order = self._order([(self.good, 5)], user_id=self.salesperson.id)
        picking = self._validate_as(self.salesperson, order)
        self.assertEqual(picking.delivery_invoice_status, "invoiced")
        self.assertEqual(self._qty(picking.delivery_invoice_id, self.good), 5)
        self.assertFalse(picking.activity_ids)

    def test_invoice_that_cannot_be_made_leaves_delivery_done(self):
        orders = [self._order([(self.good, qty)], user_id=self.salesperson.id) for qty in (5, 3, 2)]
        # the company's sales journals archived: no invoice can be created
        journals = self.env["account.journal"].search(
            [("company_id", "=", self.env.company.id), ("type", "=", "sale")]
        )
        journals.active = False
        picking = self._validate_as(self.env.user, orders[0])
        self._assert_left_to_invoice(picking, "journal")
        self.assertFalse(self.env["account.move"].search([("partner_id", "=", self.customer.id)]))
        # two deliveries validated together: both done, each reported
        pickings = (orders[1] | orders[2]).picking_ids
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        pickings.button_validate()
        self.assertEqual(set(pickings.mapped("state")), {"done"})
        self.assertEqual(set(pickings.mapped("delivery_invoice_status")), {"to_invoice"})
        self.assertEqual(pickings.activity_ids.user_id, self.salesperson)
        self.assertEqual(len(pickings.activity_ids), 2)
        # once the journal is back, the delivery invoices as usual
        journals.active = True
        picking.action_invoice_delivery()
        self.assertEqual(picking.delivery_invoice_status, "invoiced")
