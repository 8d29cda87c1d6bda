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
