# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Access: the role matrix of the README, company isolation of every model (wizards included),
and the follow-up of one company out of reach of a user of another."""

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import DUE, DunningCommon
from .security_common import (
    actual_matrix,
    assert_isolated,
    models_without_rule,
    unchecked_relations,
)

# The table of docs/security.md: per model, what each role may do (r read, w write,
# c create, d delete; "-" nothing). Roles: internal user, billing user (Accounting:
# Invoicing), billing manager (Accounting: Administrator), stock user (Inventory: User),
# portal user.
MATRIX = {
    "billing.dunning.backtest": ("-", "r", "r", "-", "-"),
    "billing.dunning.customer": ("-", "r", "r", "-", "-"),
    "billing.dunning.dso": ("-", "r", "r", "-", "-"),
    "billing.dunning.habit": ("-", "r", "r", "-", "-"),
    "billing.dunning.partner.dso": ("-", "r", "r", "-", "-"),
    "billing.dunning.receivable": ("-", "r", "r", "-", "-"),
    "billing.dunning.policy": ("-", "r", "rwcd", "-", "-"),
    "billing.dunning.level": ("-", "r", "rwcd", "-", "-"),
    "billing.dunning.rate": ("-", "r", "rwcd", "-", "-"),
    "billing.dunning.reminder": ("-", "rwc", "rwcd", "-", "-"),
    "billing.dunning.reminder.line": ("-", "rc", "rwcd", "-", "-"),
    "billing.dunning.outcome": ("-", "rwc", "rwcd", "-", "-"),
    "billing.dunning.followup": ("-", "rwc", "rwcd", "-", "-"),
    "billing.dunning.followup.update": ("-", "rwcd", "rwcd", "-", "-"),
    "billing.dunning.preview": ("-", "rwcd", "rwcd", "-", "-"),
    "billing.dunning.preview.line": ("-", "rwcd", "rwcd", "-", "-"),
}
# national data, the same for every company (no company_id): no company rule
SHARED = {"billing.dunning.rate"}
NO_COMPANY_CHECK = []


@tagged("post_install", "-at_install")
class TestDunningAccessMatrix(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Dunning Security B")["company"]
        cls._switch_off_fr_gate()
        cls.user_a = new_test_user(
            cls.env,
            login="sec_dunning_user_a",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.manager_b = new_test_user(
            cls.env,
            login="sec_dunning_manager_b",
            groups="account.group_account_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.invoice = cls._invoice(cls.b2b, DUE, 500.0)
        # two invoices paid late in the last months: the schedule's DSO and backtest reports
        # have rows of company A too
        today = fields.Date.context_today(cls.env["res.partner"])
        for months, delay in ((5, 10), (2, 20)):
            due = today - relativedelta(months=months)
            cls._pay(cls._invoice(cls.b2b, due, 100.0), 100.0, due + relativedelta(days=delay))
        cls.followup = cls.env["billing.dunning.followup"]._get_or_create(cls.b2b, cls.company)

    def test_role_matrix_is_the_readme(self):
        self.assertEqual(actual_matrix(self, "billing_dunning", self.company), MATRIX)

    def test_every_model_has_a_record_rule(self):
        self.assertEqual(models_without_rule(self.env, "billing_dunning", SHARED), [])

    def test_relations_to_company_records_are_checked(self):
        self.assertEqual(unchecked_relations(self.env, "billing_dunning"), NO_COMPANY_CHECK)

    def test_company_b_sees_nothing_of_company_a(self):
        Preview = self.env["billing.dunning.preview"].with_user(self.user_a)
        preview = Preview._build(self.company)
        self.assertTrue(preview.line_ids, "the preview shows the overdue invoice")
        self.env["billing.dunning.followup.update"].with_user(self.user_a).create(
            {"followup_id": self.followup.id, "action": "pause"}
        )
        self._run_cron()
        self.assertTrue(self._reminders(self.b2b).outcome_ids)
        for model in MATRIX:
            if model in SHARED:
                self.assertNotIn("company_id", self.env[model]._fields, model)
                continue
            records = self.env[model].sudo().search([("company_id", "=", self.company.id)])
            assert_isolated(self, self.manager_b, records)

    def test_wizards_are_their_user_s_own(self):
        other_a = new_test_user(
            self.env,
            login="sec_dunning_other_a",
            groups="account.group_account_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        preview = self.env["billing.dunning.preview"].with_user(self.user_a)._build(self.company)
        update = (
            self.env["billing.dunning.followup.update"]
            .with_user(self.user_a)
            .create({"followup_id": self.followup.id, "action": "pause"})
        )
        for wizard in (preview, preview.line_ids, update):
            assert_isolated(self, other_a, wizard.sudo())

    def test_followup_of_another_company(self):
        Update = self.env["billing.dunning.followup.update"].with_user(self.manager_b)
        with self.assertRaises(AccessError):
            Form(Update.with_context(default_followup_id=self.followup.id, default_action="pause"))
        with self.assertRaises(UserError):
            Update.create({"followup_id": self.followup.id, "action": "pause"})
        with self.assertRaises(UserError):
            self.env["billing.dunning.preview"].with_user(self.manager_b)._build(self.company)

    def test_relations_checked_against_the_company(self):
        with self.assertRaises(UserError):
            self.env["billing.dunning.followup.update"].create(
                {
                    "company_id": self.company_b.id,
                    "followup_id": self.followup.id,
                    "action": "pause",
                }
            )
        preview = self.env["billing.dunning.preview"].create(
            {"company_id": self.company_b.id, "date": DUE}
        )
        with self.assertRaises(UserError):
            self.env["billing.dunning.preview.line"].create(
                {"preview_id": preview.id, "move_id": self.invoice.id}
            )
