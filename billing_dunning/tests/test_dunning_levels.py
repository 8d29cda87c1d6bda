# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import Form, new_test_user, tagged

from .common import DUE, DunningCommon


def day(offset):
    return DUE + timedelta(days=offset)


@tagged("post_install", "-at_install")
class TestDunningLevelOrder(DunningCommon):
    """Levels are reached in order; the formal notice says "despite our previous reminders"
    only after reminders were sent; penalties follow each line's level."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.skip_levels = False
        cls.inv1 = cls._invoice(cls.b2b, DUE, 1000.0)

    def _mail_body(self, reminder):
        return str(reminder.outcome_ids.filtered(lambda o: o.channel == "email").message_id.body)

    def test_customer_seen_late_gets_the_first_level_then_the_next_after_its_delay(self):
        with freeze_time(day(50)):
            self._run_cron()
        first = self._reminders(self.b2b)
        self.assertEqual(first.level_id, self.level1, "a first reminder is never a notice")
        self.assertFalse(first.formal_notice)
        with freeze_time(day(64)):
            self._run_cron()
        self.assertEqual(len(self._reminders(self.b2b)), 1, "level 2 comes 15 days later")
        with freeze_time(day(65)):
            self._run_cron()
        self.assertEqual(self._reminders(self.b2b)[0].level_id, self.level2)
        with freeze_time(day(84)):
            self._run_cron()
        self.assertEqual(len(self._reminders(self.b2b)), 2)
        with freeze_time(day(85)):
            self._run_cron()
        notice = self._reminders(self.b2b)[0]
        self.assertEqual(notice.level_id, self.level3)
        self.assertTrue(notice.after_reminders)
        self.assertIn("Despite our previous reminders", self._mail_body(notice))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("billing_dunning.report_dunning_reminder", notice.ids)[0]
            .decode()
        )
        self.assertIn("Despite our previous reminders", html)

    def test_on_time_runs_keep_the_schedule(self):
        for offset, level in ((5, self.level1), (20, self.level2), (40, self.level3)):
            with freeze_time(day(offset)):
                self._run_cron()
            self.assertEqual(self._reminders(self.b2b)[0].level_id, level)

    def test_followup_shows_the_next_level_and_its_date(self):
        with freeze_time(day(50)):
            self._run_cron()
            followup = self.env["billing.dunning.followup"]._get_or_create(self.b2b, self.company)
            self.assertEqual(followup.next_action, "Second reminder")
            self.assertEqual(followup.next_date, day(65))

    def test_policy_may_start_at_the_level_reached(self):
        self.policy.skip_levels = True
        with freeze_time(day(50)):
            self._run_cron()
        notice = self._reminders(self.b2b)
        self.assertEqual(notice.level_id, self.level3)
        # nothing was sent before: the notice does not claim earlier reminders
        self.assertFalse(notice.after_reminders)
        body = self._mail_body(notice)
        self.assertNotIn("Despite our previous reminders", body)
        self.assertIn("remain unpaid after their due date", body)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("billing_dunning.report_dunning_reminder", notice.ids)[0]
            .decode()
        )
        self.assertNotIn("Despite our previous reminders", html)

    def test_penalties_follow_each_line_level(self):
        """A reminder at the formal notice lists an invoice that stays at a level without
        penalties: that invoice is charged neither interest nor the 40 EUR."""
        self.policy.skip_levels = True
        inv2 = self._invoice(self.b2b, day(2), 500.0)
        with freeze_time(day(25)):
            self._run_cron()
        with freeze_time(day(41)):
            self._run_cron()
        notice = self._reminders(self.b2b)[0]
        self.assertEqual(notice.level_id, self.level3)
        line1 = notice.line_ids.filtered(lambda line: line.move_id == self.inv1)
        line2 = notice.line_ids.filtered(lambda line: line.move_id == inv2)
        self.assertEqual(inv2.dunning_level_id, self.level2)
        self.assertEqual(line1.amount_indemnity, 40.0)
        self.assertTrue(line1.amount_interest)
        self.assertEqual(line2.amount_indemnity, 0.0)
        self.assertEqual(line2.amount_interest, 0.0)
        self.assertEqual(notice.amount_indemnity, 40.0)


@tagged("post_install", "-at_install")
class TestDunningFollowupScreens(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inv1 = cls._invoice(cls.b2b, DUE, 1000.0)
        cls.inv_b2c = cls._invoice(cls.b2c, day(20), 200.0)

    def test_followup_list_shows_every_overdue_customer(self):
        Followup = self.env["billing.dunning.followup"]
        Customer = self.env["billing.dunning.customer"]
        self.assertFalse(Followup.search([("partner_id", "=", self.b2b.id)]))
        clerk = new_test_user(self.env, login="dun_clerk", groups="account.group_account_invoice")
        with freeze_time(day(10)):
            # the menu, as a billing user
            action = (
                self.env.ref("billing_dunning.billing_dunning_followup_server_action")
                .with_user(clerk)
                .run()
            )
            self.assertEqual(action["res_model"], "billing.dunning.customer")
            rows = Customer.with_user(clerk).search([("has_overdue", "=", True)])
            self.assertIn(self.b2b, rows.partner_id)
            # the consumer's invoice is not due yet on day 10
            self.assertNotIn(self.b2c, rows.partner_id)
            row = rows.filtered(lambda r: r.partner_id == self.b2b)
            self.assertEqual(row.overdue_amount, 1000.0)
            self.assertEqual(row.next_action, "Friendly reminder")
            self.assertEqual(row.next_date, day(10))
            # the list shows amount, level and next action
            arch = Customer.get_view(view_type="list")["arch"]
            for field in ("overdue_amount", "level_id", "next_action", "next_date"):
                self.assertIn(f'name="{field}"', arch)
            # issue 28: opening the menu and reading the list create nothing
            self.assertFalse(Followup.search([("partner_id", "=", self.b2b.id)]))
            # the follow-up is created when someone opens the customer to act
            opened = row.action_open_followup()
            followup = Followup.browse(opened["res_id"])
            self.assertEqual(opened["res_model"], "billing.dunning.followup")
            self.assertEqual(followup.partner_id, self.b2b)
            self.assertEqual(followup.overdue_amount, 1000.0)
            self.assertEqual(followup.next_action, "Friendly reminder")
            self.env.invalidate_all()  # as the next request of the web client reads it
            again = Customer.search([("partner_id", "=", self.b2b.id)])
            self.assertEqual(again, row, "the row keeps its id")
            self.assertEqual(again.followup_id, followup)
            self.assertEqual(again.action_open_followup()["res_id"], followup.id)
        self.assertEqual(Followup.search_count([("partner_id", "=", self.b2b.id)]), 1)

    def _preview(self, partner=None):
        if partner:
            followup = self.env["billing.dunning.followup"]._get_or_create(partner, self.company)
            action = followup.action_preview()
        else:
            action = self.env["billing.dunning.preview"].action_open_for_company()
        return self.env["billing.dunning.preview"].browse(action["res_id"])

    def test_empty_preview_says_why(self):
        with freeze_time(day(-1)):
            self.assertEqual(self._preview().empty_reason, "Nothing is overdue.")
        with freeze_time(day(3)):
            preview = self._preview()
            self.assertFalse(preview.reminder_count)
            self.assertIn("nothing overdue beyond the grace period", preview.empty_reason)
            self.assertIn("Friendly reminder on", self._preview(self.b2b).empty_reason)
        with freeze_time(day(10)):
            self.assertEqual(self._preview().reminder_count, 1)
            self._run_cron()
            preview = self._preview()
            self.assertFalse(preview.reminder_count)
            self.assertIn("Today's run already sent 1 reminder(s)", preview.empty_reason)
            self.assertIn("Today's run already sent", self._preview(self.b2b).empty_reason)
            self.assertEqual(
                self._preview(self.b2c).empty_reason, "Nothing overdue for Claire Moreau."
            )
        followup = self.env["billing.dunning.followup"]._get_or_create(self.b2b, self.company)
        wizard = Form(
            self.env["billing.dunning.followup.update"].with_context(
                default_followup_id=followup.id, default_action="dispute"
            )
        )
        wizard.reason = "Goods damaged"
        wizard.save().action_confirm()
        with freeze_time(day(30)):
            self.assertIn("Disputed: Goods damaged", self._preview(self.b2b).empty_reason)

    def test_update_dialogs_have_a_title(self):
        followup = self.env["billing.dunning.followup"]._get_or_create(self.b2b, self.company)
        for method in ("action_pause", "action_dispute", "action_promise"):
            self.assertTrue(getattr(followup, method)().get("name"), method)


@tagged("post_install", "-at_install")
class TestDunningLanguage(DunningCommon):
    """Generated labels and outcomes in French for a French customer and company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["billing_dunning"], ["fr_FR"])
        cls.b2b.lang = "fr_FR"
        cls.b2b_contact.lang = "fr_FR"
        cls.company.partner_id.lang = "fr_FR"
        cls.level3.with_context(lang="fr_FR").name = "Mise en demeure"
        cls.inv1 = cls._invoice(cls.b2b, DUE, 1000.0)

    def test_labels_and_outcomes_in_the_partner_language(self):
        with freeze_time(day(45)):
            self._run_cron()
        reminder = self._reminders(self.b2b)
        line = reminder.line_ids
        # 45 days at 3.15 + 10 points, decimals with a comma
        self.assertEqual(line.interest_detail, "45 j à 13,15 %")
        notes = reminder.outcome_ids.mapped("note")
        self.assertIn("En file d'envoi vers compta@martin.example", notes)
        self.assertIn("À imprimer", notes)
        self.assertEqual(reminder.with_context(lang="fr_FR").level_id.name, "Mise en demeure")
        with freeze_time(day(45)):
            action = reminder.action_create_interest_invoice()
        invoice = self.env["account.move"].browse(action["res_id"])
        label = invoice.invoice_line_ids.filtered(
            lambda aml: aml.dunning_penalty == "interest"
        ).name
        self.assertEqual(
            label,
            f"Intérêts de retard sur {self.inv1.name} échue le 03/03/2025, jusqu'au "
            "17/04/2025 (45 j à 13,15 %)",
        )

    def test_demo_level_names_in_french(self):
        """The demo levels (French company and customers) have their French names."""
        self.env["ir.model.data"].create(
            {
                "module": "billing_dunning",
                "name": "demo_level_friendly",
                "model": "billing.dunning.level",
                "res_id": self.level1.id,
            }
        )
        self.env["billing.dunning.policy"]._demo_translate()
        self.assertEqual(self.level1.with_context(lang="fr_FR").name, "Relance amiable")
        self.assertEqual(self.level1.with_context(lang="en_US").name, "Friendly reminder")
