# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A French clerk, in the web client in French, invoices a delivery from the delivery form
and bills a building contract by situations (static/tests/tours/)."""

from odoo.tests import tagged

from .common_situation import SituationCommon
from .common_tour import FrenchTourCase
from .delivery_common import DeliveryInvoicingCase

CLERK_GROUPS = ",".join(
    [
        "base.group_user",
        "account.group_account_invoice",
        "sales_team.group_sale_salesman_all_leads",
        "stock.group_stock_user",
    ]
)


@tagged("post_install", "-at_install")
class TestDeliveryTour(DeliveryInvoicingCase, FrenchTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = cls._french_clerk(CLERK_GROUPS)
        cls.order = cls._order([(cls.good, 6)], client_order_ref="BC-2026-118")
        cls.picking = cls.order.picking_ids
        for move in cls.picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        cls.picking.button_validate()

    def test_invoice_delivery_from_its_form(self):
        self.assertEqual(self.picking.delivery_invoice_status, "to_invoice")
        self.start_tour(
            "/odoo/action-stock.action_picking_tree_all/%d" % self.picking.id,
            "billing_project_link_delivery_tour",
            login=self.clerk.login,
        )
        invoice = self.picking.delivery_invoice_id
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(self._qty(invoice, self.good), 6)
        self.assertEqual(self.picking.delivery_invoice_status, "invoiced")


@tagged("post_install", "-at_install")
class TestSituationTour(SituationCommon, FrenchTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = cls._french_clerk(CLERK_GROUPS)
        cls.order = cls._create_order()

    def test_situation_invoice_and_affaires(self):
        self.start_tour(
            "/odoo/action-sale.action_orders/%d" % self.order.id,
            "billing_project_link_situation_tour",
            login=self.clerk.login,
        )
        situation = self.order.situation_ids
        self.assertEqual(len(situation), 1)
        self.assertEqual(situation.state, "posted")
        self.assertEqual(situation.invoice_id.state, "posted")
        self.assertAlmostEqual(situation.amount_situation, 30000.0)
