# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import uuid
from datetime import timedelta

from odoo import _, api, fields, models

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

    @api.model
    def _billing_pa_lease(self, count):
        """Seconds a worker keeps ``count`` flows it claimed: their worst case."""
        return count * (CALLS_PER_FLOW * afnor_client.TIMEOUT + LEASE_MARGIN)

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
