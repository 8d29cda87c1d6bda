# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
import threading
import uuid
from datetime import timedelta

import psycopg2

from odoo import _, api, fields, models
from odoo.tools import SQL

from .billing_pa_flow import CHUNK


# one concern of billing.pa.flow per file (issue 23): the model, its fields and the
# sending of one flow are in models/billing_pa_flow.py
class BillingPaFlow(models.Model):
    """The queue of flows: claimed by one worker at a time (scheduled action or queue
    jobs), leased, locked, processed and committed one by one."""

    _inherit = "billing.pa.flow"

    # ------------------------------------------------------------------ the queue
    @api.model
    def _cron_billing_pa_send(self, limit=1000, chunk=CHUNK):
        """Scheduled action: send what is due, claiming ``chunk`` flows at a time; each flow's
        attempt and result are committed on their own (see ``_billing_pa_process``).

        With OCA queue_job (unless the system parameter
        ``billing_fr_compliance.pa_use_queue_job`` is ``0``), enqueues one job per ``chunk``
        due flows instead, which the job runner spreads over the workers and nodes. Either
        way a flow is locked (``FOR UPDATE SKIP LOCKED``) by the worker that sends it."""
        # the lifecycle statuses still waiting for a running platform (emitted while their
        # company had none or it was stopped) join the queue first
        self.env["billing.pa.status"]._billing_pa_enqueue_all_waiting(limit=limit)
        self._billing_pa_commit()  # the statuses queued are kept whatever follows
        if self._billing_pa_use_jobs():
            return self._billing_pa_enqueue_jobs(limit, chunk)
        done = 0
        while done < limit:
            flows = self._billing_pa_claim(min(chunk, limit - done))
            if not flows:
                break
            flows._billing_pa_process()
            done += len(flows)
        return done

    @api.model
    def _billing_pa_use_jobs(self):
        param = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("billing_fr_compliance.pa_use_queue_job")
        )
        return "queue.job" in self.env and hasattr(self, "with_delay") and param != "0"

    @api.model
    def _billing_pa_enqueue_jobs(self, limit, chunk):
        # queue_job is optional: imported only when installed
        from odoo.addons.queue_job.job import identity_exact

        ids = [row[0] for row in self.env.execute_query(self._billing_pa_due_query(limit))]
        jobs = 0
        for start in range(0, len(ids), chunk):
            flows = self.browse(ids[start : start + chunk])
            flows.with_delay(
                description=_("E-invoicing: send %(count)s flows", count=len(flows)),
                identity_key=identity_exact,
            )._billing_pa_send_job()
            jobs += 1
        return jobs

    def _billing_pa_send_job(self):
        """Queue job: send those of ``self`` still due (another worker may have sent some)."""
        flows = self._billing_pa_claim(len(self), ids=self.ids)
        flows._billing_pa_process()
        return _("%(count)s flows processed", count=len(flows))

    @api.model
    def _billing_pa_due_query(self, limit, ids=None, lock=False):
        return SQL(
            """
            SELECT f.id FROM billing_pa_flow f
              JOIN billing_pa_platform p ON p.id = f.platform_id
             WHERE f.state = 'to_send' AND p.state = 'ok' AND p.active
               AND (f.next_attempt_date IS NULL OR f.next_attempt_date <= %s)
               %s
             ORDER BY f.next_attempt_date NULLS FIRST, f.id
             LIMIT %s
             %s
            """,
            fields.Datetime.now(),
            SQL("AND f.id IN %s", tuple(ids)) if ids else SQL(),
            limit,
            SQL("FOR UPDATE OF f SKIP LOCKED") if lock else SQL(),
        )

    @api.model
    def _billing_pa_lock_due(self, limit, ids=None):
        """Due flows of running platforms, locked (two workers never take the same flow).

        A flow another worker updated since this transaction's snapshot cannot be locked
        (REPEATABLE READ: SerializationFailure): a batch, which commits between its items,
        reads again in a new transaction; elsewhere nothing is taken this time."""
        self.env.flush_all()
        for attempt in range(3):
            try:
                with self.env.cr.savepoint(flush=False):
                    self.env.cr.execute(
                        self._billing_pa_due_query(limit, ids=ids, lock=True),
                        log_exceptions=False,
                    )
                    rows = self.env.cr.fetchall()
                return self.browse([row[0] for row in rows])
            except psycopg2.errors.SerializationFailure:
                if not self._billing_pa_may_commit() or attempt == 2:
                    return self.browse()
                self.env.cr.rollback()  # nothing is pending: the batch committed before
        return self.browse()

    @api.model
    def _billing_pa_claim(self, limit, ids=None):
        """Claim up to ``limit`` due flows for this worker: locked, marked with a token of
        its own and leased for their worst-case duration, then committed (the row locks end
        there: the token and the lease keep the other workers away)."""
        flows = self._billing_pa_lock_due(limit, ids=ids)
        if not flows:
            return flows
        token = str(uuid.uuid4())
        self.env.execute_query(
            SQL(
                "UPDATE billing_pa_flow SET claim_token = %s, next_attempt_date = %s "
                "WHERE id IN %s",
                token,
                fields.Datetime.now() + timedelta(seconds=self._billing_pa_lease(len(flows))),
                tuple(flows.ids),
            )
        )
        flows.invalidate_recordset(["claim_token", "next_attempt_date"])
        self._billing_pa_commit()
        return flows.with_context(billing_pa_claim_token=token)

    def _billing_pa_process(self):
        """Send ``self`` (claimed by this worker, see ``_billing_pa_claim``): the invoice
        files of the group are made and committed first; then each flow on its own: read
        again under lock, its attempt counted and committed before any call, its result
        committed after. A flow another worker claimed meanwhile (its lease ended) is
        skipped. After a crash between a call and the commit of its result, the next attempt
        sees the earlier one and asks the platform for the trackingId first."""
        self._billing_pa_prepare_invoice_files()
        self._billing_pa_commit()
        clients = {}
        for flow in self:
            if flow.state != "to_send" or not flow.attachment_id:
                continue  # in error, or its file could not be made: it waits (see above)
            platform = flow.platform_id
            if platform.state != "ok":  # stopped by an earlier flow of this group
                flow.next_attempt_date = False
                continue
            if not flow._billing_pa_lock_claimed(count_attempt=True):
                continue
            self._billing_pa_commit()  # the attempt is known before the call
            if not flow._billing_pa_lock_claimed():
                continue
            if platform not in clients:
                clients[platform] = platform._billing_pa_client()
            flow._billing_pa_send_one(clients[platform])
            flow.claim_token = False
            self._billing_pa_commit()  # this flow's result, whatever happens to the next

    def _billing_pa_lock_claimed(self, count_attempt=False):
        """Lock this flow (``FOR UPDATE SKIP LOCKED``) if it is still to send and still ours:
        False when it was sent, put in error or claimed by another worker meanwhile. With
        ``count_attempt``, the attempt is counted and the flow leased for one flow's worst
        case."""
        self.ensure_one()
        token = self.env.context.get("billing_pa_claim_token")
        self.env.flush_all()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM billing_pa_flow WHERE id = %s AND state = 'to_send' "
                        "AND claim_token = %s FOR UPDATE SKIP LOCKED",
                        self.id,
                        token,
                    ),
                    log_exceptions=False,
                )
                rows = self.env.cr.fetchall()
        except psycopg2.errors.SerializationFailure:
            rows = []  # another worker updated it since our snapshot: it is theirs now
        self.invalidate_recordset()
        if not rows:
            return False
        if count_attempt:
            self.env.execute_query(
                SQL(
                    "UPDATE billing_pa_flow SET attempts = COALESCE(attempts, 0) + 1, "
                    "next_attempt_date = %s WHERE id = %s",
                    fields.Datetime.now() + timedelta(seconds=self._billing_pa_lease(1)),
                    self.id,
                )
            )
            self.invalidate_recordset(["attempts", "next_attempt_date"])
        return True

    def _billing_pa_commit(self):
        # a batch commits between its items (it resumes from the flows' state); never in a test
        if self._billing_pa_may_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _billing_pa_may_commit(self):
        return not getattr(threading.current_thread(), "testing", False)
