# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import DunningCommon
from .common_tour import FrenchTourCase


@tagged("post_install", "-at_install")
class TestDunningTour(DunningCommon, FrenchTourCase):
    """A French billing clerk, in the web client in French, opens a customer's payment
    follow-up, previews its reminder and sends it (static/tests/tours/)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = cls._french_clerk("base.group_user,account.group_account_invoice")
        cls.late_invoice = cls._invoice(
            cls.b2b, fields.Date.context_today(cls.b2b) - timedelta(days=10), amount=1200.0
        )

    def test_followup_preview_send(self):
        self.start_tour(
            "/odoo/action-account.res_partner_action_customer/%d" % self.b2b.id,
            "billing_dunning_tour",
            login=self.clerk.login,
        )
        reminder = self._reminders(self.b2b)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.level_id, self.level1)
        self.assertIn(self.late_invoice, reminder.line_ids.move_id)
