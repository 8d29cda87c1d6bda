# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Dunning Company B"})
        cls.plain_user = new_test_user(cls.env, login="dun_plain", groups="base.group_user")
        cls.billing_user = new_test_user(
            cls.env, login="dun_billing", groups="account.group_account_invoice"
        )
        cls.policy_a = cls.env["billing.dunning.policy"].create(
            {"name": "Policy A", "level_ids": [(0, 0, {"name": "L1", "delay_days": 5})]}
        )
        cls.policy_b = cls.env["billing.dunning.policy"].create(
            {"name": "Policy B", "company_id": cls.company_b.id}
        )

    def test_security_files_loaded(self):
        with self.assertRaises(AccessError):
            self.policy_a.with_user(self.plain_user).read(["name"])
        self.assertEqual(self.policy_a.with_user(self.billing_user).name, "Policy A")
        with self.assertRaises(AccessError):
            self.policy_a.with_user(self.billing_user).write({"name": "Changed"})

    def test_multi_company_rule(self):
        policies = (
            self.env["billing.dunning.policy"]
            .with_user(self.billing_user)
            .search([("id", "in", (self.policy_a | self.policy_b).ids)])
        )
        self.assertEqual(policies, self.policy_a)
        level = self.policy_a.level_ids
        self.assertEqual(level.company_id, self.env.company)
