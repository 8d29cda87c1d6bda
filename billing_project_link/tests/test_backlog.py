# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Unbilled backlog (Accounting > Reporting > Unbilled Backlog): deliveries done, milestones
reached and situations due that are not invoiced, and the daily activity for old ones."""

from datetime import timedelta

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tests import Form, new_test_user, tagged
from odoo.tests.common import TransactionCase

from .common_situation import SituationCommon
from .delivery_common import DeliveryInvoicingCase

ACTION = "billing_project_link.billing_backlog_report_action"
CRON = "billing_project_link.billing_backlog_report_cron_alert"
ACTIVITY = "billing_project_link.mail_activity_type_backlog"


class BacklogMixin:
    def _items(self, env=None, **where):
        """What the report's menu shows (its action's domain), with ``where`` filters."""
        env = env or self.env
        action = env["ir.actions.actions"]._for_xml_id(ACTION)
        domain = list(action.get("domain") or []) + [(k, "=", v) for k, v in where.items()]
        return env[action["res_model"]].search(domain)

    def _set_threshold(self, days, company=None):
        """Settings > Invoicing: Unbilled Backlog Alert."""
        settings = self.env["res.config.settings"]
        if company:
            settings = settings.with_company(company)
        with Form(settings) as form:
            form.billing_backlog_alert_days = days
        form.record.execute()

    def _run_cron(self):
        self.env.ref(CRON).method_direct_trigger()

    def _backlog_activities(self, records):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("activity_type_id", "=", self.env.ref(ACTIVITY).id),
            ]
        )


@tagged("post_install", "-at_install")
class TestBacklogDeliveries(BacklogMixin, DeliveryInvoicingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env,
            login="backlog_salesperson",
            groups="sales_team.group_sale_salesman,account.group_account_invoice",
            company_id=cls.env.company.id,
            company_ids=[Command.set(cls.env.company.ids)],
        )

    def _delivered(self, qty=6, days_ago=0):
        order = self._order([(self.good, qty)], user_id=self.salesperson.id)
        picking = self._deliver(order)
        if days_ago:
            picking.date_done = fields.Datetime.now() - timedelta(days=days_ago)
        return picking

    def test_views_load(self):
        report = self.env["billing.backlog.report"]
        views = report.get_views([(False, "list"), (False, "pivot"), (False, "graph")])
        self.assertEqual(set(views["views"]), {"list", "pivot", "graph"})

    def test_delivery_appears_then_disappears_once_invoiced(self):
        picking = self._delivered(qty=6, days_ago=12)
        item = self._items(picking_id=picking.id)
        self.assertEqual(len(item), 1)
        self.assertEqual(item.item_type, "delivery")
        self.assertEqual(item.partner_id, self.customer)
        self.assertEqual(item.user_id, self.salesperson)
        self.assertEqual(item.age_days, 12)
        self.assertEqual(item.age_bucket, "0_30")
        self.assertAlmostEqual(item.amount, 60.0)
        # per customer and salesperson, as the pivot groups it
        groups = self.env["billing.backlog.report"].read_group(
            [("picking_id", "=", picking.id)], ["amount:sum"], ["partner_id", "user_id"], lazy=False
        )
        self.assertEqual(groups[0]["amount"], 60.0)
        # the delivery form's button: a draft invoice counts as invoiced, as for the order
        picking.action_invoice_delivery()
        self.assertEqual(picking.delivery_invoice_status, "invoiced")
        self.assertFalse(self._items(picking_id=picking.id))

    def test_alert_activity_once(self):
        old = self._delivered(days_ago=40)
        recent = self._delivered(days_ago=3)
        self._set_threshold(30)
        self.assertEqual(self.env.company.billing_backlog_alert_days, 30)
        self._run_cron()
        activity = self._backlog_activities(old)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertIn("30", activity.summary)
        self.assertFalse(self._backlog_activities(recent))
        # the next day's run (or a rerun) adds none
        self._run_cron()
        self.assertEqual(self._backlog_activities(old), activity)
        # a responsible set in Settings receives the new ones
        manager = new_test_user(
            self.env,
            login="backlog_manager",
            groups="account.group_account_manager",
            company_id=self.env.company.id,
            company_ids=[Command.set(self.env.company.ids)],
        )
        self.env.company.billing_backlog_user_id = manager
        older = self._delivered(days_ago=35)
        self._run_cron()
        self.assertEqual(self._backlog_activities(older).user_id, manager)
        self.assertEqual(self._backlog_activities(old), activity)

    def test_no_alert_when_off(self):
        old = self._delivered(days_ago=400)
        self._run_cron()
        self.assertFalse(self._backlog_activities(old), "off by default (0 days)")

    def test_multi_company(self):
        old = self._delivered(days_ago=40)
        company_b = self.setup_other_company(name="Backlog B")["company"]
        self._set_threshold(30, company=company_b)
        self.assertEqual(company_b.billing_backlog_alert_days, 30)
        self.assertEqual(self.env.company.billing_backlog_alert_days, 0)
        self._run_cron()
        self.assertFalse(self._backlog_activities(old), "company B's setting is B's own")
        user_b = new_test_user(
            self.env,
            login="backlog_user_b",
            groups="account.group_account_invoice",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        self.assertFalse(self._items(env=self.env(user=user_b), picking_id=old.id))
        self.assertTrue(self._items(env=self.env(user=self.salesperson), picking_id=old.id))


@tagged("post_install", "-at_install")
class TestBacklogProgress(BacklogMixin, SituationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.milestone_product = cls.env["product.product"].create(
            {
                "name": "Design phases",
                "type": "service",
                "service_policy": "delivered_milestones",
                "list_price": 1.0,
                "taxes_id": [Command.set(cls.tax_20.ids)],
            }
        )

    def test_milestones_reached_not_invoiced(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.milestone_product.id,
                            "product_uom_qty": 1,
                            "price_unit": 9000.0,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        project = self.env["project.project"].create(
            {"name": "Design", "allow_billable": True, "allow_milestones": True}
        )
        sketch, permit = self.env["project.milestone"].create(
            [
                {
                    "name": name,
                    "project_id": project.id,
                    "sale_line_id": order.order_line.id,
                    "quantity_percentage": qty,
                }
                for name, qty in (("Sketch", 0.4), ("Permit", 0.6))
            ]
        )
        self.assertFalse(self._items(order_id=order.id), "nothing reached yet")
        sketch.is_reached = True
        item = self._items(order_id=order.id)
        self.assertEqual(item.milestone_id, sketch)
        self.assertEqual(item.item_type, "milestone")
        self.assertAlmostEqual(item.amount, 3600.0)
        self.assertEqual(item.date, fields.Date.context_today(sketch))
        order.action_invoice_reached_milestones()
        self.assertFalse(self._items(order_id=order.id))
        permit.is_reached = True
        item = self._items(order_id=order.id)
        self.assertEqual(item.milestone_id, permit)
        self.assertAlmostEqual(item.amount, 5400.0)

    def test_situation_due_not_invoiced_and_alert(self):
        order = self._create_order()
        action = order.action_new_situation()
        situation = self.env["billing.situation"].browse(action["res_id"])
        with Form(situation) as form:
            form.date = fields.Date.today() - timedelta(days=45)
            form.global_percent = 30
        situation.action_apply_global_percent()
        item = self._items(situation_id=situation.id)
        self.assertEqual(item.item_type, "situation")
        self.assertEqual(item.age_days, 45)
        self.assertEqual(item.age_bucket, "31_60")
        self.assertAlmostEqual(item.amount, 30000.0)
        self._set_threshold(30)
        self._run_cron()
        activity = self._backlog_activities(order)
        self.assertEqual(len(activity), 1, "the order holds the activity of its situation")
        situation.action_create_invoice()
        self.assertFalse(self._items(situation_id=situation.id))

    def test_situation_dated_later_is_not_due(self):
        order = self._create_order()
        action = order.action_new_situation()
        situation = self.env["billing.situation"].browse(action["res_id"])
        with Form(situation) as form:
            form.date = fields.Date.today() + timedelta(days=5)
            form.global_percent = 30
        situation.action_apply_global_percent()
        self.assertFalse(self._items(situation_id=situation.id))


@tagged("post_install", "-at_install")
class TestBacklogTwoWorkers(TransactionCase):
    """Two workers run the daily alert at once: the second leaves at once and creates
    nothing (the first holds the transaction's advisory lock)."""

    def test_second_worker_skips(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            worker_a = api.Environment(cr_a, SUPERUSER_ID, {})["billing.backlog.report"]
            worker_b = api.Environment(cr_b, SUPERUSER_ID, {})["billing.backlog.report"]
            # worker A runs the alert: it holds the lock until its transaction ends
            worker_a._cron_backlog_alert()
            self.assertIsNone(worker_b._cron_backlog_alert(), "B leaves at once")
            cr_a.rollback()
            # once A is done, B runs
            self.assertIsNotNone(worker_b._cron_backlog_alert())
            cr_b.rollback()
