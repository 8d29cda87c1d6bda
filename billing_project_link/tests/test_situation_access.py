# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import psycopg2

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_situation import SituationCommon


@tagged("post_install", "-at_install")
class TestSituationAccess(SituationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = cls.env["res.users"].create(
            {
                "name": "Salesman",
                "login": "situation_salesman",
                "company_id": cls.env.company.id,
                "company_ids": [Command.set(cls.env.company.ids)],
                "groups_id": [Command.set(cls.env.ref("sales_team.group_sale_salesman").ids)],
            }
        )

    def test_salesman_bills_a_situation_but_does_not_release_retention(self):
        order = self._create_order(user_id=self.salesman.id)
        order = order.with_user(self.salesman)
        situation = self._situation(order, [20, 20])
        self.assertEqual(situation.invoice_id.amount_untaxed, 20000.0)
        self.assertEqual(situation.retention_amount, 1200.0)
        situation.invoice_id.sudo().action_post()
        order.sudo().billing_acceptance_date = "2000-01-01"
        with self.assertRaises(AccessError):
            order.action_release_retention()

    def test_other_company_situations_are_invisible(self):
        order = self._create_order()
        self._situation(order, [10, 10])
        other_company = self.setup_other_company()["company"]
        user = self.env["res.users"].create(
            {
                "name": "Other company billing user",
                "login": "situation_other_company",
                "company_id": other_company.id,
                "company_ids": [Command.set(other_company.ids)],
                "groups_id": [
                    Command.set(
                        (
                            self.env.ref("account.group_account_invoice")
                            + self.env.ref("sales_team.group_sale_salesman")
                        ).ids
                    )
                ],
            }
        )
        situations = self.env["billing.situation"].with_user(user)
        self.assertFalse(situations.search([("order_id", "=", order.id)]))
        self.assertFalse(
            self.env["billing.affaire.report"].with_user(user).search([("order_id", "=", order.id)])
        )
        self.assertTrue(self.env["billing.situation"].search([("order_id", "=", order.id)]))

    def test_two_live_situations_never_share_a_number(self):
        order = self._create_order()
        situation = self.env["billing.situation"].browse(order.action_new_situation()["res_id"])
        self.assertEqual(situation.number, 1)
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.ExclusionViolation):
            self.env["billing.situation"].create({"order_id": order.id, "number": 1})
            self.env.flush_all()

    def test_invoice_line_of_another_company_cannot_bill_a_situation_line(self):
        order = self._create_order()
        situation = self._situation(order, [10, 10])
        other_company = self.setup_other_company()["company"]
        invoice = self.init_invoice(
            "out_invoice", amounts=[100.0], company=other_company, taxes=self.env["account.tax"]
        )
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            invoice.invoice_line_ids.billing_situation_line_id = situation.line_ids[0]
