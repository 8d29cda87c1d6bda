# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDunningTwoWorkers(TransactionCase):
    """Two workers claim the same invoice at the same level: only one gets it.

    The rows must be committed for a second connection to see them, so this test commits a
    small fixture through its own cursor and removes it at the end; the test transaction
    itself writes nothing."""

    def _fixture(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            journal = env["account.journal"].create(
                {"name": "Two workers", "code": "DTW", "type": "general", "company_id": company.id}
            )
            policy = env["billing.dunning.policy"].create(
                {
                    "name": "Two workers",
                    "company_id": company.id,
                    "level_ids": [(0, 0, {"name": "W1", "delay_days": 1})],
                }
            )
            move = env["account.move"].create(
                {"move_type": "entry", "journal_id": journal.id, "company_id": company.id}
            )
            ids = {
                "journal": journal.id,
                "policy": policy.id,
                "level": policy.level_ids.id,
                "move": move.id,
            }
            # committed on purpose: a second connection must see the fixture (removed below)
            cr.commit()  # pylint: disable=invalid-commit
        return ids

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM account_move WHERE id = %s", [ids["move"]])
            cr.execute("DELETE FROM billing_dunning_policy WHERE id = %s", [ids["policy"]])
            cr.execute("DELETE FROM account_journal WHERE id = %s", [ids["journal"]])
            cr.commit()  # pylint: disable=invalid-commit

    def _level_of(self, cr, move_id):
        cr.execute("SELECT dunning_level_id FROM account_move WHERE id = %s", [move_id])
        return cr.fetchone()[0]

    def test_two_workers_claim_once(self):
        ids = self._fixture()
        today = date(2025, 5, 1)
        target = {ids["move"]: ids["level"]}
        try:
            with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
                worker_a = api.Environment(cr_a, SUPERUSER_ID, {})["billing.dunning.run"]
                worker_b = api.Environment(cr_b, SUPERUSER_ID, {})["billing.dunning.run"]
                # both running: A holds the row, B skips it instead of waiting
                self.assertEqual(worker_a._dunning_claim(target, today), {ids["move"]})
                self.assertEqual(worker_b._dunning_claim(target, today), set())
                cr_a.commit()  # pylint: disable=invalid-commit
                cr_b.rollback()
                # B again, after A committed: the level is taken, nothing to do
                self.assertEqual(worker_b._dunning_claim(target, today), set())
                cr_b.rollback()
                self.assertEqual(self._level_of(cr_b, ids["move"]), ids["level"])
                cr_b.rollback()
        finally:
            self._cleanup(ids)

    def test_worker_with_stale_snapshot_backs_off(self):
        ids = self._fixture()
        today = date(2025, 5, 1)
        target = {ids["move"]: ids["level"]}
        try:
            with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
                worker_a = api.Environment(cr_a, SUPERUSER_ID, {})["billing.dunning.run"]
                worker_b = api.Environment(cr_b, SUPERUSER_ID, {})["billing.dunning.run"]
                # B's transaction starts (its snapshot predates A's commit)
                self.assertIsNone(self._level_of(cr_b, ids["move"]))
                self.assertEqual(worker_a._dunning_claim(target, today), {ids["move"]})
                cr_a.commit()  # pylint: disable=invalid-commit
                # B still sees no level, but PostgreSQL refuses its update: no duplicate
                self.assertEqual(worker_b._dunning_claim(target, today), set())
                cr_b.rollback()
        finally:
            self._cleanup(ids)

    def test_two_managers_send_a_prepared_reminder_once(self):
        """Two billing managers click Send on the same prepared reminder at once: only one of
        them locks it; once sent it is no longer to review."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            partner = env["res.partner"].create({"name": "Two managers"})
            Reminder = env["billing.dunning.reminder"].with_context(
                mail_create_nolog=True, tracking_disable=True
            )
            reminder = Reminder.create(
                {
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "date": date(2025, 5, 1),
                    "state": "to_review",
                }
            )
            ids = {"partner": partner.id, "reminder": reminder.id}
            # committed on purpose: a second connection must see the fixture (removed below)
            cr.commit()  # pylint: disable=invalid-commit
        try:
            with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
                Reminder_a = api.Environment(cr_a, SUPERUSER_ID, {})["billing.dunning.reminder"]
                Reminder_b = api.Environment(cr_b, SUPERUSER_ID, {})["billing.dunning.reminder"]
                locked_a = Reminder_a.browse(ids["reminder"])._dunning_lock_to_review()
                self.assertEqual(locked_a.ids, [ids["reminder"]])
                # B skips the row A holds instead of waiting for it
                self.assertFalse(Reminder_b.browse(ids["reminder"])._dunning_lock_to_review())
                cr_b.rollback()
                locked_a.state = "sent"
                cr_a.commit()  # pylint: disable=invalid-commit
                # B again, after A sent it: nothing to review
                self.assertFalse(Reminder_b.browse(ids["reminder"])._dunning_lock_to_review())
                cr_b.rollback()
        finally:
            with self.registry.cursor() as cr:
                cr.execute("DELETE FROM billing_dunning_reminder WHERE id = %s", [ids["reminder"]])
                cr.execute("DELETE FROM res_partner WHERE id = %s", [ids["partner"]])
                cr.commit()  # pylint: disable=invalid-commit
