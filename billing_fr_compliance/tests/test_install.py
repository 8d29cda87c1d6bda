# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plain_user = new_test_user(cls.env, login="fr_plain", groups="base.group_user")
        cls.billing_user = new_test_user(
            cls.env, login="fr_billing", groups="account.group_account_invoice"
        )

    def test_installed_with_dependencies(self):
        modules = self.env["ir.module.module"].search(
            [("name", "in", ["billing_fr_compliance", "account", "l10n_fr_account"])]
        )
        self.assertEqual(set(modules.mapped("state")), {"installed"})

    def test_rates_loaded_and_looked_up_by_date(self):
        rate_model = self.env["billing.fr.rate"]
        self.assertEqual(rate_model._get_rate("ecb_refi", date(2024, 3, 1)), 4.5)
        self.assertEqual(rate_model._get_rate("ecb_refi", date(2024, 7, 1)), 4.25)
        self.assertEqual(rate_model._get_rate("legal_pro", date(2025, 12, 31)), 2.76)
        self.assertEqual(rate_model._get_rate("legal_pro", date(2026, 3, 1)), 2.62)
        self.assertEqual(rate_model._get_rate("legal_private", date(2026, 3, 1)), 6.67)
        self.assertEqual(rate_model._get_rate("ecb_refi", date(1990, 1, 1)), 0.0)

    def test_rates_are_not_summed(self):
        """Grouped by kind, the official rates show no total (a sum of rates means nothing)."""
        rate_model = self.env["billing.fr.rate"]
        self.assertFalse(rate_model.fields_get(["rate"], ["aggregator"])["rate"].get("aggregator"))
        groups = rate_model.web_read_group([], ["rate_type", "rate"], ["rate_type"])["groups"]
        self.assertTrue(groups)
        self.assertTrue(all("rate" not in group for group in groups))

    def test_security_files_loaded(self):
        rate = self.env.ref("billing_fr_compliance.rate_ecb_refi_2024_01_01")
        with self.assertRaises(AccessError):
            rate.with_user(self.plain_user).read(["rate"])
        # a billing user reads the rates but cannot change them
        self.assertEqual(rate.with_user(self.billing_user).rate, 4.5)
        with self.assertRaises(AccessError):
            rate.with_user(self.billing_user).write({"rate": 1.0})
