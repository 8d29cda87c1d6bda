# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestDunningRates(TransactionCase):
    def test_rates_loaded_as_data(self):
        rates = dict(self.env["billing.dunning.rate"]._get_rates())
        self.assertEqual(rates[date(2024, 1, 1)], 4.5)
        self.assertEqual(rates[date(2025, 7, 1)], 2.15)
        self.assertEqual(len([d for d in rates if d.year in (2022, 2023, 2024, 2025)]), 8)
        legal = dict(self.env["billing.dunning.rate"]._get_rates("legal"))
        self.assertEqual(legal[date(2025, 1, 1)], 3.71)
        self.assertEqual(legal[date(2026, 1, 1)], 2.62)
        # one rate per kind and date: the ECB and legal rates of 1 January 2025 coexist
        self.assertEqual(rates[date(2025, 1, 1)], 3.15)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["billing.dunning.rate"].create(
                {"rate_type": "legal", "date_from": date(2025, 1, 1), "rate": 1.0}
            )

    def test_rate_bounds(self):
        with self.assertRaisesRegex(ValidationError, "between -10 and 100"):
            self.env["billing.dunning.rate"].create({"date_from": date(2030, 1, 1), "rate": 250})

    def test_rates_are_not_summed(self):
        """Grouped by kind, the list of rates shows no total (no 22.70 % of nothing)."""
        Rate = self.env["billing.dunning.rate"]
        self.assertFalse(Rate.fields_get(["rate"], ["aggregator"])["rate"].get("aggregator"))
        groups = Rate.web_read_group([], ["rate_type"], ["rate_type"])["groups"]
        self.assertTrue(groups)
        self.assertTrue(all("rate" not in group for group in groups))

    def test_one_rate_menu(self):
        """billing_fr_compliance, when installed, keeps the same official rates: they are
        read there and this addon's menu is hidden; alone, this addon shows its own."""
        menu = self.env.ref("billing_dunning.billing_dunning_rate_menu")
        manager = new_test_user(self.env, login="dun_rates", groups="account.group_account_manager")
        shown = menu.id in self.env["ir.ui.menu"].with_user(manager).load_menus(debug=False)
        if "billing.fr.rate" in self.env:
            self.assertFalse(shown)
            fr_rate = self.env["billing.fr.rate"].create(
                {"rate_type": "ecb_refi", "date_start": date(2030, 1, 1), "rate": 7.5}
            )
            self.assertIn((fr_rate.date_start, 7.5), self.env["billing.dunning.rate"]._get_rates())
        else:
            self.assertTrue(shown)
