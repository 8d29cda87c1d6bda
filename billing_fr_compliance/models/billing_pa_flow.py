# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import threading
import uuid
from datetime import timedelta

import psycopg2

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..tools import afnor_client

_logger = logging.getLogger(__name__)

BACKOFF_MAX = 6 * 3600  # seconds
# A claimed flow is left to the worker that claimed it for its worst case: each of its calls
# (the trackingId look-up, then the POST) may wait the client's time-out, plus a margin. A
# group of flows claimed together (their PDFs made at once) is leased for the sum.
LEASE_MARGIN = 60  # seconds
CALLS_PER_FLOW = 2
CHUNK = 10  # flows claimed (and their PDFs made) together


class BillingPaFlow(models.Model):
    """One queue for everything sent to the platform: invoices and lifecycle messages."""

    _name = "billing.pa.flow"
    _description = "Flow sent to the e-invoicing platform"
    _check_company_auto = True
    _order = "id desc"
    _rec_name = "file_name"

    platform_id = fields.Many2one(
        "billing.pa.platform", required=True, ondelete="restrict", check_company=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    move_id = fields.Many2one("account.move", ondelete="set null", index=True, check_company=True)
    flow_type = fields.Selection(
        [("invoice", "Invoice"), ("lifecycle", "Lifecycle status")], required=True
    )
    tracking_id = fields.Char(
        required=True, readonly=True, copy=False, default=lambda self: str(uuid.uuid4())
    )
    file_name = fields.Char(required=True)
    attachment_id = fields.Many2one(
        "ir.attachment", ondelete="restrict", copy=False, check_company=True
    )
    flow_syntax = fields.Selection(
        [(s, s) for s in afnor_client.FLOW_SYNTAXES], required=True, default="Factur-X"
    )
    flow_profile = fields.Char()
    processing_rule = fields.Char()
    sha256 = fields.Char(readonly=True, copy=False)
    state = fields.Selection(
        [("to_send", "To send"), ("sent", "Sent"), ("error", "Error")],
        default="to_send",
        required=True,
        index=True,
    )
    platform_flow_id = fields.Char("Platform flow ID", readonly=True, copy=False)
    error_code = fields.Char(readonly=True, copy=False)
    error_message = fields.Text(readonly=True, copy=False)
    attempts = fields.Integer(readonly=True, copy=False, default=0)
    next_attempt_date = fields.Datetime(readonly=True, copy=False, index=True)
    sent_date = fields.Datetime(readonly=True, copy=False)
    claim_token = fields.Char(
        readonly=True,
        copy=False,
        help="The worker that claimed the flow to send it; another worker skips it.",
    )
    awaiting_flow_id = fields.Boolean(
        "Awaiting Platform Flow ID",
        readonly=True,
        copy=False,
        help="The platform accepted the flow without giving its identifier: the flow is "
        "never posted again, only looked up by its trackingId until the platform names it.",
    )

    _sql_constraints = [
        ("tracking_id_unique", "unique(tracking_id)", "A trackingId identifies one flow."),
    ]

    # ------------------------------------------------------------------ public API
    @api.model
    def _billing_pa_enqueue(
        self,
        move,
        flow_type,
        file_name,
        content_bytes,
        flow_syntax,
        processing_rule=None,
        flow_profile=None,
    ):
        """Queue ``content_bytes`` for the platform of ``move``'s company; returns the flow
        (to send), or an empty recordset when the company has no platform."""
        platform = self.env["billing.pa.platform"].sudo()._billing_pa_for_company(move.company_id)
        if not platform:
            return self.browse()
        flow = self.sudo().create(
            {
                "platform_id": platform.id,
                "company_id": move.company_id.id,
                "move_id": move.id,
                "flow_type": flow_type,
                "file_name": file_name,
                "flow_syntax": flow_syntax,
                "processing_rule": processing_rule,
                "flow_profile": flow_profile,
            }
        )
        if content_bytes:
            flow._billing_pa_store_content(content_bytes)
        cron = self.env.ref("billing_fr_compliance.ir_cron_billing_pa_send", False)
        if cron:
            cron.sudo()._trigger()
        return flow.with_env(self.env)

    def _billing_pa_store_content(self, content):
        self.ensure_one()
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": self.file_name,
                    "raw": content,
                    "res_model": self._name,
                    "res_id": self.id,
                    "company_id": self.company_id.id,
                }
            )
        )
        self.write({"attachment_id": attachment.id, "sha256": afnor_client.sha256_hex(content)})

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
    def _billing_pa_lease(self, count):
        """Seconds a worker keeps ``count`` flows it claimed: their worst case."""
        return count * (CALLS_PER_FLOW * afnor_client.TIMEOUT + LEASE_MARGIN)

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

    def _billing_pa_prepare_invoice_files(self):
        """The Factur-X PDF of each invoice flow of ``self`` still without its file, made for
        the whole chunk at once (see ``account.move._billing_pa_facturx_files``). An invoice
        whose Factur-X is not valid puts its flow in error with the messages; a PDF that
        could not be made is retried later, like a platform that does not answer."""
        flows = self.filtered(
            lambda f: f.flow_type == "invoice"
            and f.state == "to_send"
            and not f.attachment_id
            and f.platform_id.state == "ok"
        )
        if not flows:
            return
        files = flows.move_id._billing_pa_facturx_files()
        for flow in flows:
            if not flow.move_id:
                flow.write(
                    {
                        "state": "error",
                        "error_code": "DELETED",
                        "error_message": _("The invoice was deleted before it was sent."),
                    }
                )
                continue
            content, code, messages = files[flow.move_id]
            if content:
                flow._billing_pa_store_content(content)
            elif code == "FACTURX":
                flow.write(
                    {"state": "error", "error_code": code, "error_message": "\n".join(messages)}
                )
            else:
                flow.write(
                    {
                        "error_code": code,
                        "error_message": "\n".join(messages),
                        "next_attempt_date": flow._billing_pa_next_attempt(),
                    }
                )

    def _billing_pa_next_attempt(self, retry_after=None):
        """When a flow that failed for a passing reason is tried again: after the platform's
        ``Retry-After`` when it gave one, else 2, 4, 8... minutes up to BACKOFF_MAX."""
        self.ensure_one()
        delay = retry_after or min(60 * 2 ** min(self.attempts, 12), BACKOFF_MAX)
        return fields.Datetime.now() + timedelta(seconds=delay)

    def _billing_pa_attachment_is_own(self):
        """Whether the flow's file is the one the addon made for it (attached to the flow)."""
        self.ensure_one()
        attachment = self.attachment_id.sudo()
        return attachment.res_model == self._name and attachment.res_id == self.id

    def _billing_pa_refuse_attachment(self):
        """A file that is not the flow's own is never sent: the flow is put in error."""
        self.sudo().write(
            {
                "state": "error",
                "error_code": "ATTACHMENT",
                "error_message": _(
                    "Flow %(flow)s: the file %(file)s was not made for this flow (field: "
                    "Attachment); it is not sent.",
                    flow=self.tracking_id,
                    file=self.file_name,
                ),
                "next_attempt_date": False,
            }
        )

    def _billing_pa_send_one(self, client):
        """One attempt at sending this flow (locked, its attempt counted). A flow the
        platform may hold already (an earlier attempt, or one accepted without its id) is
        looked up by its trackingId first; one accepted without its id is never posted
        again."""
        self.ensure_one()
        # checked again right before sending: only the file made for this flow leaves
        if not self._billing_pa_attachment_is_own():
            self._billing_pa_refuse_attachment()
            return
        content = self.attachment_id.raw
        try:
            answer = None
            if self.attempts > 1 or self.awaiting_flow_id:
                # an earlier attempt may have reached the platform (crash or time-out before
                # our commit): the trackingId tells whether it holds the flow already
                answer = client.find_flow_by_tracking_id(self.tracking_id)
            if answer is None and self.awaiting_flow_id:
                self._billing_pa_await_flow_id()
                return
            if answer is None:
                info = afnor_client.build_flow_info(
                    self.tracking_id,
                    self.file_name,
                    content,
                    self.flow_syntax,
                    self.processing_rule or None,
                    self.flow_profile or None,
                )
                answer = client.send_flow(self.file_name, content, info)
        except afnor_client.AfnorAuthError as error:
            # not the flow's fault: it waits, due again, for the platform to be resumed
            self.write({"attempts": max(self.attempts - 1, 0), "next_attempt_date": False})
            self.platform_id._billing_pa_stop(error)
            return
        except afnor_client.AfnorRetryableError as error:
            self.write(
                {
                    "error_code": error.code or str(error.status or "network"),
                    "error_message": str(error),
                    "next_attempt_date": self._billing_pa_next_attempt(error.retry_after),
                }
            )
            return
        except afnor_client.AfnorRejectedError as error:
            self.write(
                {
                    "state": "error",
                    "error_code": error.code or str(error.status),
                    "error_message": error.platform_message or str(error),
                }
            )
            return
        if not (answer or {}).get("flowId"):
            # accepted, but unnamed (the OpenAPI allows an empty flowId): "sent" needs the
            # platform's id, which only a look-up by trackingId can give now
            self._billing_pa_await_flow_id()
            return
        self.write(
            {
                "state": "sent",
                "platform_flow_id": answer["flowId"],
                "sent_date": fields.Datetime.now(),
                "error_code": False,
                "error_message": False,
                "next_attempt_date": False,
                "awaiting_flow_id": False,
            }
        )

    def _billing_pa_await_flow_id(self):
        """The platform took the flow without naming it: it stays to send, to be confirmed
        by a look-up of its trackingId (never posted again)."""
        self.write(
            {
                "awaiting_flow_id": True,
                "error_code": "FLOW_ID_UNKNOWN",
                "error_message": _(
                    "The platform accepted the flow %(tracking)s without giving its "
                    "identifier: it is looked up by its trackingId until the platform "
                    "names it.",
                    tracking=self.tracking_id,
                ),
                "next_attempt_date": self._billing_pa_next_attempt(),
            }
        )

    def action_retry(self):
        # billing users only read flows: the retry is written under sudo() once the user is
        # known to read the flows (company rule) and their invoices
        self.check_access("read")
        self.move_id.check_access("read")
        self.sudo().filtered(lambda f: f.state == "error").write(
            {"state": "to_send", "next_attempt_date": False}
        )
        self.env.ref("billing_fr_compliance.ir_cron_billing_pa_send").sudo()._trigger()
