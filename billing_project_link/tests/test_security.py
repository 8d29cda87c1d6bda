# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Access: the role matrix of the README, company isolation of every model (the delivery
invoicing wizard included)."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common_situation import SituationCommon
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
    "billing.situation": ("-", "rwcd", "rwcd", "-", "-"),
    "billing.situation.line": ("-", "rwcd", "rwcd", "-", "-"),
    "billing.affaire.report": ("-", "r", "r", "-", "-"),
    "billing.backlog.report": ("-", "r", "r", "-", "-"),
    "stock.picking.invoice": ("-", "rwcd", "rwcd", "-", "-"),
    "billing.lead.time.report": ("-", "r", "r", "-", "-"),
}
# models without a company: none here
SHARED = set()
# relations without a company check, and why: the wizard has no company (a user of several
# companies invoices their deliveries at once; each invoice takes its delivery's company)
NO_COMPANY_CHECK = ["stock.picking.invoice.picking_ids"]


@tagged("post_install", "-at_install")
class TestProjectLinkSecurity(SituationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_b = cls.setup_other_company(name="Project Security B")["company"]
        cls.user_a = new_test_user(
            cls.env,
            login="sec_project_user_a",
            groups="account.group_account_invoice,stock.group_stock_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.manager_b = new_test_user(
            cls.env,
            login="sec_project_manager_b",
            groups="account.group_account_manager,sales_team.group_sale_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.picking = cls.env["stock.picking"].create(
            {"picking_type_id": warehouse.out_type_id.id, "partner_id": cls.customer.id}
        )

    def _picking_wizard(self, user):
        return (
            self.env["stock.picking.invoice"]
            .with_user(user)
            .create({"picking_ids": [Command.set(self.picking.ids)]})
        )

    def test_role_matrix_is_the_readme(self):
        self.assertEqual(actual_matrix(self, "billing_project_link", self.company), MATRIX)

    def test_every_model_has_a_record_rule(self):
        self.assertEqual(models_without_rule(self.env, "billing_project_link", SHARED), [])

    def test_relations_to_company_records_are_checked(self):
        self.assertEqual(unchecked_relations(self.env, "billing_project_link"), NO_COMPANY_CHECK)

    def test_company_b_sees_nothing_of_company_a(self):
        # a posted situation invoice: a row of the billing lead time
        self._situation(self._create_order(), [10, 10]).invoice_id.action_post()
        # a situation due and not invoiced: an item of the unbilled backlog of company A
        self._create_order().action_new_situation()
        self._picking_wizard(self.user_a)
        for model in MATRIX:
            assert_isolated(self, self.manager_b, self.env[model].sudo().search([]))

    def test_picking_wizard_is_its_user_s_own(self):
        other_a = new_test_user(
            self.env,
            login="sec_project_other_a",
            groups="account.group_account_manager,stock.group_stock_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        wizard = self._picking_wizard(self.user_a)
        assert_isolated(self, other_a, wizard.sudo())
        with self.assertRaises(AccessError):
            wizard.with_user(other_a).action_create_invoices()
