# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Billing lead time (issue 22): days from the situation's date (or delivery done, milestone
reached) to the invoice, per operator, median and 90th percentile."""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from .common_situation import SituationCommon


@tagged("post_install", "-at_install")
class TestBillingLeadTime(SituationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = new_test_user(
            cls.env,
            login="lead_time_clerk",
            groups="account.group_account_invoice,sales_team.group_sale_salesman",
            company_id=cls.env.company.id,
            company_ids=[Command.set(cls.env.company.ids)],
        )

    def test_lead_time_per_operator_median_and_p90(self):
        today = fields.Date.context_today(self.env.user)
        order = self._create_order()
        leads = [4, 10, 30]
        for index, days in enumerate(leads):
            situation = self._situation(
                order, [10 * (index + 1), 10 * (index + 1)], date=today - timedelta(days=days)
            )
            invoice = situation.invoice_id
            invoice.invoice_date = today
            invoice.with_user(self.clerk).action_post()
            self.assertEqual(invoice.billing_posted_uid, self.clerk)
        Report = self.env["billing.lead.time.report"]
        rows = Report.search([("user_id", "=", self.clerk.id)])
        self.assertEqual(sorted(rows.mapped("lead_days")), leads)
        self.assertEqual(set(rows.mapped("source")), {"situation"})
        [(count, median, p90)] = Report._read_group(
            [("user_id", "=", self.clerk.id)],
            [],
            ["invoice_count:sum", "lead_days_median:avg", "lead_days_p90:max"],
        )
        self.assertEqual(count, 3)
        self.assertAlmostEqual(median, 10.0)
        # percentile_cont(0.9) of 4, 10, 30: 10 + 0.8 * 20
        self.assertAlmostEqual(p90, 26.0)
        # another company's user sees none of them
        other = self.setup_other_company(name="Délais B")["company"]
        self.assertFalse(Report.with_context(allowed_company_ids=other.ids).search([]))
