# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDunningRates(TransactionCase):
    def test_rates_loaded_as_data(self):
        rates = dict(self.env["billing.dunning.rate"]._get_rates())
        self.assertEqual(rates[date(2024, 1, 1)], 4.5)
        self.assertEqual(rates[date(2025, 7, 1)], 2.15)
        self.assertEqual(len([d for d in rates if d.year in (2022, 2023, 2024, 2025)]), 8)

    def test_rate_bounds(self):
        with self.assertRaisesRegex(ValidationError, "between -10 and 100"):
            self.env["billing.dunning.rate"].create({"date_from": date(2030, 1, 1), "rate": 250})
