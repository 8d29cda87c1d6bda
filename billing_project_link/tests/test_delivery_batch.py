# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .delivery_common import DeliveryInvoicingCase


@tagged("post_install", "-at_install")
class TestDeliveryBatch(DeliveryInvoicingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["res.partner"].create(
            {"name": "Logistique Bernard SA", "is_company": True}
        )

    def _batch(self, pickings, grouping):
        form = Form(
            self.env["stock.picking.invoice"].with_context(
                active_model="stock.picking", active_ids=pickings.ids
            )
        )
        form.grouping = grouping
        wizard = form.save()
        action = wizard.action_create_invoices()
        if action.get("res_id"):
            return self.env["account.move"].browse(action["res_id"])
        return self.env["account.move"].search(action["domain"])

    def _deliveries(self):
        """Customer: two orders, each delivered in March and in April; other: one in March."""
        pickings = self.env["stock.picking"]
        orders = self._order([(self.good, 10)]) | self._order([(self.good, 20)])
        with freeze_time("2026-03-10 10:00:00"):
            for order in orders:
                pickings |= self._deliver(order, {self.good: 4})
        with freeze_time("2026-04-10 10:00:00"):
            for order in orders:
                pickings |= self._deliver(order)
        other_order = self._order([(self.good, 3)], partner=self.other)
        with freeze_time("2026-03-20 10:00:00"):
            pickings |= self._deliver(other_order)
        return pickings

    def test_grouping_keys(self):
        # small chunks, so that a batch spans several of them
        self.patch(self.registry["stock.picking"], "_delivery_invoice_chunk_size", 2)
        pickings = self._deliveries()
        # invoice count per grouping; cancelling frees the deliveries for the next grouping
        expected = {"picking": 5, "partner": 2, "order": 3, "period": 3}
        for grouping, count in expected.items():
            with self.subTest(grouping=grouping):
                self.assertEqual(set(pickings.mapped("delivery_invoice_status")), {"to_invoice"})
                invoices = self._batch(pickings, grouping)
                self.assertEqual(len(invoices), count)
                self.assertEqual(invoices.delivery_picking_ids, pickings)
                self.assertEqual(set(pickings.mapped("delivery_invoice_status")), {"invoiced"})
                self.assertEqual(sum(self._qty(inv, self.good) for inv in invoices), 33)
                for invoice in invoices:
                    self.assertEqual(
                        invoice.delivery_picking_ids.sale_id.partner_invoice_id, invoice.partner_id
                    )
                invoices.button_cancel()
        # per customer and period: March and April apart for the customer, each invoice dated
        # by its last delivery
        invoices = self._batch(pickings, "period")
        march = invoices.filtered(
            lambda inv: inv.partner_id == self.customer and inv.delivery_date.month == 3
        )
        self.assertEqual(len(march.delivery_picking_ids), 2)
        self.assertEqual(self._qty(march, self.good), 8)
        sections = march.invoice_line_ids.filtered(lambda line: line.display_type == "line_section")
        self.assertEqual(len(sections), 2)

    def test_batch_twice_and_order_wizard(self):
        pickings = self._deliveries()
        invoices = self._batch(pickings[:2], "partner")
        self.assertEqual(len(invoices), 1)
        # the same deliveries again: nothing to do, never twice
        with self.assertRaises(UserError):
            self._batch(pickings[:2], "partner")
        # the batch over everything only takes what is left
        rest = self._batch(pickings, "picking")
        self.assertEqual(len(rest), 3)
        # the orders' standard wizard has nothing left to bill
        orders = pickings.sale_id
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=orders.ids)
            .create({"advance_payment_method": "delivered"})
        )
        with self.assertRaises(UserError):
            wizard.create_invoices()
        self.assertEqual(sum(orders.order_line.mapped("qty_invoiced")), 33)

    def test_monthly_run(self):
        self.customer.delivery_invoice_frequency = "monthly"
        pickings = self._deliveries()
        with freeze_time("2026-04-20 10:00:00"):
            late = self._deliver(self._order([(self.good, 2)]))
        cron = self.env.ref("billing_project_link.stock_picking_cron_invoice_monthly")
        with freeze_time("2026-04-01 01:00:00"):
            cron.method_direct_trigger()
        march = pickings.filtered(
            lambda p: p.sale_id.partner_id == self.customer and p.date_done.month == 3
        )
        self.assertEqual(set(march.mapped("delivery_invoice_status")), {"invoiced"})
        self.assertEqual(len(march.delivery_invoice_id), 1)
        # other customer is invoiced manually; April deliveries wait for the next run
        self.assertEqual(set((pickings - march).mapped("delivery_invoice_status")), {"to_invoice"})
        self.assertEqual(late.delivery_invoice_status, "to_invoice")
        with freeze_time("2026-05-01 01:00:00"):
            cron.method_direct_trigger()
            cron.method_direct_trigger()  # a rerun creates nothing more
        april = (pickings - march).filtered(lambda p: p.sale_id.partner_id == self.customer) | late
        self.assertEqual(set(april.mapped("delivery_invoice_status")), {"invoiced"})
        self.assertEqual(len(april.delivery_invoice_id), 1)
        self.assertEqual(self._qty(april.delivery_invoice_id, self.good), 24)
        other = pickings.filtered(lambda p: p.sale_id.partner_id == self.other)
        self.assertEqual(other.delivery_invoice_status, "to_invoice")

    def test_monthly_run_in_queue_jobs(self):
        if "queue.job" not in self.env:
            # tests/run installs queue_job when it is on the addons path (requirements-oca.txt)
            self.skipTest("OCA queue_job is not installed")
        self.env["ir.config_parameter"].sudo().set_param("billing_project_link.use_queue_job", "1")
        pickings = self._deliveries()
        for partner in (self.customer, self.other):
            partner.delivery_invoice_frequency = "monthly"
        cron = self.env.ref("billing_project_link.stock_picking_cron_invoice_monthly")
        cron.code = "model._cron_invoice_monthly_deliveries(chunk_size=1)"  # a job per customer
        Job = self.env["queue.job"].sudo()
        domain = [
            ("model_name", "=", "stock.picking"),
            ("method_name", "=", "_delivery_invoice_job"),
        ]
        with freeze_time("2026-04-01 01:00:00"):
            cron.method_direct_trigger()
            jobs = Job.search(domain)
            # the cron invoiced nothing itself: one pending job per customer
            self.assertEqual(len(jobs), 2)
            self.assertEqual(set(jobs.mapped("state")), {"pending"})
            self.assertEqual(set(pickings.mapped("delivery_invoice_status")), {"to_invoice"})
            cron.method_direct_trigger()  # before the jobs ran: nothing enqueued twice
            self.assertEqual(Job.search(domain), jobs)
            self._perform_jobs(jobs)
            march = pickings.filtered(lambda p: p.date_done.month == 3)
            self.assertEqual(set(march.mapped("delivery_invoice_status")), {"invoiced"})
            self.assertEqual(len(march.delivery_invoice_id), 2)  # one per customer
            self.assertEqual(set(jobs.mapped("state")), {"done"})
            # a retried job and a late cron invoice nothing twice
            invoice_count = self.env["account.move"].search_count([])
            self._perform_jobs(jobs)
            cron.method_direct_trigger()
            self.assertEqual(Job.search(domain), jobs)
            self.assertEqual(self.env["account.move"].search_count([]), invoice_count)
        self.assertEqual(set((pickings - march).mapped("delivery_invoice_status")), {"to_invoice"})

    def _perform_jobs(self, jobs):
        from odoo.addons.queue_job.job import Job

        for record in jobs:
            job = Job.load(self.env, record.uuid)
            job.set_started()
            job.perform()
            job.set_done()
            job.store()
