# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

import psycopg2
from freezegun import freeze_time
from lxml import html as lxml_html

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import DUE, DunningCommon


def day(offset):
    return DUE + timedelta(days=offset)


@tagged("post_install", "-at_install")
class TestDunningRun(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inv1 = cls._invoice(cls.b2b_contact, DUE, 1000.0)
        cls.inv2 = cls._invoice(cls.b2b, day(2), 500.0)

    def test_cron_first_level_one_reminder_per_customer(self):
        with freeze_time(day(10)):
            self._run_cron()
        reminder = self._reminders(self.b2b)
        self.assertEqual(len(reminder), 1, "one reminder per customer per run")
        self.assertEqual(reminder.level_id, self.level1)
        self.assertEqual(reminder.line_ids.move_id, self.inv1 | self.inv2)
        self.assertEqual(reminder.amount_due, 1500.0)
        self.assertEqual(reminder.contact_id, self.b2b_contact)
        self.assertEqual(self.inv1.dunning_level_id, self.level1)
        self.assertEqual(self.inv1.dunning_last_date, day(10))
        line1 = reminder.line_ids.filtered(lambda line: line.move_id == self.inv1)
        self.assertEqual(line1.days_late, 10)
        self.assertFalse(reminder.amount_interest, "level 1 adds no penalty")
        email = reminder.outcome_ids.filtered(lambda o: o.channel == "email")
        self.assertEqual(email.state, "done")
        mail = self.env["mail.mail"].search([("mail_message_id", "=", email.message_id.id)])
        self.assertEqual(mail.recipient_ids, self.b2b_contact)
        self.assertEqual(mail.state, "outgoing", "queued, sent after the commit")
        self.assertIn(self.inv1.name, str(mail.body_html))
        self.assertFalse(reminder.activity_ids, "no phone call at level 1")

    def test_amounts_not_yet_due_are_not_chased(self):
        """An instalment to come, or a retenue de garantie held until its release date, is a
        receivable line falling due later: the reminder chases only what is due."""
        term = self.env["account.payment.term"].create(
            {
                "name": "Half now, half in 400 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 400}),
                ],
            }
        )
        split = self._invoice(self.no_email, DUE, 800.0, post=False)
        split.write({"invoice_payment_term_id": term.id})
        split.action_post()
        # the invoice is due on its first line, as billing_project_link does for a situation
        # invoice whose second receivable line is the retention held for a year
        split.invoice_date_due = DUE
        with freeze_time(day(10)):
            self._run_cron()
        reminder = self._reminders(self.no_email)
        self.assertEqual(reminder.amount_due, 400.0)
        self.assertEqual(reminder.line_ids.amount_residual, 400.0)

    def test_rerun_same_day_sends_nothing(self):
        with freeze_time(day(10)):
            self._run_cron()
            mails = self.env["mail.mail"].search_count([])
            self._run_cron()
            self.assertEqual(self.env["mail.mail"].search_count([]), mails)
        self.assertEqual(len(self._reminders(self.b2b)), 1)

    def test_levels_progress_to_formal_notice(self):
        with freeze_time(day(10)):
            self._run_cron()
        with freeze_time(day(25)):
            self._run_cron()
        second = self._reminders(self.b2b)[0]
        self.assertEqual(second.level_id, self.level2)
        self.assertEqual(second.line_ids.level_id, self.level2)
        phone = second.outcome_ids.filtered(lambda o: o.channel == "phone")
        self.assertEqual(phone.state, "todo")
        self.assertEqual(
            phone.activity_id.activity_type_id, self.env.ref("mail.mail_activity_data_call")
        )
        with freeze_time(day(41)):
            self._run_cron()
        notice = self._reminders(self.b2b)[0]
        # inv1 is 41 days late (level 3), inv2 only 39 days (stays at level 2, listed)
        self.assertEqual(notice.level_id, self.level3)
        line1 = notice.line_ids.filtered(lambda line: line.move_id == self.inv1)
        line2 = notice.line_ids.filtered(lambda line: line.move_id == self.inv2)
        self.assertEqual(line1.level_id, self.level3)
        self.assertFalse(line2.level_id)
        self.assertEqual(self.inv2.dunning_level_id, self.level2)
        # 1000 x (3.15 + 10) % x 41 / 365 (March-April 2025)
        self.assertAlmostEqual(line1.amount_interest, 14.77, places=2)
        self.assertEqual(line1.amount_indemnity, 40.0)
        # inv2 stays at level 2, which claims no penalty
        self.assertEqual(line2.amount_indemnity, 0.0)
        self.assertEqual(notice.deadline, day(41) + timedelta(days=8))
        letter = notice.outcome_ids.filtered(lambda o: o.channel == "letter")
        self.assertEqual(letter.state, "todo")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("billing_dunning.report_dunning_reminder", notice.ids)[0]
            .decode()
        )
        self.assertIn("Formal notice to pay", html)
        self.assertIn("injonction de payer", html)
        self.assertIn(self.inv1.name, html)
        notice.action_print_letter()
        self.assertEqual(letter.state, "done")
        # nothing left: every invoice at its highest reachable level
        with freeze_time(day(41)):
            self._run_cron()
        self.assertEqual(len(self._reminders(self.b2b)), 3)

    def test_letter_names_the_sender_in_its_body_whatever_the_layout(self):
        # wkhtmltopdf without patched Qt (Debian's) drops the report header: the letter
        # printed only the company's name at the bottom, no address to answer or pay to
        self.company.partner_id.write(
            {
                "street": "12 rue de la République",
                "zip": "69002",
                "city": "Lyon",
                "phone": "+33 4 78 00 00 00",
                "email": "compta@atelier-dupont.example",
            }
        )
        with freeze_time(day(10)):
            self._run_cron()
        reminder = self._reminders(self.b2b)[0]
        report = self.env["ir.actions.report"]
        for layout in ("standard", "boxed", "bold", "striped"):
            self.company.external_report_layout_id = self.env.ref(f"web.external_layout_{layout}")
            html = report._render_qweb_html(
                "billing_dunning.report_dunning_reminder", reminder.ids
            )[0]
            # what wkhtmltopdf gets as the body, without Odoo's header and footer
            bodies, __, header, footer, __ = report._prepare_html(html, reminder._name)
            self.assertEqual(len(bodies), 1)
            sender = lxml_html.fromstring(bodies[0]).xpath("//*[@id='dunning_sender']")
            self.assertEqual(len(sender), 1, layout)
            text = sender[0].text_content()
            for part in (
                self.company.name,
                "12 rue de la République",
                "69002",
                "Lyon",
                # as a French customer dials it
                "04 78 00 00 00",
            ):
                self.assertIn(part, text, layout)
            self.assertNotIn("dunning_sender", header + footer)

    def test_first_run_jumps_to_reached_level(self):
        with freeze_time(day(45)):
            self._run_cron()
        reminder = self._reminders(self.b2b)
        self.assertEqual(reminder.level_id, self.level3)
        self.assertTrue(reminder.mapped("outcome_ids.message_id"))

    def test_level_counted_from_previous_level(self):
        self.level2.write({"delay_from": "previous", "delay_days": 3})
        with freeze_time(day(10)):
            self._run_cron()
        with freeze_time(day(12)):
            self._run_cron()
        self.assertEqual(self.inv1.dunning_level_id, self.level1)
        with freeze_time(day(13)):
            self._run_cron()
        self.assertEqual(self.inv1.dunning_level_id, self.level2)

    def test_call_goes_to_chosen_user_or_salesperson(self):
        salesperson = new_test_user(
            self.env, login="dun_sales", groups="account.group_account_invoice"
        )
        collector = new_test_user(
            self.env, login="dun_collector", groups="account.group_account_invoice"
        )
        self.b2b.user_id = salesperson
        with freeze_time(day(25)):
            self._run_cron()
        self.assertEqual(self._reminders(self.b2b).activity_ids.user_id, salesperson)
        self.level3.write({"channel_phone": True, "activity_user_id": collector.id})
        with freeze_time(day(45)):
            self._run_cron()
        self.assertEqual(self._reminders(self.b2b)[0].activity_ids.user_id, collector)

    def test_b2c_no_indemnity_nor_interest(self):
        inv = self._invoice(self.b2c, DUE, 200.0)
        with freeze_time(day(25)):
            self._run_cron()
        self.assertFalse(inv.dunning_notice_date)
        with freeze_time(day(41)):
            self._run_cron()
        reminder = self._reminders(self.b2c)[0]
        self.assertEqual(reminder.line_ids.move_id, inv)
        self.assertEqual(reminder.level_id, self.level3)
        # a consumer owes no L441-10 penalty; legal interest only runs after the notice
        self.assertEqual(reminder.amount_indemnity, 0.0)
        self.assertEqual(reminder.amount_interest, 0.0)
        self.assertEqual(inv.dunning_notice_date, day(41))
        self.assertEqual(self.inv1.dunning_notice_date, day(41))
        self.assertFalse(self.inv2.dunning_notice_date)  # listed, but still at level 2
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("billing_dunning.report_dunning_reminder", reminder.ids)[0]
            .decode()
        )
        self.assertIn("1231-6", html)
        self.assertNotIn("L441-10", html)
        self.assertNotIn("40 EUR", html)
        body = reminder.outcome_ids.message_id.body
        self.assertIn("1231-6", body)
        self.assertNotIn("D441-5", body)
        b2b_body = self._reminders(self.b2b)[0].outcome_ids.message_id.body
        self.assertIn("D441-5", b2b_body)
        self.assertNotIn("1231-6", b2b_body)

    def test_b2c_legal_interest_from_formal_notice(self):
        inv = self._invoice(self.b2c, DUE, 200.0)
        with freeze_time(day(45)):
            self._run_cron()
        followup = self.env["billing.dunning.followup"]._get_or_create(self.b2c, self.company)
        with freeze_time(day(45)), self.assertRaisesRegex(UserError, "only after a formal"):
            followup.action_invoice_interest()
        # 100 paid 10 days after the notice: 10 days on 200, then 20 days on 100, at the
        # legal interest rate of the first half of 2025 (3.71 %), no indemnity
        self._pay(inv, 100.0, day(55))
        with freeze_time(day(75)):
            action = followup.action_invoice_interest()
        interest_invoice = self.env["account.move"].browse(action["res_id"])
        expected = round((200 * 10 + 100 * 20) * 0.0371 / 365, 2)
        self.assertEqual(expected, 0.41)
        self.assertAlmostEqual(interest_invoice.amount_total, expected)
        self.assertEqual(len(interest_invoice.invoice_line_ids), 1)
        self.assertIn("legal interest rate", interest_invoice.invoice_line_ids.name)
        self.assertEqual(interest_invoice.dunning_source_move_ids, inv)
        self.assertEqual(inv.dunning_interest_until, day(75))
        self.assertFalse(inv.dunning_indemnity_invoiced)
        with freeze_time(day(75)), self.assertRaisesRegex(UserError, "Nothing to invoice"):
            followup.action_invoice_interest()
        # a later reminder of the same customer counts interest after what was invoiced
        inv_later = self._invoice(self.b2c, day(40), 300.0)
        with freeze_time(day(90)):
            self._run_cron()
        lines = self._reminders(self.b2c)[0].line_ids
        line = lines.filtered(lambda li: li.move_id == inv)
        self.assertAlmostEqual(line.amount_interest, round(100 * 15 * 0.0371 / 365, 2))
        # the invoice noticed today bears nothing yet
        self.assertEqual(inv_later.dunning_notice_date, day(90))
        self.assertEqual(lines.filtered(lambda li: li.move_id == inv_later).amount_interest, 0.0)

    def test_b2b_interest_to_date_from_followup(self):
        followup = self.env["billing.dunning.followup"]._get_or_create(self.b2b, self.company)
        with freeze_time(day(45)):
            action = followup.action_invoice_interest()
        invoice = self.env["account.move"].browse(action["res_id"])
        # no reminder needed between professionals: from the day after each due date at
        # ECB refi (3.15 %) + 10 points, and 40 EUR per late invoice
        interest = round(1000 * 0.1315 * 45 / 365, 2) + round(500 * 0.1315 * 43 / 365, 2)
        self.assertAlmostEqual(invoice.amount_total, interest + 80.0)
        self.assertEqual(invoice.dunning_source_move_ids, self.inv1 | self.inv2)
        self.assertTrue(self.inv1.dunning_indemnity_invoiced)
        # the formal notice that follows adds no second indemnity and only later interest
        with freeze_time(day(50)):
            self._run_cron()
        notice = self._reminders(self.b2b)[0]
        self.assertEqual(notice.level_id, self.level3)
        self.assertEqual(notice.amount_indemnity, 0.0)
        line1 = notice.line_ids.filtered(lambda line: line.move_id == self.inv1)
        self.assertAlmostEqual(line1.amount_interest, round(1000 * 0.1315 * 5 / 365, 2))
        followup.write({"disputed": True, "dispute_reason": "Quality"})
        with freeze_time(day(50)), self.assertRaisesRegex(UserError, "resolve the dispute"):
            followup.action_invoice_interest()

    def test_interest_of_invoices_paid_late(self):
        with freeze_time(day(10)):
            self._run_cron()  # both invoices reminded at level 1
        # inv1 paid in two parts, 20 and 30 days late; inv2 paid on time is not charged
        self._pay(self.inv1, 400.0, day(20))
        self._pay(self.inv1, 600.0, day(30))
        paid_on_time = self._invoice(self.b2b, day(50), 300.0)
        self._pay(paid_on_time, 300.0, day(50))
        followup = self.env["billing.dunning.followup"]._get_or_create(self.b2b, self.company)
        with freeze_time(day(60)):
            action = followup.action_invoice_interest()
        invoice = self.env["account.move"].browse(action["res_id"])
        line1 = invoice.invoice_line_ids.filtered(lambda li: self.inv1.name in li.name)
        # 20 days on 1000 then 10 days on 600 at 13.15 %, and 40 EUR
        interest1 = round((1000 * 20 + 600 * 10) * 0.1315 / 365, 2)
        self.assertEqual(sorted(line1.mapped("price_unit")), sorted([interest1, 40.0]))
        self.assertNotIn(paid_on_time, invoice.dunning_source_move_ids)
        self.assertIn(self.inv1, invoice.dunning_source_move_ids)
        # still overdue inv2: from its due date to today
        self.assertIn(self.inv2, invoice.dunning_source_move_ids)
        # nothing left once charged
        with freeze_time(day(61)):
            self.inv2.dunning_excluded = True
            with self.assertRaisesRegex(UserError, "Nothing to invoice"):
                followup.action_invoice_interest()

    def test_no_email_falls_back_to_letter_and_call(self):
        self._invoice(self.no_email, DUE, 300.0)
        with freeze_time(day(10)):
            self._run_cron()
        reminder = self._reminders(self.no_email)
        outcomes = {o.channel: o for o in reminder.outcome_ids}
        self.assertEqual(outcomes["email"].state, "failed")
        self.assertIn("No e-mail address", outcomes["email"].note)
        self.assertEqual(outcomes["letter"].state, "todo")
        self.assertEqual(outcomes["phone"].state, "todo")
        self.assertTrue(reminder.activity_ids)

    def test_grace_days_and_min_amount(self):
        self.policy.grace_days = 3
        with freeze_time(day(7)):
            self._run_cron()
        self.assertFalse(self._reminders(self.b2b), "5 + 3 grace days not reached")
        self.policy.min_amount = 2000
        with freeze_time(day(10)):
            self._run_cron()
        self.assertFalse(self._reminders(self.b2b), "1500 overdue is under the threshold")
        self.policy.min_amount = 1000
        with freeze_time(day(10)):
            self._run_cron()
        self.assertTrue(self._reminders(self.b2b))

    def test_disputed_and_excluded_are_skipped(self):
        with self.assertRaises(ValidationError):
            self.inv1.write({"dunning_disputed": True})
        self.inv1.write({"dunning_disputed": True, "dunning_dispute_reason": "Wrong price"})
        self.inv2.dunning_excluded = True
        with freeze_time(day(10)):
            self._run_cron()
        self.assertFalse(self._reminders(self.b2b))
        self.inv2.dunning_excluded = False
        with freeze_time(day(11)):
            self._run_cron()
        self.assertEqual(self._reminders(self.b2b).line_ids.move_id, self.inv2)

    def test_customer_dispute_pause_exclusion(self):
        followup = self.env["billing.dunning.followup"]._get_or_create(self.b2b, self.company)
        wizard = Form(
            self.env["billing.dunning.followup.update"].with_context(
                default_followup_id=followup.id, default_action="dispute"
            )
        )
        wizard.reason = "Goods damaged"
        wizard.save().action_confirm()
        self.assertTrue(followup.disputed)
        with freeze_time(day(10)):
            self._run_cron()
            self.assertEqual(followup.next_action, "Disputed: Goods damaged")
        self.assertFalse(self._reminders(self.b2b))
        followup.action_resolve_dispute()
        with freeze_time(day(10)):
            bad = self.env["billing.dunning.followup.update"].create(
                {"followup_id": followup.id, "action": "pause", "date": day(5)}
            )
            with self.assertRaises(UserError):
                bad.action_confirm()
            self.env["billing.dunning.followup.update"].create(
                {"followup_id": followup.id, "action": "pause", "date": day(20)}
            ).action_confirm()
            self._run_cron()
        self.assertFalse(self._reminders(self.b2b), "paused")
        with freeze_time(day(21)):
            self._run_cron()
        self.assertEqual(self._reminders(self.b2b).level_id, self.level2)
        followup.excluded = True
        with freeze_time(day(45)):
            self._run_cron()
        self.assertEqual(len(self._reminders(self.b2b)), 1)

    def test_promise_to_pay_broken_resumes_at_next_level(self):
        with freeze_time(day(10)):
            self._run_cron()
            followup = self.env["billing.dunning.followup"]._get_or_create(self.b2b, self.company)
            self.env["billing.dunning.followup.update"].create(
                {
                    "followup_id": followup.id,
                    "action": "promise",
                    "date": day(30),
                    "amount": 1500.0,
                }
            ).action_confirm()
        self.assertEqual(followup.promise_base, 1500.0)
        with freeze_time(day(25)):
            self._run_cron()
        self.assertEqual(len(self._reminders(self.b2b)), 1, "promise honoured until day 30")
        # unpaid by day 30: the next level goes out at once, before its own delay
        self.level2.delay_days = 60
        self.level3.delay_days = 90
        with freeze_time(day(31)):
            self._run_cron()
        reminder = self._reminders(self.b2b)[0]
        self.assertEqual(reminder.level_id, self.level2)
        self.assertFalse(followup.promise_date, "promise closed")

    def test_promise_kept_follows_normal_schedule(self):
        with freeze_time(day(10)):
            self._run_cron()
            followup = self.env["billing.dunning.followup"]._get_or_create(self.b2b, self.company)
            self.env["billing.dunning.followup.update"].create(
                {"followup_id": followup.id, "action": "promise", "date": day(15), "amount": 500}
            ).action_confirm()
        self._pay(self.inv2, 500.0, day(14))
        with freeze_time(day(16)):
            self._run_cron()
        self.assertEqual(len(self._reminders(self.b2b)), 1, "kept: level 2 not due yet")

    def test_payments_update_amount_due(self):
        self._pay(self.inv1, 400.0, day(8))
        self._pay(self.inv2, 500.0, day(8))
        with freeze_time(day(45)):
            self._run_cron()
        reminder = self._reminders(self.b2b)
        self.assertEqual(reminder.line_ids.move_id, self.inv1)
        line = reminder.line_ids
        self.assertEqual(line.amount_residual, 600.0)
        # 8 days on 1000 then 37 on 600 at 13.15 %
        expected = round((1000 * 8 + 600 * 37) * 0.1315 / 365, 2)
        self.assertAlmostEqual(line.amount_interest, expected, places=2)

    def test_credit_note_settles_invoice(self):
        refund = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=self.inv2.ids)
            .create({"journal_id": self.inv2.journal_id.id, "date": day(4)})
        )
        refund.modify_moves()
        self.assertEqual(self.inv2.payment_state, "reversed")
        with freeze_time(day(10)):
            self._run_cron()
        self.assertEqual(self._reminders(self.b2b).line_ids.move_id, self.inv1)

    def test_preview_is_a_dry_run(self):
        with freeze_time(day(10)):
            action = self.env["billing.dunning.preview"].action_open_for_company()
            preview = self.env["billing.dunning.preview"].browse(action["res_id"])
            self.assertEqual(preview.reminder_count, 1)
            self.assertEqual(preview.line_ids.move_id, self.inv1 | self.inv2)
            self.assertEqual(preview.line_ids.level_id, self.level1)
            self.assertFalse(self._reminders())
            self.assertFalse(self.inv1.dunning_level_id)
            preview.action_send()
        self.assertEqual(self._reminders(self.b2b).level_id, self.level1)

    def test_send_now_for_one_customer(self):
        self._invoice(self.b2c, DUE, 100.0)
        followup = self.env["billing.dunning.followup"]._get_or_create(self.b2b, self.company)
        followup.paused_until = day(30)
        with freeze_time(day(10)):
            action = followup.action_send_now()
            reminder = self.env["billing.dunning.reminder"].browse(action["res_id"])
            self.assertEqual(reminder.partner_id, self.b2b)
            self.assertTrue(reminder.manual)
            self.assertFalse(self._reminders(self.b2c))
            with self.assertRaisesRegex(UserError, "Nothing to send to Martin SARL"):
                followup.action_send_now()

    def test_followup_view(self):
        with freeze_time(day(10)):
            self._run_cron()
            action = self.b2b.action_open_dunning_followup()
            followup = self.env["billing.dunning.followup"].browse(action["res_id"])
            self.assertEqual(followup.overdue_amount, 1500.0)
            self.assertEqual(followup.overdue_count, 2)
            self.assertEqual(followup.level_id, self.level1)
            self.assertEqual(followup.next_action, "Second reminder")
            self.assertEqual(followup.next_date, day(20))
            self.assertEqual(len(followup.reminder_ids), 1)
            self.assertEqual(self.b2b.action_open_dunning_followup()["res_id"], followup.id)

    def test_unique_key_invoice_level(self):
        with freeze_time(day(10)):
            self._run_cron()
        reminder = self._reminders(self.b2b)
        line = reminder.line_ids[0]
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.UniqueViolation):
            with self.env.cr.savepoint():
                line.copy({"reminder_id": reminder.id})
        # the claim refuses a level already given, even if the invoice was reset
        self.env.cr.execute(
            "UPDATE account_move SET dunning_level_id = NULL WHERE id = %s", [self.inv1.id]
        )
        claimed = self.env["billing.dunning.run"]._dunning_claim(
            {self.inv1.id: self.level1.id}, day(11)
        )
        self.assertEqual(claimed, set())

    def test_run_killed_halfway_restarts_without_duplicates(self):
        customers = self.env["res.partner"].create(
            [
                {"name": f"Client {i}", "is_company": True, "email": f"c{i}@example.com"}
                for i in range(4)
            ]
        )
        for customer in customers:
            self._invoice(customer, DUE, 100.0)
        Run = self.env["billing.dunning.run"]
        with freeze_time(day(10)):
            # one cron call handles 2 customers, commits (in production) and stops here
            self.assertEqual(Run._cron_run(batch_size=2), 2)
            self.assertEqual(len(self._reminders()), 2)
            Run._cron_run(batch_size=2)
            Run._cron_run(batch_size=2)
            self.assertEqual(Run._cron_run(batch_size=2), 0)
        reminders = self._reminders()
        self.assertEqual(len(reminders), 5)
        self.assertEqual(reminders.partner_id, customers | self.b2b)
        keys = [(line.move_id.id, line.level_id.id) for line in reminders.line_ids]
        self.assertEqual(len(keys), len(set(keys)))

    def _count_run_queries(self, count):
        partners = self.env["res.partner"].create(
            [
                {"name": f"Query {count} {i}", "is_company": True, "email": f"q{i}@example.com"}
                for i in range(count)
            ]
        )
        for partner in partners:
            self._invoice(partner, DUE, 100.0)
            self._invoice(partner, day(1), 50.0)
        Run = self.env["billing.dunning.run"]
        with freeze_time(day(45)):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            reminders = Run._dunning_run_company(self.company, partners=partners)
            self.env.flush_all()
            queries = self.env.cr.sql_log_count - before
        self.assertEqual(len(reminders), count)
        return queries

    def test_queries_per_reminder_bounded(self):
        """Selection, claim and interest are set-based: each more customer costs the same
        few queries (sequence, message, notification), whatever its invoices."""
        small = self._count_run_queries(2)
        big = self._count_run_queries(8)
        self.assertLessEqual((big - small) / 6, 25, f"{small} then {big} queries")

    def test_interest_invoice(self):
        with freeze_time(day(45)):
            self._run_cron()
            reminder = self._reminders(self.b2b)
            action = reminder.action_create_interest_invoice()
        invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.partner_id, self.b2b)
        self.assertEqual(invoice.dunning_source_move_ids, self.inv1 | self.inv2)
        self.assertAlmostEqual(
            invoice.amount_total, reminder.amount_interest + reminder.amount_indemnity
        )
        self.assertAlmostEqual(reminder.amount_indemnity, 80.0)
        self.assertFalse(invoice.invoice_line_ids.tax_ids)
        self.assertTrue(self.inv1.dunning_indemnity_invoiced)
        self.assertEqual(self.inv1.dunning_interest_until, day(45))
        invoice.action_post()
        with self.assertRaisesRegex(UserError, "already has its interest invoice"):
            reminder.action_create_interest_invoice()

    def test_policy_checks(self):
        with self.assertRaisesRegex(ValidationError, "already has one"):
            self.env["billing.dunning.policy"].create(
                {"name": "Other", "company_id": self.company.id, "is_default": True}
            )
        with self.assertRaisesRegex(ValidationError, "only its last level"):
            self.level2.formal_notice = True
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.level1.delay_days = -1

    def test_mail_template_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["billing_dunning"], ["fr_FR"])
        self.b2b_contact.lang = "fr_FR"
        with freeze_time(day(10)):
            self._run_cron()
        message = self._reminders(self.b2b).outcome_ids.message_id
        self.assertIn("relance", message.subject.lower())


@tagged("post_install", "-at_install")
class TestDunningSecurity(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Dunning B")["company"]
        cls._switch_off_fr_gate()
        cls.policy_b = cls.env["billing.dunning.policy"].create(
            {
                "name": "Policy B",
                "company_id": cls.company_b.id,
                "is_default": True,
                "send_mode": "auto",
                "level_ids": [(0, 0, {"name": "B1", "delay_days": 1})],
            }
        )
        cls.inv_a = cls._invoice(cls.b2b, DUE, 100.0)
        cls.inv_b = cls._invoice(cls.b2b, DUE, 200.0, company=cls.company_b)
        cls.user_a = new_test_user(
            cls.env,
            login="dun_user_a",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )

    def test_companies_are_separate(self):
        with freeze_time(day(10)):
            self._run_cron()
        reminders = self.env["billing.dunning.reminder"].search([("partner_id", "=", self.b2b.id)])
        self.assertEqual(len(reminders), 2, "one run per company")
        self.assertEqual(set(reminders.company_id.ids), {self.company.id, self.company_b.id})
        visible = (
            self.env["billing.dunning.reminder"]
            .with_user(self.user_a)
            .search([("partner_id", "=", self.b2b.id)])
        )
        self.assertEqual(visible.company_id, self.company)
        self.assertEqual(visible.line_ids.move_id, self.inv_a)
        lines = (
            self.env["billing.dunning.reminder.line"]
            .with_user(self.user_a)
            .search([("move_id", "=", self.inv_b.id)])
        )
        self.assertFalse(lines)

    def test_billing_user_rights(self):
        policy = self.policy.with_user(self.user_a)
        self.assertEqual(policy.name, "Standard")
        with self.assertRaises(AccessError):
            policy.write({"grace_days": 3})
        with self.assertRaises(AccessError):
            self.env["billing.dunning.rate"].with_user(self.user_a).create(
                {"date_from": date(2027, 1, 1), "rate": 2.0}
            )
        # a billing user sends a reminder by hand and cannot delete it
        followup = (
            self.env["billing.dunning.followup"]
            .with_user(self.user_a)
            ._get_or_create(self.b2b, self.company)
        )
        with freeze_time(day(10)):
            action = followup.action_send_now()
        reminder = (
            self.env["billing.dunning.reminder"].with_user(self.user_a).browse(action["res_id"])
        )
        self.assertEqual(reminder.line_ids.move_id, self.inv_a)
        with self.assertRaises(AccessError):
            reminder.unlink()
