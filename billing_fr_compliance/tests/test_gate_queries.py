# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import BillingFrCommon

MAX_EXTRA_QUERIES = 3


@tagged("post_install", "-at_install")
class TestGateQueries(BillingFrCommon):
    def _post_counting(self, moves):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        moves._post(soft=False)
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def _drafts(self, count):
        moves = self.env["account.move"]
        for __ in range(count):
            moves |= self._invoice(products=self.goods + self.service)
        return moves

    def test_gate_costs_at_most_three_queries_per_invoice(self):
        # warm up the caches shared by both runs (sequence, rates)
        self._post_counting(self._drafts(1))
        off_moves, on_moves = self._drafts(5), self._drafts(5)
        self.company.fr_gate_mode = "off"
        off = self._post_counting(off_moves)
        self.company.fr_gate_mode = "block"
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(off + MAX_EXTRA_QUERIES * len(on_moves)):
            on_moves._post(soft=False)
            self.env.flush_all()
        self.assertEqual(set(on_moves.mapped("state")), {"posted"})
        self.assertEqual(set(on_moves.mapped("fr_compliance_status")), {"compliant"})
