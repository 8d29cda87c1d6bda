# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo.tests import TransactionCase, tagged

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install", "billing_demo")
class TestReceivableDemo(TransactionCase):
    """The demo's year of paid history makes the schedule, the forecast and the backtest
    alive: our expected dates are measured against the due dates on it."""

    def setUp(self):
        super().setUp()
        if not self.env.ref("base.module_billing_dunning").demo:
            self.skipTest("installed without demo data")
        self.company = self.env["billing.dunning.policy"]._demo_company()
        self.env = self.env(context=dict(self.env.context, allowed_company_ids=self.company.ids))

    def _lines(self, partner):
        return self.env["billing.dunning.receivable"].search(
            [("partner_id", "=", partner.id), ("amount_residual", ">", 0)]
        )

    def test_backtest_beats_the_due_date(self):
        row = self.env["billing.dunning.backtest"].search([("company_id", "=", self.company.id)])
        _logger.info(
            "demo backtest over %s paid invoices: expected date %.1f days, due date %.1f "
            "days (error reduced by %.0f %%)",
            row.invoice_count,
            row.expected_error,
            row.due_error,
            row.improvement,
        )
        self.assertGreaterEqual(row.invoice_count, 40)
        self.assertLessEqual(row.expected_error, 0.7 * row.due_error)

    def test_habits_of_the_demo_customers(self):
        Partner = self.env["res.partner"]
        martin = Partner.search([("name", "=", "Boulangerie Martin")])
        roux = Partner.search([("name", "=", "Atelier Roux")])
        dubois = self.env.ref("billing_dunning.demo_partner_dubois")
        lefebvre = self.env.ref("billing_dunning.demo_partner_lefebvre")
        delays = {}
        for partner in (martin, dubois, roux):
            line = self._lines(partner).sorted("date_maturity")[-1:]
            self.assertEqual(line.expected_rule, "habit", partner.name)
            self.assertEqual(line.habit_count, 12, partner.name)
            delays[partner.name] = line.habit_delay
        self.assertEqual(delays, {martin.name: 0.0, dubois.name: 20.5, roux.name: 23.0})
        # a customer without history: the company's habit, over the invoices of the year
        line = self._lines(lefebvre).sorted("date_maturity")[-1:]
        self.assertEqual(line.expected_rule, "company_habit")
        self.assertGreaterEqual(line.habit_count, 40)
        self.assertIn("New customer", line.expected_explanation)
        # the forecast has expected amounts in the coming weeks
        groups = self.env["billing.dunning.receivable"].read_group(
            [("forecast_state", "=", "expected")], ["amount_residual:sum"], ["forecast_period:week"]
        )
        self.assertGreaterEqual(len(groups), 3)
