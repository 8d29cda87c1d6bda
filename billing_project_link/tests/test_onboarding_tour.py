# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Onboarding tours (static/src/js/billing_project_link_onboarding.js): a French clerk walks
them in Chromium, in the web client in French, from the home page; a new billing user is
shown them once, a warehouse user never."""

from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tests.common import TransactionCase

from .common_situation import SituationCommon
from .common_tour import FrenchTourCase
from .delivery_common import DeliveryInvoicingCase
from .test_tour import CLERK_GROUPS

DELIVERY_TOUR = "billing_project_link_onboarding_delivery"
SITUATION_TOUR = "billing_project_link_onboarding_situation"


@tagged("post_install", "-at_install")
class TestOnboardingDeliveryTour(DeliveryInvoicingCase, FrenchTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = cls._french_clerk(CLERK_GROUPS)
        cls.order = cls._order([(cls.good, 4)], client_order_ref="BC-2026-204")
        cls.picking = cls.order.picking_ids
        for move in cls.picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        cls.picking.button_validate()

    def test_invoice_a_delivery_from_the_backlog(self):
        self.assertEqual(self.picking.delivery_invoice_status, "to_invoice")
        self.start_tour("/odoo", DELIVERY_TOUR, login=self.clerk.login)
        invoice = self.picking.delivery_invoice_id
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(self._qty(invoice, self.good), 4)


@tagged("post_install", "-at_install")
class TestOnboardingSituationTour(SituationCommon, FrenchTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = cls._french_clerk(CLERK_GROUPS)
        # the Orders menu shows the clerk's own orders first
        cls.order = cls._create_order(user_id=cls.clerk.id)

    def test_post_a_situation(self):
        self.start_tour("/odoo", SITUATION_TOUR, login=self.clerk.login)
        situation = self.order.situation_ids
        self.assertEqual(len(situation), 1)
        self.assertEqual(situation.invoice_id.state, "posted")
        self.assertAlmostEqual(situation.amount_situation, 30000.0)


@tagged("post_install", "-at_install")
class TestOnboardingShownOnce(TransactionCase):
    def _user(self, login, groups):
        return new_test_user(
            self.env,
            login=login,
            groups=groups,
            company_id=self.env.company.id,
            company_ids=[Command.set(self.env.company.ids)],
        )

    def _current(self, user):
        tour = self.env["web_tour.tour"].with_user(user).get_current_tour()
        return tour and tour["name"]

    def test_new_billing_user_gets_the_tours_once(self):
        clerk = self._user("onboarding_clerk", "base.group_user,account.group_account_invoice")
        self.assertTrue(clerk.tour_enabled, "a new billing user gets the onboarding")
        self.assertEqual(self._current(clerk), DELIVERY_TOUR)
        # the web client calls consume when the clerk reaches the end of the tour
        self.env["web_tour.tour"].with_user(clerk).consume(DELIVERY_TOUR)
        self.assertEqual(self._current(clerk), SITUATION_TOUR)
        self.env["web_tour.tour"].with_user(clerk).consume(SITUATION_TOUR)
        self.assertNotIn(self._current(clerk), (DELIVERY_TOUR, SITUATION_TOUR))

    def test_warehouse_user_gets_no_billing_tour(self):
        keeper = self._user("onboarding_keeper", "base.group_user,stock.group_stock_user")
        self.assertFalse(keeper.tour_enabled)
        keeper.tour_enabled = True  # switched on from the user menu (Onboarding)
        current = self._current(keeper)
        self.assertFalse(current and current.startswith("billing_"), current)
