# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import Form, tagged

from .common_situation import SituationCommon


@tagged("post_install", "-at_install")
class TestSituationAffaires(SituationCommon):
    def test_affaire_figures_per_order(self):
        order = self._create_order()
        first = self._situation(order, [50, 25])
        first.invoice_id.action_post()  # 40 000 untaxed, 48 000 incl. VAT, 2 400 held
        register = Form.from_action(self.env, first.invoice_id.action_register_payment()).save()
        register.action_create_payments()
        second = self._situation(order, [75, 25])  # draft invoice: neither achieved nor invoiced
        other = self._create_order(amounts=(1000.0,))
        report = self.env["billing.affaire.report"]
        # no flush: the report declares what it reads (read in SQL, not from the cache)
        [(achieved,)] = report._read_group(
            [("order_id", "=", order.id)], aggregates=["amount_achieved:sum"]
        )
        self.assertEqual(achieved, 40000.0)
        second.invoice_id.action_post()
        row = report.search([("order_id", "=", order.id)])
        self.assertRecordValues(
            row,
            [
                {
                    "partner_id": self.customer.id,
                    "user_id": order.user_id.id,
                    "amount_contracted": 100000.0,
                    "amount_achieved": 55000.0,
                    "amount_invoiced": 55000.0,
                    "amount_paid": 45600.0,
                    "amount_retained": 3300.0,
                    "amount_to_invoice": 45000.0,
                }
            ],
        )
        self.assertEqual(report.search([("order_id", "=", other.id)]).amount_to_invoice, 1000.0)
        # the project of the order: a situation started from it, and a row per project
        project = self.env["project.project"].create(
            {
                "name": "Tilleuls",
                "partner_id": self.customer.id,
                "sale_line_id": other.order_line.id,
            }
        )
        action = project.action_new_situation()
        self.assertEqual(self.env["billing.situation"].browse(action["res_id"]).order_id, other)
        self.assertEqual(report.search([("project_id", "=", project.id)]).order_id, other)
        groups = report.read_group(
            [("order_id", "in", (order + other).ids)],
            ["amount_to_invoice:sum"],
            ["partner_id"],
        )
        self.assertEqual(groups[0]["amount_to_invoice"], 46000.0)
        by_user = report.search([("user_id", "=", order.user_id.id), ("id", "=", order.id)])
        self.assertEqual(by_user, row)

    def test_report_sees_a_new_situation_without_flush(self):
        order = self._create_order()
        report = self.env["billing.affaire.report"]
        self.assertFalse(
            report.search_count([("order_id", "=", order.id), ("amount_achieved", ">", 0)])
        )
        situation = self._situation(order, [10, 0])
        situation.invoice_id.action_post()
        # what this transaction just wrote, read by the report in the same transaction
        row = report.search([("order_id", "=", order.id), ("amount_achieved", ">", 0)])
        self.assertEqual(row.amount_achieved, 6000.0)
        self.assertEqual(row.amount_invoiced, 6000.0)
