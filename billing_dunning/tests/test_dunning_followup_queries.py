# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DUE, DunningCommon

LIST_SPEC = {
    "partner_id": {"fields": {"display_name": {}}},
    "overdue_amount": {},
    "overdue_count": {},
    "level_id": {"fields": {"display_name": {}}},
    "next_action": {},
    "next_date": {},
    "policy_id": {"fields": {"display_name": {}}},
    "excluded": {},
    "paused_until": {},
    "disputed": {},
    "promise_date": {},
    "currency_id": {"fields": {}},
    "company_id": {"fields": {"display_name": {}}},
}


@tagged("post_install", "-at_install")
class TestFollowupListQueries(DunningCommon):
    """Issue 28: the Payment Follow-up list computed each customer's state row by row (the
    same invoice search twice per row): 737 queries for 80 rows of a real history."""

    def _customers(self, count, start):
        Partner = self.env["res.partner"]
        partners = Partner.create(
            [{"name": f"Client {start + index:03d}", "is_company": True} for index in range(count)]
        )
        for index, partner in enumerate(partners):
            # overdue at different levels of the policy
            self._invoice(partner, DUE - timedelta(days=index * 7), 100.0 + index)
        return partners

    def _list_queries(self, model, partners):
        self.env.flush_all()
        self.env.invalidate_all()
        cr = self.env.cr
        before = cr.sql_log_count
        result = (
            self.env[model]
            .with_context(date=DUE + timedelta(days=20))
            .web_search_read(
                [("has_overdue", "=", True), ("partner_id", "in", partners.ids)],
                {k: v for k, v in LIST_SPEC.items() if k in self.env[model]._fields},
            )
        )
        return cr.sql_log_count - before, result

    def test_list_queries_do_not_grow_with_the_rows(self):
        with freeze_time(DUE + timedelta(days=20)):
            partners = self._customers(5, 0)
            self._list_queries("billing.dunning.customer", partners)  # caches warmed up
            five, result = self._list_queries("billing.dunning.customer", partners)
            self.assertEqual(result["length"], 5)
            partners |= self._customers(15, 5)
            twenty, result = self._list_queries("billing.dunning.customer", partners)
            self.assertEqual(result["length"], 20)
            self.assertTrue(all(row["next_action"] for row in result["records"]))
            self.assertEqual(twenty, five, "the same queries for 5 and 20 customers")
            self.assertFalse(
                self.env["billing.dunning.followup"].search([("partner_id", "in", partners.ids)]),
                "reading the list creates no follow-up",
            )

    def test_followup_records_computed_at_once(self):
        Followup = self.env["billing.dunning.followup"]
        with freeze_time(DUE + timedelta(days=20)):
            partners = self._customers(5, 0)
            Followup.create([{"partner_id": p.id, "company_id": self.company.id} for p in partners])
            self._list_queries("billing.dunning.followup", partners)  # caches warmed up
            five, __ = self._list_queries("billing.dunning.followup", partners)
            more = self._customers(15, 5)
            Followup.create([{"partner_id": p.id, "company_id": self.company.id} for p in more])
            twenty, result = self._list_queries("billing.dunning.followup", partners | more)
            self.assertEqual(result["length"], 20)
            self.assertEqual(twenty, five, "the same queries for 5 and 20 follow-ups")


@tagged("post_install", "-at_install")
class TestFollowupListOverdueFilter(DunningCommon):
    """Issue 28: the list's "Overdue" filter reads the oldest due date still owed that the
    SQL view carries for each row; it keeps the rows that the invoices say are overdue."""

    def test_overdue_filter_follows_the_invoices(self):
        Partner = self.env["res.partner"]
        Customer = self.env["billing.dunning.customer"]
        Followup = self.env["billing.dunning.followup"]
        today = DUE + timedelta(days=20)
        overdue, partly_paid, not_due, paid, only_followup = Partner.create(
            [
                {"name": f"Client {name}", "is_company": True}
                for name in ("overdue", "partly paid", "not due", "paid", "followup only")
            ]
        )
        self._invoice(overdue, DUE, 100.0)
        self._invoice(overdue, DUE + timedelta(days=30), 50.0)  # open, not due yet
        self._pay(self._invoice(partly_paid, DUE - timedelta(days=5), 300.0), 100.0, DUE)
        self._invoice(not_due, DUE + timedelta(days=30), 200.0)
        self._pay(self._invoice(paid, DUE, 400.0), 400.0, DUE)
        Followup.create({"partner_id": only_followup.id, "company_id": self.company.id})
        partners = overdue | partly_paid | not_due | paid | only_followup
        with freeze_time(today):
            Customer = Customer.with_context(date=today)
            rows = Customer.search([("partner_id", "in", partners.ids)])
            self.assertEqual(
                rows.partner_id,
                overdue | partly_paid | not_due | only_followup,
                "a row per customer with open invoices or a follow-up",
            )
            self.assertEqual(
                {row.partner_id: row.oldest_due_date for row in rows},
                {
                    overdue: DUE,
                    partly_paid: DUE - timedelta(days=5),
                    not_due: DUE + timedelta(days=30),
                    only_followup: False,
                },
            )
            positive = Customer.search(
                [("has_overdue", "=", True), ("partner_id", "in", partners.ids)]
            )
            self.assertEqual(positive.partner_id, overdue | partly_paid)
            # the same customers as the invoices' own search
            expected = {
                partner
                for __, partner in Followup._overdue_partner_ids(self.company)
                if partner in partners
            }
            self.assertEqual(set(positive.partner_id), expected)
            for domain in (
                [("has_overdue", "=", False)],
                [("has_overdue", "!=", True)],
            ):
                negative = Customer.search([*domain, ("partner_id", "in", partners.ids)])
                self.assertEqual(negative.partner_id, not_due | only_followup, domain)
            # the filter and the computed value agree on every row
            for row in rows:
                self.assertEqual(row.has_overdue, row in positive, row.partner_id.name)
            self.assertEqual(
                positive.filtered(lambda row: row.partner_id == partly_paid).overdue_amount,
                200.0,
            )

    def test_open_invoice_index(self):
        """The partial index of the customers' open invoices exists (created by the addon,
        dropped by its uninstall hook)."""
        from odoo.tools.sql import index_exists

        from ..models.account_move import OPEN_INVOICE_INDEX

        self.assertTrue(index_exists(self.env.cr, OPEN_INVOICE_INDEX))
