# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import unittest
from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import DUE, DunningCommon


def day(offset):
    return DUE + timedelta(days=offset)


@tagged("post_install", "-at_install")
class TestDunningPlatformStatus(DunningCommon):
    """With billing_fr_compliance installed too, the platform's lifecycle statuses of an
    invoice steer its reminders: 207/208/210/213 stop them, 211 pauses them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "billing_pa_status_code" not in cls.env["account.move"]._fields:
            raise unittest.SkipTest("billing_fr_compliance is not installed")
        cls.company.siren = "820419653"
        cls.inv1 = cls._invoice(cls.b2b, DUE, 1000.0)
        cls.inv2 = cls._invoice(cls.b2b, day(2), 500.0)
        cls.followup = cls.env["billing.dunning.followup"]._get_or_create(cls.b2b, cls.company)

    def _status(self, move, code, offset, **values):
        """The platform delivers a lifecycle status (CDAR) about ``move``, set ``offset``
        days after DUE: the buyer's processing statuses, or the platform's transmission ones."""
        from odoo.addons.billing_fr_compliance.tools import cdar

        when = datetime.datetime.combine(day(offset), datetime.time(9, 0))
        buyer = {"ids": {"0002": "732829320"}, "name": move.partner_id.name, "role": "BY"}
        seller = {
            "ids": {"0002": self.company.siren},
            "name": self.company.name,
            "role": "SE",
            "uri": self.company.siren,
        }
        data = {
            "document_id": f"{move.name}_{code}_{when:%Y%m%d%H%M%S}",
            "issue_datetime": when,
            "status_datetime": when,
            "sender_role": "WK",
            "issuer": {"name": "PA", "role": "WK"} if code in cdar.TRANSMISSION else buyer,
            "recipients": [seller],
            "invoice_number": move.name,
            "invoice_date": move.invoice_date,
            "seller_siren": self.company.siren,
            "code": code,
        }
        data.update(values)
        xml = cdar.build(data)
        self.assertEqual(cdar.check(xml), [])
        return self.env["account.move"]._billing_pa_record_cdar(xml)

    def test_disputed_on_the_platform_is_not_reminded(self):
        self._status(self.inv2, "200", 3)
        self._status(self.inv1, "207", 5, reason_code="QTE_ERR", reason="10 jours, pas 12")
        self.assertEqual(self.inv1.billing_pa_status_code, "207")
        with freeze_time(day(10)):
            self._run_cron()
            info = self.followup.pa_status_info
            held = self.followup.pa_held_amount
        reminder = self._reminders(self.b2b)
        self.assertEqual(reminder.line_ids.move_id, self.inv2, "200 Déposée: reminded")
        self.assertAlmostEqual(held, self.inv1.amount_residual, places=2)  # inv1 only
        self.assertFalse(self.inv1.dunning_level_id)
        self.assertIn(self.inv1.name, info)
        self.assertIn("207 Disputed", info)
        # the reason in words, then the buyer's own, then what is asked
        self.assertIn("Reason: Quantité erronée (QTE_ERR)", info)
        self.assertIn("\n10 jours, pas 12", info)
        self.assertNotIn(self.inv2.name, info)
        # the buyer approves it: reminded from the next run on
        self._status(self.inv1, "205", 11)
        with freeze_time(day(12)):
            self._run_cron()
            self.followup.invalidate_recordset(["pa_status_info"])
            self.assertFalse(self.followup.pa_status_info)
        self.assertEqual(self.inv1.dunning_level_id, self.level1)

    def test_suspended_refused_rejected_are_not_reminded(self):
        self._status(self.inv1, "210", 4, reason_code="DOUBLON")
        self._status(self.inv2, "213", 4, reason_code="DOUBLON")
        with freeze_time(day(10)):
            self._run_cron()
            info = self.followup.pa_status_info
            next_action = self.followup.next_action
            overdue, held = self.followup.overdue_amount, self.followup.pa_held_amount
        self.assertFalse(self._reminders(self.b2b))
        self.assertIn("210 Refused", info)
        self.assertIn("213 Rejected", info)
        self.assertIn("Reason: Facture en doublon (DOUBLON)", info)
        # both overdue invoices are held: the next action says where to look, and the
        # amount they hold back shows beside the (empty) overdue total
        self.assertEqual(next_action, "Nothing to remind: see the platform statuses")
        self.assertEqual(overdue, 0.0)
        self.assertAlmostEqual(
            held, self.inv1.amount_residual + self.inv2.amount_residual, places=2
        )
        # a rejection ends the invoice's lifecycle: a later-dated status of an earlier phase
        # does not replace it (XP Z12-012's phases, billing_fr_compliance tools/cdar.py)
        self._status(self.inv2, "205", 11)
        self.assertEqual(self.inv2.billing_pa_status_code, "213")
        inv3 = self._invoice(self.b2b, day(2), 300.0)
        self._status(inv3, "208", 11, reason_code="JUSTIF_ABS")
        self.assertEqual(inv3.billing_pa_status_code, "208")
        with freeze_time(day(12)):
            self._run_cron()
            self.followup.invalidate_recordset(["pa_status_info"])
            self.assertIn("208 Suspended", self.followup.pa_status_info)
        self.assertFalse(self._reminders(self.b2b))

    def test_a_later_transmission_status_keeps_the_hold(self):
        """The platform's 200/202 dated after the buyer's 207 (late acknowledgments) do not
        lift the dispute: the current status follows the lifecycle's phases, not the dates."""
        self._status(self.inv1, "207", 5, reason_code="QTE_ERR", reason="10 jours, pas 12")
        self._status(self.inv1, "202", 6)
        self._status(self.inv1, "200", 7)
        self.assertEqual(len(self.inv1.billing_pa_status_ids), 3)
        self.assertEqual(self.inv1.billing_pa_status_code, "207")
        with freeze_time(day(10)):
            self._run_cron()
            info = self.followup.pa_status_info
        self.assertFalse(self.inv1.dunning_level_id)
        self.assertNotIn(self.inv1, self._reminders(self.b2b).line_ids.move_id)
        self.assertIn("207 Disputed", info)

    def test_payment_sent_pauses_for_the_policy_grace_period(self):
        self.policy.pa_payment_sent_days = 10
        self._status(self.inv1, "211", 8)
        with freeze_time(day(10)):
            self._run_cron()
            info = self.followup.pa_status_info
        self.assertEqual(self._reminders(self.b2b).line_ids.move_id, self.inv2)
        self.assertIn("211 Payment sent", info)
        self.assertIn("03/21/2025", info)  # day(8) + 10 days, in the user's date format
        with freeze_time(day(18)):
            self._run_cron()
        self.assertFalse(self.inv1.dunning_level_id, "still waiting on the last day")
        with freeze_time(day(19)):
            self._run_cron()
            self.followup.invalidate_recordset(["pa_status_info"])
            self.assertFalse(self.followup.pa_status_info)
        self.assertTrue(self.inv1.dunning_level_id, "the payment never came: reminded")

    def test_policy_wait_is_a_policy_field(self):
        form = Form(self.policy)
        form.pa_payment_sent_days = 5
        form.save()
        self.assertEqual(self.policy.pa_payment_sent_days, 5)
        with self.assertRaises(ValidationError):
            self.policy.pa_payment_sent_days = -1
