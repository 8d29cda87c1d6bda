# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .delivery_common import DeliveryInvoicingCase


@tagged("post_install", "-at_install")
class TestNotifyWithoutEmail(DeliveryInvoicingCase):
    """A message or activity about a delivery never blocks its validation: a user who cannot
    send mail (no e-mail address) validates, and the message is written by the company's bot."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.delivery_invoice_frequency = "at_once"
        cls.bot = cls.env.ref("base.partner_root")
        cls.salesperson = cls.env["res.users"].create(
            {
                "name": "Vendeuse Durand",
                "login": "vendeuse_durand_nomail",
                "email": "durand@example.com",
                "groups_id": [(6, 0, [cls.env.ref("sales_team.group_sale_salesman").id])],
            }
        )

    def _validate_as(self, user, order):
        picking = order.picking_ids
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        picking.with_user(user).button_validate()
        self.assertEqual(picking.state, "done")
        return picking

    def _assert_reported_by_bot(self, picking, reason):
        self.assertEqual(picking.delivery_invoice_status, "to_invoice")
        message = picking.message_ids.filtered(lambda m: reason in (m.body or ""))
        self.assertEqual(len(message), 1, picking.message_ids.mapped("body"))
        self.assertEqual(message.author_id, self.bot)
        self.assertEqual(picking.activity_ids.user_id, self.salesperson)

    def test_storekeeper_without_email_validates_at_once_delivery(self):
        storekeeper = self.env["res.users"].create(
            {
                "name": "Magasinier Sans Courriel",
                "login": "magasinier_sans_courriel",
                "groups_id": [(6, 0, [self.env.ref("stock.group_stock_user").id])],
            }
        )
        self.assertFalse(storekeeper.email)
        order = self._order([(self.good, 5)], user_id=self.salesperson.id)
        picking = self._validate_as(storekeeper, order)
        self._assert_reported_by_bot(picking, "may not invoice its sales order")

    def test_salesperson_without_email_whose_invoice_cannot_be_made(self):
        seller = self.env["res.users"].create(
            {
                "name": "Vendeur Sans Courriel",
                "login": "vendeur_sans_courriel",
                "groups_id": [
                    (6, 0, [self.env.ref("sales_team.group_sale_salesman_all_leads").id]),
                    (4, self.env.ref("stock.group_stock_user").id),
                ],
            }
        )
        self.assertFalse(seller.email)
        order = self._order([(self.good, 5)], user_id=self.salesperson.id)
        # the seller may invoice the order, but no invoice can be made: no sales journal
        self.env["account.journal"].search(
            [("company_id", "=", self.env.company.id), ("type", "=", "sale")]
        ).active = False
        picking = self._validate_as(seller, order)
        self._assert_reported_by_bot(picking, "journal")
