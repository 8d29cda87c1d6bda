# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Onboarding tour of the day's reminders (static/src/js/billing_dunning_onboarding.js): a
French clerk walks it in Chromium, in the web client in French, from the home page."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import DunningCommon
from .common_tour import FrenchTourCase


@tagged("post_install", "-at_install")
class TestOnboardingRemindersTour(DunningCommon, FrenchTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = cls._french_clerk("base.group_user,account.group_account_invoice")
        cls.late_invoice = cls._invoice(
            cls.b2b, fields.Date.context_today(cls.b2b) - timedelta(days=10), amount=900.0
        )

    def test_process_the_days_reminders(self):
        self.start_tour("/odoo", "billing_dunning_onboarding_reminders", login=self.clerk.login)
        reminder = self._reminders(self.b2b)
        self.assertEqual(len(reminder), 1)
        self.assertIn(self.late_invoice, reminder.line_ids.move_id)
