# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import DunningCommon
from .common_tour import FrenchTourCase


@tagged("post_install", "-at_install")
class TestDunningReceivableTour(DunningCommon, FrenchTourCase):
    """A French billing clerk walks the receivables schedule: grouped by bucket, an old
    line and its expected date, its customer and the customer statement
    (static/tests/tours/billing_dunning_receivable_tour.js)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = cls._french_clerk("base.group_user,account.group_account_invoice")
        today = fields.Date.context_today(cls.b2b)
        cls.lenoir = cls.env["res.partner"].create({"name": "Lenoir SA", "is_company": True})
        for months in (5, 4, 3):
            due = today - timedelta(days=30 * months)
            paid = cls._invoice(cls.lenoir, due, 300.0)
            cls._pay(paid, 300.0, due + timedelta(days=15))
        cls._invoice(cls.lenoir, today - timedelta(days=100), 900.0)

    def test_schedule_tour(self):
        self.start_tour(
            "/odoo/action-billing_dunning.billing_dunning_receivable_action",
            "billing_dunning_receivable_tour",
            login=self.clerk.login,
        )
