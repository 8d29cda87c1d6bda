# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A lifecycle status we emitted while the company had no running platform is queued once,
even when two workers (the send cron, a user resuming the platform) reach it together: the
second one skips what the first holds, and leaves out, without failing, what the first
queued and committed after the second one's snapshot was taken."""

import threading

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestPaStatusTwoWorkers(TransactionCase):
    """Each worker has its own database cursor and commits, as the cron does. The data (a
    draft entry, its CDAR file, the waiting statuses, a running platform) is committed by a
    cursor of the test's own (the workers only see committed rows) and deleted at the end;
    the test's transaction commits nothing."""

    COUNT = 3

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(
                cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True}
            )
            company = env.ref("base.main_company")
            journal = env["account.journal"].search(
                [("company_id", "=", company.id), ("type", "=", "general")], limit=1
            )
            self.journal_id = False
            if not journal:
                journal = env["account.journal"].create(
                    {"name": "Workers", "code": "WRK", "type": "general", "company_id": company.id}
                )
                self.journal_id = journal.id
            move = env["account.move"].create({"move_type": "entry", "journal_id": journal.id})
            # running: a platform created in service queues nothing yet (no status waits)
            platform = env["billing.pa.platform"].create(
                {
                    "name": "Workers PA",
                    "company_id": company.id,
                    "flow_url": "http://127.0.0.1:9/",
                    "bearer_token": "token-of-the-tests",
                    "state": "ok",
                }
            )
            statuses = env["billing.pa.status"]
            for index in range(self.COUNT):
                attachment = env["ir.attachment"].create(
                    {
                        "name": "status-%d.xml" % index,
                        "raw": b"<status n='%d'/>" % index,
                        "res_model": "account.move",
                        "res_id": move.id,
                        "company_id": company.id,
                    }
                )
                statuses |= statuses.create(
                    {
                        "move_id": move.id,
                        "company_id": company.id,
                        "code": "212",
                        "direction": "out",
                        "send_state": "waiting",
                        "attachment_id": attachment.id,
                        "cdar_key": "workers-%d" % index,
                    }
                )
            self.company_id = company.id
            self.move_id = move.id
            self.platform_id = platform.id
            self.status_ids = statuses.ids
            # a cursor of its own, not the test's
            cr.commit()  # pylint: disable=invalid-commit
        self.addCleanup(self._delete)

    def _delete(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            # (the flows' files go with them)
            env["billing.pa.flow"].search([("platform_id", "=", self.platform_id)]).unlink()
            statuses = env["billing.pa.status"].browse(self.status_ids)
            attachments = statuses.attachment_id
            statuses.unlink()
            attachments.unlink()
            env["billing.pa.platform"].browse(self.platform_id).unlink()
            env["account.move"].browse(self.move_id).unlink()
            if self.journal_id:
                env["account.journal"].browse(self.journal_id).unlink()
            # a cursor of its own, not the test's
            cr.commit()  # pylint: disable=invalid-commit

    def _worker(self, cr):
        # the registry given, not looked up by name: the test runner holds the lock of the
        # registries while it runs the tests
        cr.transaction = api.Transaction(self.registry)
        return api.Environment(cr, SUPERUSER_ID, {})["billing.pa.status"]

    def _check_queued_once(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            statuses = env["billing.pa.status"].browse(self.status_ids)
            self.assertEqual(set(statuses.mapped("send_state")), {"queued"})
            flows = env["billing.pa.flow"].search([("platform_id", "=", self.platform_id)])
            self.assertEqual(
                sorted(flows.mapped("file_name")),
                ["status-%d.xml" % index for index in range(self.COUNT)],
                "every status queued once",
            )

    def test_a_status_queued_after_our_snapshot_is_not_queued_again(self):
        with self.registry.cursor() as cr_late:
            late = self._worker(cr_late)
            # the late worker's snapshot: the statuses wait (and its cache says so)
            self.assertEqual(set(late.browse(self.status_ids).mapped("send_state")), {"waiting"})
            with self.registry.cursor() as cr_first:
                first = self._worker(cr_first)
                queued = first._billing_pa_enqueue_all_waiting()
                self.assertEqual(queued.ids, self.status_ids)
                cr_first.commit()  # pylint: disable=invalid-commit
            # the rows changed since its snapshot: none locked, none queued, no failure
            self.assertFalse(late._billing_pa_enqueue_all_waiting())
            cr_late.commit()  # pylint: disable=invalid-commit
        self._check_queued_once()

    def test_statuses_held_by_another_worker_are_skipped(self):
        with self.registry.cursor() as cr_first, self.registry.cursor() as cr_second:
            first, second = self._worker(cr_first), self._worker(cr_second)
            self.assertEqual(first._billing_pa_enqueue_all_waiting().ids, self.status_ids)
            # the first worker has not committed: its rows are locked
            self.assertFalse(second._billing_pa_enqueue_all_waiting())
            cr_first.commit()  # pylint: disable=invalid-commit
            cr_second.commit()  # pylint: disable=invalid-commit
        self._check_queued_once()

    def test_two_workers_at_once_queue_each_status_once(self):
        errors = []
        start = threading.Barrier(2)

        def worker():
            try:
                with self.registry.cursor() as cr:
                    statuses = self._worker(cr)
                    statuses.browse(self.status_ids).mapped("send_state")  # the snapshot
                    start.wait()
                    statuses._billing_pa_enqueue_all_waiting()
            except Exception as error:  # reported by the test thread
                errors.append(error)

        threads = [threading.Thread(target=worker, daemon=True) for __ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertFalse([thread for thread in threads if thread.is_alive()])
        self.assertFalse(errors)
        self._check_queued_once()
