# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_situation import SituationCommon


@tagged("post_install", "-at_install")
class TestMilestonesTimesheets(SituationCommon):
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
        cls.manual_product = cls.env["product.product"].create(
            {
                "name": "Site visit",
                "type": "service",
                "service_policy": "delivered_manual",
                "list_price": 1.0,
            }
        )
        hour = cls.env.ref("uom.product_uom_hour")
        cls.hour_product = cls.env["product.product"].create(
            {
                "name": "Engineering hour",
                "type": "service",
                "service_policy": "delivered_timesheet",
                "uom_id": hour.id,
                "uom_po_id": hour.id,
                "list_price": 100.0,
                "taxes_id": [Command.set(cls.tax_20.ids)],
            }
        )
        cls.employee = cls.env["hr.employee"].create(
            {"name": "Camille Ingénieur", "company_id": cls.env.company.id}
        )

    def _order(self, product, qty, price):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {"product_id": product.id, "product_uom_qty": qty, "price_unit": price}
                    )
                ],
            }
        )
        order.action_confirm()
        return order

    def test_invoice_reached_milestones(self):
        order = self._order(self.milestone_product, 1, 9000.0)
        order.write(
            {
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.manual_product.id,
                            "product_uom_qty": 1,
                            "price_unit": 500.0,
                        }
                    )
                ]
            }
        )
        milestone_line, manual_line = order.order_line
        manual_line.qty_delivered = 1
        project = self.env["project.project"].create(
            {
                "name": "Design",
                "partner_id": self.customer.id,
                "allow_billable": True,
                "allow_milestones": True,
            }
        )
        sketch, permit = self.env["project.milestone"].create(
            [
                {
                    "name": name,
                    "project_id": project.id,
                    "sale_line_id": milestone_line.id,
                    "quantity_percentage": qty,
                }
                for name, qty in (("Sketch", 0.4), ("Permit", 0.6))
            ]
        )
        self.assertTrue(order.is_product_milestone)
        with self.assertRaisesRegex(UserError, "no reached milestone"):
            order.action_invoice_reached_milestones()
        with self.assertRaisesRegex(UserError, "no reached milestone"):
            project.action_invoice_reached_milestones()
        sketch.is_reached = True
        self.assertAlmostEqual(milestone_line.qty_to_invoice, 0.4)
        project.action_invoice_reached_milestones()
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.invoice_line_ids.sale_line_ids, milestone_line)
        self.assertEqual(invoice.amount_untaxed, 3600.0)
        self.assertEqual(manual_line.qty_invoiced, 0.0, "the manual line waits")
        with self.assertRaisesRegex(UserError, "no reached milestone"):
            order.action_invoice_reached_milestones()
        permit.is_reached = True
        order.action_invoice_reached_milestones()
        self.assertEqual(milestone_line.qty_invoiced, 1.0)

    def _timesheet(self, project, hours, day):
        return self.env["account.analytic.line"].create(
            {
                "name": "Study",
                "project_id": project.id,
                "employee_id": self.employee.id,
                "unit_amount": hours,
                "date": day,
            }
        )

    def _invoice_period(self, order, start, end):
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create(
                {
                    "advance_payment_method": "delivered",
                    "date_start_invoice_timesheet": start,
                    "date_end_invoice_timesheet": end,
                }
            )
        )
        wizard.create_invoices()
        invoice = order.invoice_ids.filtered(lambda move: move.state == "draft")
        invoice.action_post()
        return invoice

    def _credit(self, invoice, quantity=None):
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id})
        )
        action = reversal.refund_moves()
        refund = self.env["account.move"].browse(action["res_id"])
        if quantity is not None:
            refund.invoice_line_ids.quantity = quantity
        refund.action_post()
        return refund

    def test_timesheets_by_period_never_billed_twice(self):
        order = self._order(self.hour_product, 100, 100.0)
        line = order.order_line
        project = self.env["project.project"].create(
            {
                "name": "Study",
                "partner_id": self.customer.id,
                "allow_billable": True,
                "allow_timesheets": True,
                "sale_line_id": line.id,
            }
        )
        january = self._timesheet(project, 3, "2026-01-10")
        february = self._timesheet(project, 2, "2026-02-10")
        self.assertEqual(january.so_line, line)
        first = self._invoice_period(order, "2026-01-01", "2026-01-31")
        self.assertEqual(first.invoice_line_ids.quantity, 3)
        self.assertEqual(january.timesheet_invoice_id, first)
        self.assertFalse(february.timesheet_invoice_id)
        with self.assertRaises(UserError):
            self._invoice_period(order, "2026-01-01", "2026-01-31")
        second = self._invoice_period(order, "2026-01-01", "2026-02-28")
        self.assertEqual(second.invoice_line_ids.quantity, 2, "January is not billed again")
        # a full credit note gives January back once
        self._credit(first)
        again = self._invoice_period(order, "2026-01-01", "2026-01-31")
        self.assertEqual(again.invoice_line_ids.quantity, 3)
        with self.assertRaises(UserError):
            self._invoice_period(order, "2026-01-01", "2026-02-28")
        self.assertEqual(line.qty_invoiced, 5)
        # a partial credit note (a gesture on one hour) does not release every hour
        self._credit(again, quantity=1)
        with self.assertRaises(UserError):
            self._invoice_period(order, "2026-01-01", "2026-02-28")
        self.assertEqual(january.timesheet_invoice_id, again)
