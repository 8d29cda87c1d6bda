# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import unittest
from datetime import date

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common_situation import SituationCommon


@tagged("post_install", "-at_install")
class TestSituationRetentionSchedule(SituationCommon):
    """With billing_dunning: the retention (retenue de garantie) of a situation invoice is
    expected in the receivables schedule and the cash-in forecast at its release date, not
    before, while the rest of the invoice follows the customer's habit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "billing.dunning.receivable" not in cls.env:
            raise unittest.SkipTest("billing_dunning is not installed")

    @freeze_time("2026-01-31")
    def test_retention_expected_at_release(self):
        order = self._create_order()
        invoice = self._situation(order, [25, 10]).invoice_id
        invoice.action_post()
        # the part not held is paid; the retention stays open
        action = invoice.action_register_payment()
        Form.from_action(self.env, action).save().action_create_payments()
        self.assertEqual(invoice.amount_residual, 1140.0)
        Schedule = self.env["billing.dunning.receivable"]
        line = Schedule.search([("move_id", "=", invoice.id)])
        self.assertEqual(len(line), 1)
        self.assertTrue(line.is_retention)
        self.assertEqual(line.amount_residual, 1140.0)
        self.assertEqual(line.expected_rule, "retention")
        self.assertEqual(line.expected_date, date(2027, 1, 31))
        self.assertEqual(line.forecast_state, "expected")
        # beyond the 13 weeks: counted in its release month, never in the coming weeks
        self.assertEqual(line.forecast_period, date(2027, 1, 1))
        self.assertIn("release date", line.expected_explanation)
        weeks = Schedule.read_group(
            [("forecast_period", "<", date(2026, 5, 1)), ("move_id", "=", invoice.id)],
            ["amount_residual:sum"],
            [],
        )
        self.assertFalse(weeks[0]["amount_residual"])
        # not due before its release: in the "not due" bucket
        self.assertEqual(line.bucket, "0_not_due")
