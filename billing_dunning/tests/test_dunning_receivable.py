# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import unittest
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import DunningCommon

TODAY = date(2025, 6, 30)  # a Monday


def day(offset):
    return TODAY + timedelta(days=offset)


@tagged("post_install", "-at_install")
class TestDunningReceivable(DunningCommon):
    """The schedule of receivables (Accounting > Customers > Échéancier) and the expected
    payment date of each open line, read through the menu's actions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        # a customer with a paid history: 10, 11, 12, 20 days late and one 200 days late
        cls.habit = Partner.create({"name": "Lenoir SA", "is_company": True})
        for due, delay in [
            (date(2024, 10, 1), 200),
            (date(2025, 1, 10), 10),
            (date(2025, 2, 10), 12),
            (date(2025, 3, 10), 20),
            (date(2025, 4, 10), 11),
        ]:
            move = cls._invoice(cls.habit, due, 100.0)
            cls._pay(move, 100.0, due + timedelta(days=delay))
        # another one, paying on time or early
        cls.early = Partner.create({"name": "Rapide SARL", "is_company": True})
        for due, delay in [(date(2025, 3, 1), -2), (date(2025, 4, 1), 0)]:
            move = cls._invoice(cls.early, due, 100.0)
            cls._pay(move, 100.0, due + timedelta(days=delay))
        cls.habit_open = cls._invoice(cls.habit, day(-10), 700.0)
        # a new customer with invoices in every bucket
        cls.aged = Partner.create({"name": "Buckets SAS", "is_company": True})
        cls.aged_moves = {
            offset: cls._invoice(cls.aged, day(offset), amount)
            for offset, amount in [
                (5, 100.0),
                (-1, 200.0),
                (-30, 300.0),
                (-31, 1000.0),
                (-75, 500.0),
                (-91, 600.0),
            ]
        }
        cls._pay(cls.aged_moves[-31], 400.0, day(-20))
        cls.refund = cls.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": cls.aged.id,
                "invoice_date": day(-3),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Return", "price_unit": 150.0, "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        cls.refund.action_post()
        cls.company2 = cls.setup_other_company(name="Échéancier B")["company"]
        cls._switch_off_fr_gate()

    # ------------------------------------------------------------------ helpers

    def _action(self, xmlid="billing_dunning.billing_dunning_receivable_action"):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        context = safe_eval(action.get("context") or "{}")
        domain = safe_eval(action.get("domain") or "[]")
        return self.env[action["res_model"]].with_context(**context), domain

    def _lines(self, partner=None, env=None):
        with freeze_time(TODAY):
            model, domain = self._action()
            if env is not None:
                model = model.with_env(env)
            if partner:
                domain = [*domain, ("partner_id", "=", partner.id)]
            # a SQL report: what the cache holds of its rows is of an earlier read
            model.invalidate_model()
            lines = model.search(domain)
            # read everything now, while today is today
            lines.fetch(list(model._fields))
            lines.mapped("expected_explanation")
            return lines

    def _line(self, move):
        return self._lines(move.commercial_partner_id).filtered(lambda line: line.move_id == move)

    # ------------------------------------------------------------------ schedule

    def test_buckets_and_partial_payment(self):
        with freeze_time(TODAY):
            model, domain = self._action()
            groups = model.read_group(
                [*domain, ("partner_id", "=", self.aged.id), ("amount_residual", ">", 0)],
                ["amount_residual:sum"],
                ["bucket"],
            )
        totals = {g["bucket"]: g["amount_residual"] for g in groups}
        self.assertEqual(
            totals,
            {
                "0_not_due": 100.0,
                "1_30": 500.0,  # 200 one day late + 300 thirty days late
                "2_60": 600.0,  # 1000 less 400 paid
                "3_90": 500.0,
                "4_older": 600.0,
            },
        )
        line = self._line(self.aged_moves[-91])
        self.assertEqual(line.days_overdue, 91)
        self.assertEqual(line.document_type, "invoice")
        self.assertEqual(self._line(self.aged_moves[5]).days_overdue, 0)

    def test_credit_note_not_used(self):
        line = self._line(self.refund)
        self.assertEqual(line.document_type, "credit_note")
        self.assertEqual(line.amount_residual, -150.0)
        self.assertEqual(line.forecast_state, "credit")
        self.assertFalse(line.expected_date)
        # once used on an invoice, it leaves the schedule
        (self.refund + self.aged_moves[-91]).line_ids.filtered(
            lambda aml: aml.account_id.account_type == "asset_receivable"
        ).reconcile()
        self.assertFalse(self._line(self.refund))
        self.assertEqual(self._line(self.aged_moves[-91]).amount_residual, 450.0)

    def test_instalments(self):
        term = self.env["account.payment.term"].create(
            {
                "name": "30% now, 70% at 30 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 30.0, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 70.0, "nb_days": 30}),
                ],
            }
        )
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.aged.id,
                "invoice_date": day(-40),
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Works", "price_unit": 1000.0, "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        move.action_post()
        lines = self._line(move).sorted("date_maturity")
        self.assertEqual(lines.mapped("amount_residual"), [300.0, 700.0])
        self.assertEqual(lines.mapped("bucket"), ["2_60", "1_30"])
        self.assertEqual(lines.mapped("date_maturity"), [day(-40), day(-10)])

    def test_group_by_customer_salesperson_month(self):
        with freeze_time(TODAY):
            model, domain = self._action()
            self.assertEqual(model.env.context.get("search_default_group_partner"), 1)
            by_partner = model.read_group(domain, ["amount_residual:sum"], ["partner_id"])
            by_user = model.read_group(domain, ["amount_residual:sum"], ["user_id"])
            by_month = model.read_group(domain, ["amount_residual:sum"], ["date_maturity:month"])
        totals = {g["partner_id"][0]: g["amount_residual"] for g in by_partner}
        self.assertEqual(totals[self.aged.id], 2300.0 - 150.0)
        self.assertEqual(totals[self.habit.id], 700.0)
        self.assertNotIn(self.early.id, totals)
        self.assertEqual(sum(g["amount_residual"] for g in by_user), 2850.0)
        self.assertEqual(sum(g["amount_residual"] for g in by_month), 2850.0)

    def test_queries_do_not_grow_with_lines(self):
        def queries():
            with freeze_time(TODAY):
                model, domain = self._action()
                model.invalidate_model()
                self.env.flush_all()
                before = self.env.cr.sql_log_count
                lines = model.search(domain, limit=80)
                lines.mapped("expected_explanation")
                model.read_group(domain, ["amount_residual:sum"], ["bucket"])
                return self.env.cr.sql_log_count - before

        queries()  # warm the caches the list reads once (languages, formats)
        few = queries()
        for offset in range(20):
            self._invoice(self.habit, day(-offset), 10.0 + offset)
        self.assertEqual(queries(), few)

    # ------------------------------------------------------------------ expected date

    def test_customer_habit_median(self):
        line = self._line(self.habit_open)
        # median of 10, 11, 12, 20, 200: the outlier does not move it
        self.assertEqual(line.expected_rule, "habit")
        self.assertEqual(line.habit_count, 5)
        self.assertEqual(line.habit_delay, 12.0)
        self.assertEqual(line.expected_date, day(2))
        self.assertEqual(line.forecast_state, "expected")
        self.assertEqual(line.forecast_period, TODAY)
        self.assertIn("12 days after the due date", line.expected_explanation)
        self.assertIn("last 5 paid invoices", line.expected_explanation)

    def test_new_customer_company_habit(self):
        line = self._line(self.aged_moves[5])
        # the company's 7 invoices paid in the last year: -2, 0, 10, 11, 12, 20, 200
        self.assertEqual(line.expected_rule, "company_habit")
        self.assertEqual(line.habit_count, 7)
        self.assertEqual(line.habit_delay, 11.0)
        self.assertEqual(line.expected_date, day(16))
        self.assertIn("New customer", line.expected_explanation)
        late = self._line(self.aged_moves[-91])
        self.assertEqual(late.expected_date, day(-80))
        self.assertEqual(late.forecast_state, "late")
        self.assertFalse(late.forecast_period)

    def test_promise_to_pay(self):
        followup = self.env["billing.dunning.followup"]._get_or_create(self.aged, self.company)
        with freeze_time(TODAY):
            wizard = Form(
                self.env["billing.dunning.followup.update"].with_context(
                    default_followup_id=followup.id, default_action="promise"
                )
            )
            wizard.date = day(7)
            wizard.amount = 1000.0
            wizard.save().action_confirm()
        lines = self._lines(self.aged).filtered(lambda line: line.amount_residual > 0)
        promised = lines.filtered(lambda line: line.expected_rule == "promise")
        # by due date: 600 (91 days), 500 (75 days) reach the promised 1000; the rest not
        self.assertEqual(promised.move_id, self.aged_moves[-91] + self.aged_moves[-75])
        self.assertEqual(set(promised.mapped("expected_date")), {day(7)})
        self.assertIn("promised", promised[0].expected_explanation)
        self.assertEqual(set((lines - promised).mapped("expected_rule")), {"company_habit"})

    def test_dispute_and_pause_hold(self):
        followup = self.env["billing.dunning.followup"]._get_or_create(self.habit, self.company)
        with freeze_time(TODAY):
            self.env["billing.dunning.followup.update"].create(
                {"followup_id": followup.id, "action": "pause", "date": day(20)}
            ).action_confirm()
        line = self._line(self.habit_open)
        self.assertEqual(line.expected_rule, "held")
        self.assertEqual(line.held_reason, "paused")
        self.assertEqual(line.forecast_state, "held")
        self.assertFalse(line.expected_date)
        self.assertIn("paused", line.expected_explanation)
        self.aged_moves[-1].write({"dunning_disputed": True, "dunning_dispute_reason": "Price"})
        disputed = self._line(self.aged_moves[-1])
        self.assertEqual(disputed.held_reason, "dispute")
        self.assertIn("disputed", disputed.expected_explanation)
        # the forecast leaves them apart
        with freeze_time(TODAY):
            model, domain = self._action(
                "billing_dunning.billing_dunning_receivable_forecast_action"
            )
            groups = model.read_group(domain, ["amount_residual:sum"], ["forecast_state"])
        held = {g["forecast_state"]: g["amount_residual"] for g in groups}["held"]
        self.assertEqual(held, 900.0)

    def test_no_history_due_date(self):
        company2 = self.company2
        move = self._invoice(self.aged, day(-3), 80.0, company=company2)
        env = self.env(context=dict(self.env.context, allowed_company_ids=company2.ids))
        line = self._lines(self.aged, env=env)
        self.assertEqual(line.move_id, move)
        self.assertEqual(line.expected_rule, "due_date")
        self.assertEqual(line.expected_date, day(-3))
        self.assertIn("No paid invoice", line.expected_explanation)

    def _habit(self, partner):
        return self.env["billing.dunning.habit"].search(
            [("company_id", "=", self.company.id), ("partner_id", "=", partner.id)]
        )

    def test_habit_learnt_when_paid_and_forgotten_when_unpaid(self):
        """The stored habit follows the payments: learnt at reconciliation, undone with it,
        and the daily cron puts back what SQL changed behind the ORM's back."""
        self.assertEqual((self._habit(self.habit).count, self._habit(self.habit).delay), (5, 12))
        self.assertFalse(self._habit(self.aged))
        self.assertEqual(self._line(self.aged_moves[5]).expected_rule, "company_habit")
        # Buckets SAS pays the 200 due yesterday 20 days late (as of its payment date)
        payment = self._pay(self.aged_moves[-1], 200.0, day(19))
        self.env.cr.flush()  # the commit's precommit hooks
        self.assertEqual(self.aged_moves[-1].billing_paid_date, day(19))
        self.assertEqual(self.aged_moves[-1].billing_paid_delay, 20.0)
        self.assertEqual((self._habit(self.aged).count, self._habit(self.aged).delay), (1, 20))
        line = self._line(self.aged_moves[5])
        self.assertEqual((line.expected_rule, line.expected_date), ("habit", day(25)))
        self.assertIn("last 1 paid invoices", line.expected_explanation)
        # the payment undone: no habit any more, read in the same transaction
        payment.move_id.line_ids.remove_move_reconcile()
        self.assertEqual(self._line(self.aged_moves[5]).expected_rule, "company_habit")
        self.assertFalse(self._habit(self.aged))
        self.assertFalse(self.aged_moves[-1].billing_paid_date)
        # changed by SQL: the daily cron learns it again, a chunk per call
        self.env.cr.execute(
            "UPDATE account_move SET billing_paid_date = NULL WHERE commercial_partner_id = %s",
            [self.habit.id],
        )
        self.env.cr.execute("DELETE FROM billing_dunning_habit")
        self.env.invalidate_all()
        Habit = self.env["billing.dunning.habit"]
        cron = self.env.ref("billing_dunning.ir_cron_billing_dunning_habit")
        self.assertEqual(cron.code, "model._cron_refresh()")
        Habit._cron_refresh(chunk=3)
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("billing_dunning.habit_cron_cursor"),
            str(
                self.env["account.move"]
                .search([("move_type", "=", "out_invoice")], order="id")[2]
                .id
            ),
        )
        while Habit._cron_refresh(chunk=3) == 3:
            pass
        self.assertEqual((self._habit(self.habit).count, self._habit(self.habit).delay), (5, 12))
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("billing_dunning.habit_cron_cursor"), "0"
        )

    def test_forecast_months_beyond_13_weeks(self):
        move = self._invoice(self.habit, day(120), 50.0)
        line = self._line(move)
        self.assertEqual(line.expected_date, day(132))
        self.assertEqual(line.forecast_period, date(2025, 11, 1))
        week = self._line(self._invoice(self.habit, day(60), 10.0))
        self.assertEqual(week.forecast_period, date(2025, 9, 8))

    # ------------------------------------------------------------------ DSO, backtest

    def test_dso_count_back_and_payment_delay(self):
        company2 = self.company2
        april = self._invoice(self.aged, date(2025, 4, 1), 1000.0, company=company2)
        may = self._invoice(self.aged, date(2025, 5, 10), 3100.0, company=company2)
        self._invoice(self.aged, date(2025, 6, 10), 3000.0, company=company2)
        self._pay(april, 1000.0, date(2025, 6, 11))
        self._pay(may, 2100.0, date(2025, 6, 15))
        env = self.env(context=dict(self.env.context, allowed_company_ids=company2.ids))
        with freeze_time(TODAY):
            model, domain = self._action("billing_dunning.billing_dunning_dso_action")
            rows = model.with_env(env).search(domain)
            by_month = {row.date: row for row in rows}
            self.assertEqual(len(rows), 12)
            june, may_row = by_month[date(2025, 6, 1)], by_month[date(2025, 5, 1)]
            # June: 4000 due = June's 3000 (30 days) + 1000 of May's 3100 (31 days)
            self.assertEqual(june.receivable, 4000.0)
            self.assertEqual(june.sales, 3000.0)
            self.assertAlmostEqual(june.dso, 40.0, places=3)
            # May: 4100 due = May's 3100 (31 days) + April's 1000 (30 days)
            self.assertAlmostEqual(may_row.dso, 61.0, places=3)
            self.assertEqual(june.paid_count, 1)
            self.assertEqual(june.payment_delay, 71.0)
            self.assertFalse(by_month[date(2025, 3, 1)].dso)

    def test_customer_dso_and_trend(self):
        company2 = self.company2
        april = self._invoice(self.aged, date(2025, 4, 1), 1000.0, company=company2)
        may = self._invoice(self.aged, date(2025, 5, 10), 3100.0, company=company2)
        self._invoice(self.aged, date(2025, 6, 10), 3000.0, company=company2)
        self._pay(april, 1000.0, date(2025, 6, 11))
        self._pay(may, 2100.0, date(2025, 6, 15))
        env = self.env(context=dict(self.env.context, allowed_company_ids=company2.ids))
        with freeze_time(TODAY):
            menu = self.env.ref("billing_dunning.billing_dunning_partner_dso_menu")
            model = env[menu.action.res_model]
            row = model.search([("partner_id", "=", self.aged.id)])
            self.assertEqual(row.company_id, company2)
            self.assertEqual(row.receivable, 4000.0)
            # today as the company's (one customer); end of May: 4100 = 3100 + 1000 of April
            self.assertAlmostEqual(row.dso, 40.0, places=3)
            self.assertAlmostEqual(row.dso_previous, 61.0, places=3)
            self.assertAlmostEqual(row.dso_trend, -21.0, places=3)
            # April's invoice paid 71 days late in June; nothing paid the 3 months before
            self.assertEqual((row.payment_delay, row.paid_count), (71.0, 1))
            self.assertFalse(row.payment_delay_previous)
            # Lenoir SA (first company) paid 200 and 11 days late in the last 3 months, 10,
            # 12 and 20 the 3 months before: paying slower
            lenoir = model.search([("partner_id", "=", self.habit.id)])
            self.assertFalse(lenoir)  # another company
            lenoir = model.with_context(allowed_company_ids=self.company.ids).search(
                [("partner_id", "=", self.habit.id)]
            )
            self.assertEqual(lenoir.payment_delay, 105.5)
            self.assertEqual(lenoir.payment_delay_previous, 14.0)
            self.assertEqual(lenoir.delay_trend, 91.5)

    def test_dso_company_and_customer_agree(self):
        """Company and customer DSO come from one count-back: a company with one customer
        has that customer's DSO, today and at the end of last month, also when a month's
        credit notes exceed its sales and an older month is outside the 12 months."""
        company2 = self.company2
        self._invoice(self.aged, date(2024, 5, 20), 700.0, company=company2)
        self._invoice(self.aged, date(2025, 3, 5), 900.0, company=company2)
        may = self._invoice(self.aged, date(2025, 5, 10), 300.0, company=company2)
        self._invoice(self.aged, date(2025, 6, 10), 2000.0, company=company2)
        refund = (
            self.env["account.move"]
            .with_company(company2)
            .create(
                {
                    "move_type": "out_refund",
                    "partner_id": self.aged.id,
                    "invoice_date": date(2025, 5, 20),
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Return", "price_unit": 500.0, "tax_ids": [Command.clear()]}
                        )
                    ],
                }
            )
        )
        refund.action_post()
        self._pay(may, 300.0, date(2025, 6, 2))
        env = self.env(context=dict(self.env.context, allowed_company_ids=company2.ids))
        with freeze_time(TODAY):
            model, domain = self._action("billing_dunning.billing_dunning_dso_action")
            by_month = {row.date: row for row in model.with_env(env).search(domain)}
            customer = env["billing.dunning.partner.dso"].search(
                [("partner_id", "=", self.aged.id)]
            )
            june, may_row = by_month[date(2025, 6, 1)], by_month[date(2025, 5, 1)]
            # June: 3100 due covered by June's 2000 (30 days), May's net credit (no day) and
            # March's 900 (31 days); the 700 of May 2024 is beyond the 12 months counted back.
            # End of May: 1400 due, May's net credit, March's 900 (31 days)
            self.assertEqual(june.receivable, 3100.0)
            self.assertEqual(may_row.sales, -200.0)
            self.assertAlmostEqual(june.dso, 61.0, places=6)
            self.assertAlmostEqual(may_row.dso, 31.0, places=6)
            self.assertEqual(customer.receivable, june.receivable)
            self.assertAlmostEqual(customer.dso, june.dso, places=6)
            self.assertAlmostEqual(customer.dso_previous, may_row.dso, places=6)

    def test_backtest(self):
        env = self.env(context=dict(self.env.context, allowed_company_ids=self.company.ids))
        with freeze_time(TODAY):
            model, domain = self._action("billing_dunning.billing_dunning_backtest_action")
            row = model.with_env(env).search(domain)
            self.assertEqual(row.company_id, self.company)
            # 7 invoices paid in the last year, 4 with a history of their customer before;
            # errors of the expected date: 200, 10, 2, 9, 1 (Lenoir), 13, 2 (Rapide, paid
            # before its invoice date); of the due date: 200, 10, 12, 20, 11, 2, 0
            self.assertEqual(row.invoice_count, 7)
            self.assertEqual(row.history_count, 4)
            self.assertAlmostEqual(row.expected_error, 237 / 7, places=3)
            self.assertAlmostEqual(row.due_error, 255 / 7, places=3)
            self.assertAlmostEqual(row.improvement, 100 * (1 - 237 / 255), places=3)
            # the forecast's menu and the follow-up list's button say it in the title
            menu = self.env.ref("billing_dunning.billing_dunning_receivable_forecast_menu")
            self.assertEqual(menu.action._name, "ir.actions.server")
            action = menu.action.with_env(env).run()
        self.assertEqual(action["res_model"], "billing.dunning.receivable")
        self.assertIn("off by 33.9 days", action["name"])
        self.assertIn("due dates by 36.4", action["name"])
        self.assertEqual(action["display_name"], action["name"])
        arch = self.env["billing.dunning.customer"].get_views([(False, "list")])["views"]["list"]
        self.assertIn(f"{menu.action.id}", arch["arch"])

    # ------------------------------------------------------------------ statement

    def test_customer_statement_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["billing_dunning"], ["fr_FR"])
        self.aged.lang = "fr_FR"
        report = self.env.ref("billing_dunning.action_report_customer_statement")
        self.assertEqual(report.binding_model_id.model, "res.partner")
        env = self.env(context=dict(self.env.context, allowed_company_ids=self.company.ids))
        with freeze_time(TODAY):
            html = (
                env["ir.actions.report"]
                ._render_qweb_html(report.report_name, self.aged.ids)[0]
                .decode()
            )
        self.assertIn("Relevé de compte", html)
        self.assertIn("Plus de 90 jours", html)
        for move in self.aged_moves.values():
            self.assertIn(move.name, html)
        self.assertIn(self.refund.name, html)
        # 2300 open less the 150 credit note
        self.assertRegex(html, r"2(\W|&nbsp;|&#8239;)?150,00")

    def test_reminder_attaches_statement(self):
        """A reminder prints (and its e-mail template can attach) its customer's statement."""
        with freeze_time(TODAY):
            self._run_cron()
        reminder = self._reminders(self.aged)
        self.assertTrue(reminder)
        report = self.env.ref("billing_dunning.action_report_reminder_statement")
        template = self.env.ref("billing_dunning.mail_template_reminder")
        template.report_template_ids = [Command.link(report.id)]
        with freeze_time(TODAY):
            html = (
                self.env["ir.actions.report"]
                ._render_qweb_html(report.report_name, reminder.ids)[0]
                .decode()
            )
        self.assertIn(self.aged.name, html)
        self.assertIn(self.aged_moves[-91].name, html)
        self.assertNotIn(self.habit_open.name, html)

    # ------------------------------------------------------------------ access

    def test_multi_company(self):
        company2 = self.company2
        other = self._invoice(self.aged, day(-3), 80.0, company=company2)
        # the company switcher: the first company only
        env = self.env(context=dict(self.env.context, allowed_company_ids=self.company.ids))
        self.assertNotIn(other, self._lines(self.aged, env=env).move_id)
        env = self.env(
            context=dict(self.env.context, allowed_company_ids=(self.company + company2).ids)
        )
        self.assertIn(other, self._lines(self.aged, env=env).move_id)
        # a user of the first company only never sees it, even asking for both
        user = new_test_user(
            self.env,
            login="clerk_mc",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        with freeze_time(TODAY):
            lines = (
                self.env["billing.dunning.receivable"]
                .with_user(user)
                .search([("move_id", "=", other.id)])
            )
        self.assertFalse(lines)

    def test_clerk_reads_not_settings(self):
        clerk = new_test_user(
            self.env,
            login="clerk",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        lines = self._lines(self.habit, env=self.env(user=clerk))
        self.assertEqual(lines.move_id, self.habit_open)
        with self.assertRaises(AccessError):
            self.policy.with_user(clerk).pa_payment_sent_days = 3
        with self.assertRaises(AccessError):
            lines.with_user(clerk).write({"amount_residual": 1.0})


@tagged("post_install", "-at_install")
class TestDunningReceivablePlatform(DunningCommon):
    """With billing_fr_compliance: 207/208/210/213 hold a line, 211 expects it a few days
    after the status (the policy's wait)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "billing_pa_status_code" not in cls.env["account.move"]._fields:
            raise unittest.SkipTest("billing_fr_compliance is not installed")
        cls.inv1 = cls._invoice(cls.b2b, day(-20), 1000.0)
        cls.inv2 = cls._invoice(cls.b2b, day(-10), 500.0)

    def _status(self, move, code, when):
        self.env["billing.pa.status"].create(
            {
                "move_id": move.id,
                "company_id": move.company_id.id,
                "code": code,
                "date": datetime.datetime.combine(when, datetime.time(9, 0)),
            }
        )

    def test_platform_statuses(self):
        self.policy.pa_payment_sent_days = 6
        self._status(self.inv1, "207", day(-5))
        self._status(self.inv2, "211", day(-2))
        with freeze_time(TODAY):
            model = self.env["billing.dunning.receivable"]
            lines = model.search([("partner_id", "=", self.b2b.id)])
            held = lines.filtered(lambda line: line.move_id == self.inv1)
            sent = lines.filtered(lambda line: line.move_id == self.inv2)
            self.assertEqual(held.held_reason, "platform")
            self.assertEqual(held.forecast_state, "held")
            self.assertIn("207", held.expected_explanation)
            self.assertEqual(sent.expected_rule, "payment_sent")
            self.assertEqual(sent.expected_date, day(4))
            self.assertIn("sent", sent.expected_explanation)
