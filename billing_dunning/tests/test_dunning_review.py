# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import DUE, DunningCommon


def day(offset):
    return DUE + timedelta(days=offset)


@tagged("post_install", "-at_install")
class TestDunningReview(DunningCommon):
    """A company's first week: a database with overdue invoices and a new policy. The real
    scheduled action prepares the reminders and sends nothing until a billing manager has
    reviewed them, or switched the policy to automatic sending."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.is_default = False
        # created as a billing manager does, without choosing how it sends
        cls.review_policy = cls.env["billing.dunning.policy"].create(
            {
                "name": "First week",
                "company_id": cls.company.id,
                "is_default": True,
                "skip_levels": True,
                "level_ids": [
                    Command.create({"name": "Friendly", "sequence": 1, "delay_days": 5}),
                    Command.create(
                        {"name": "Call", "sequence": 2, "delay_days": 20, "channel_phone": True}
                    ),
                    Command.create(
                        {
                            "name": "Notice",
                            "sequence": 3,
                            "delay_days": 40,
                            "channel_letter": True,
                            "add_penalties": True,
                            "formal_notice": True,
                        }
                    ),
                ],
            }
        )
        cls.old = cls._invoice(cls.b2b, day(-400), 31750.0)
        cls.recent = cls._invoice(cls.b2b, day(-30), 500.0)
        cls.b2c_inv = cls._invoice(cls.b2c, day(-10), 300.0)
        cls.no_email_inv = cls._invoice(cls.no_email, day(-60), 900.0)
        cls.manager = new_test_user(
            cls.env,
            login="dun_review_manager",
            groups="account.group_account_manager",
            company_id=cls.company.id,
        )
        cls.clerk = new_test_user(
            cls.env,
            login="dun_review_clerk",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
        )

    def _sent_counts(self):
        """Everything that reaches a customer or a clerk: e-mails, chatter messages of the
        reminders, letters to print, call activities."""
        return {
            "mail": self.env["mail.mail"].search_count([]),
            "message": self.env["mail.message"].search_count(
                [("model", "=", "billing.dunning.reminder"), ("message_type", "!=", "notification")]
            ),
            "letter": self.env["billing.dunning.outcome"].search_count(
                [("channel", "=", "letter")]
            ),
            "activity": self.env["mail.activity"].search_count(
                [("res_model", "=", "billing.dunning.reminder")]
            ),
            "outcome": self.env["billing.dunning.outcome"].search_count([]),
        }

    def test_new_policy_waits_for_review(self):
        self.assertEqual(self.review_policy.send_mode, "review")
        form = Form(self.env["billing.dunning.policy"].with_user(self.manager))
        self.assertEqual(form.send_mode, "review")

    def test_scheduled_run_prepares_and_sends_nothing(self):
        before = self._sent_counts()
        with freeze_time(day(10)):
            self._run_cron()
            self.assertEqual(self._sent_counts(), before, "nothing mailed, printed or called")
            reminders = self._reminders()
            self.assertEqual(reminders.partner_id, self.b2b | self.b2c | self.no_email)
            self.assertEqual(set(reminders.mapped("state")), {"to_review"})
            self.assertEqual(self.review_policy.review_count, 3)
            action = self.review_policy.action_view_reminders_to_review()
            self.assertEqual(
                self.env["billing.dunning.reminder"].search(action["domain"]), reminders
            )
            # the preview says they wait, not that today's run sent them
            preview = self.env["billing.dunning.preview"]._build(self.company)
            self.assertEqual(preview.review_count, 3)
            self.assertIn("wait for review", preview.empty_reason)
            self.assertNotIn("already sent", preview.empty_reason)
            followup_preview = self.env["billing.dunning.preview"]._build(self.company, self.b2b)
            self.assertIn("waits for review", followup_preview.empty_reason)
            # a second run the same day prepares nothing more
            self._run_cron()
            self.assertEqual(self._reminders(), reminders)
        # nor the next runs while they wait: a customer gets one reminder to review at a time
        with freeze_time(day(45)):
            self._run_cron()
        self.assertEqual(self._reminders(), reminders)
        self.assertEqual(self._sent_counts(), before)

    def test_manager_sends_clerk_cannot(self):
        with freeze_time(day(10)):
            self._run_cron()
        reminders = self._reminders()
        with self.assertRaises(AccessError):
            reminders.with_user(self.clerk).action_send()
        self.assertEqual(set(reminders.mapped("state")), {"to_review"})
        before = self._sent_counts()
        with freeze_time(day(12)):
            reminders.with_user(self.manager).action_send()
        self.assertEqual(set(reminders.mapped("state")), {"sent"})
        after = self._sent_counts()
        self.assertEqual(after["mail"] - before["mail"], 2, "e-mails to Martin and Moreau")
        self.assertEqual(after["letter"] - before["letter"], 2, "notice + no e-mail fallback")
        self.assertGreater(after["activity"], before["activity"])
        notice = reminders.filtered(lambda r: r.partner_id == self.b2b)
        self.assertTrue(notice.formal_notice)
        self.assertEqual(
            notice.deadline,
            day(12) + timedelta(days=self.review_policy.formal_notice_days),
            "the notice's deadline runs from the day it leaves",
        )
        # sent once: a second click (or a second manager) sends nothing more
        with self.assertRaisesRegex(UserError, "not waiting for review"):
            reminders.with_user(self.manager).action_send()
        self.assertEqual(self._sent_counts(), after)

    def test_paid_meanwhile_not_sent(self):
        with freeze_time(day(10)):
            self._run_cron()
        reminder = self._reminders(self.b2c)
        self._pay(self.b2c_inv, 300.0, day(11))
        before = self._sent_counts()
        reminder.with_user(self.manager).action_send()
        self.assertEqual(reminder.state, "cancelled")
        self.assertEqual(self._sent_counts()["mail"], before["mail"])

    def test_automatic_mode_sends_at_once(self):
        self.review_policy.with_user(self.manager).action_set_auto()
        self.assertEqual(self.review_policy.send_mode, "auto")
        with freeze_time(day(10)):
            self._run_cron()
        reminders = self._reminders()
        self.assertEqual(set(reminders.mapped("state")), {"sent"})
        self.assertTrue(reminders.outcome_ids)
        mail = self.env["mail.mail"].search(
            [("mail_message_id", "in", reminders.outcome_ids.message_id.ids)]
        )
        self.assertEqual(len(mail), 2)

    def test_company_preview_sent_by_manager_prepared_by_clerk(self):
        with freeze_time(day(10)):
            preview = self.env["billing.dunning.preview"].with_user(self.clerk)._build(self.company)
            preview.action_send()
            self.assertEqual(set(self._reminders().mapped("state")), {"to_review"})
            self.assertFalse(self.env["billing.dunning.outcome"].search_count([]))

    def test_cut_off_date(self):
        with freeze_time(day(10)):
            policy = self.review_policy
            self.assertEqual(policy.old_overdue_count, 1, "the invoice due 410 days ago")
            self.assertIn("1 overdue invoices", policy.old_overdue_warning)
            policy.ignore_due_before = day(-100)
            self.assertFalse(policy.old_overdue_count)
            self.assertFalse(policy.old_overdue_warning)
            self._run_cron()
        lines = self._reminders(self.b2b).line_ids
        self.assertEqual(lines.move_id, self.recent, "the invoice due before the cut-off is left")
        self.assertFalse(self.old.dunning_level_id)

    def test_discard_prepared(self):
        """A billing manager discards a prepared reminder: nothing leaves, it stays in the
        history as not sent, its invoices are back where they were and the next run
        prepares the customer's reminder again."""
        with freeze_time(day(10)):
            self._run_cron()
        reminder = self._reminders(self.b2b)
        self.assertTrue(reminder.formal_notice)
        moves = reminder.line_ids.move_id
        self.assertEqual(moves, self.old | self.recent)
        self.assertTrue(self.old.dunning_notice_date)
        before = self._sent_counts()
        with self.assertRaises(AccessError):
            reminder.with_user(self.clerk).action_discard()
        self.assertEqual(reminder.state, "to_review")
        with freeze_time(day(11)):
            reminder.with_user(self.manager).action_discard()
        self.assertEqual(reminder.state, "cancelled")
        self.assertEqual(self._sent_counts(), before, "nothing mailed, printed or called")
        self.assertIn("Discarded by", reminder.message_ids[0].body)
        self.assertEqual(reminder.line_ids.move_id, moves, "the history keeps its invoices")
        for move in moves:
            self.assertFalse(move.dunning_level_id)
            self.assertFalse(move.dunning_last_date)
            self.assertFalse(move.dunning_notice_date)
        with self.assertRaisesRegex(UserError, "not waiting for review"):
            reminder.with_user(self.manager).action_discard()
        # the next run prepares it again, and this one can be sent
        with freeze_time(day(12)):
            self._run_cron()
            again = self._reminders(self.b2b) - reminder
            self.assertEqual(again.state, "to_review")
            self.assertEqual(again.level_id, reminder.level_id)
            self.assertEqual(again.line_ids.move_id, moves)
            again.with_user(self.manager).action_send()
        self.assertEqual(again.state, "sent")
        self.assertEqual(self.old.dunning_level_id, again.level_id)
        self.assertEqual(self.old.dunning_notice_date, day(12))
        self.assertEqual(reminder.state, "cancelled")

    def test_discard_after_sent_reminder(self):
        """Discarding the next reminder of a customer already reminded takes its invoice back
        to the level and date of the reminder that was sent."""
        with freeze_time(day(10)):
            self._run_cron()
            first = self._reminders(self.b2c)
            first.with_user(self.manager).action_send()
        level = self.b2c_inv.dunning_level_id
        self.assertTrue(level)
        with freeze_time(day(45)):
            self._run_cron()
            second = self._reminders(self.b2c) - first
            self.assertEqual(second.state, "to_review")
            self.assertNotEqual(self.b2c_inv.dunning_level_id, level)
            second.with_user(self.manager).action_discard()
        self.assertEqual(self.b2c_inv.dunning_level_id, level)
        self.assertEqual(self.b2c_inv.dunning_last_date, day(10))
        self.assertFalse(self.b2c_inv.dunning_notice_date)
        with freeze_time(day(46)):
            self._run_cron()
        third = self._reminders(self.b2c) - first - second
        self.assertEqual(third.level_id, second.level_id)

    def test_delete_prepared(self):
        """A prepared reminder deleted (list, Actions > Delete) gives its invoices back too."""
        with freeze_time(day(10)):
            self._run_cron()
        reminder = self._reminders(self.b2c)
        reminder.with_user(self.manager).unlink()
        self.assertFalse(self.b2c_inv.dunning_level_id)
        self.assertFalse(self.b2c_inv.dunning_last_date)
        with freeze_time(day(11)):
            self._run_cron()
        self.assertEqual(self._reminders(self.b2c).line_ids.move_id, self.b2c_inv)
