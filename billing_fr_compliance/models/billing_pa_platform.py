# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

import requests

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import afnor_client

_logger = logging.getLogger(__name__)


class BillingPaPlatform(models.Model):
    """An approved platform (PA) reached through the AFNOR XP Z12-013 API, per company."""

    _name = "billing.pa.platform"
    _description = "E-invoicing platform (PA)"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True
    _order = "company_id, name"

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, tracking=True
    )
    active = fields.Boolean(default=True, tracking=True)
    flow_url = fields.Char(
        "Flow API URL",
        required=True,
        tracking=True,
        help="Base URL of the platform's Flow Service (before /v1/flows).",
    )
    directory_url = fields.Char(
        "Directory API URL",
        tracking=True,
        help="Base URL of the platform's Directory Service (before /v1/siren).",
    )
    token_url = fields.Char("OAuth2 token URL", tracking=True)
    client_id = fields.Char("OAuth2 client ID", tracking=True)
    client_secret = fields.Char(
        "OAuth2 client secret", groups="account.group_account_manager", copy=False
    )
    bearer_token = fields.Char(
        "Bearer token",
        groups="account.group_account_manager",
        copy=False,
        help="A token given by the platform, used instead of the OAuth2 client credentials.",
    )
    organization_id = fields.Char(
        "Organization-Id", help="Sent as the Organization-Id header when the platform asks it."
    )
    state = fields.Selection(
        [("ok", "Running"), ("stopped", "Stopped")],
        default="ok",
        required=True,
        tracking=True,
    )
    stop_reason = fields.Text(readonly=True)
    lifecycle_cursor = fields.Char(
        copy=False, help="Where the next search of lifecycle statuses starts on the platform."
    )
    last_poll_date = fields.Datetime("Last poll", readonly=True, copy=False)

    @api.constrains("company_id", "active")
    def _check_one_active_per_company(self):
        for platform in self.filtered("active"):
            count = self.search_count(
                [("company_id", "=", platform.company_id.id), ("active", "=", True)]
            )
            if count > 1:
                raise ValidationError(
                    _(
                        "%(company)s already has an active platform: archive it before "
                        "activating %(name)s.",
                        company=platform.company_id.display_name,
                        name=platform.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        platforms = super().create(vals_list)
        platforms._billing_pa_enqueue_waiting_statuses()
        return platforms

    def write(self, vals):
        res = super().write(vals)
        if vals.get("state") == "ok" or vals.get("active"):
            self._billing_pa_enqueue_waiting_statuses()
        return res

    def _billing_pa_enqueue_waiting_statuses(self):
        """The lifecycle statuses we emitted while the company had no running platform are
        queued once it has one (a new platform, resumed or unarchived)."""
        running = self.filtered(lambda p: p.active and p.state == "ok")
        if running:
            self.env["billing.pa.status"]._billing_pa_enqueue_all_waiting(
                companies=running.company_id
            )

    # ------------------------------------------------------------------ actions
    def action_test_connection(self):
        self.ensure_one()
        client = self._billing_pa_client()
        services = ["flow"] + (["directory"] if self.directory_url else [])
        try:
            for service in services:
                client.healthcheck(service)
        except afnor_client.AfnorError as error:
            raise UserError(
                _(
                    "%(name)s: the platform did not answer the healthcheck (%(error)s).",
                    name=self.name,
                    error=str(error),
                )
            ) from error
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("%(name)s: connection works", name=self.name),
                "message": _("The platform answered the healthcheck."),
            },
        }

    def action_resume(self):
        self.write({"state": "ok", "stop_reason": False})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        self.env.ref("billing_fr_compliance.ir_cron_billing_pa_send")._trigger()

    # ------------------------------------------------------------------ business
    @api.model
    def _billing_pa_for_company(self, company):
        return self.search([("company_id", "=", company.id)], limit=1)

    def _billing_pa_session(self):
        """The HTTP session of the client (the tests give one that checks the spec)."""
        return requests.Session()

    def _billing_pa_client(self):
        self.ensure_one()
        platform = self.sudo()
        return afnor_client.AfnorClient(
            flow_url=platform.flow_url,
            directory_url=platform.directory_url,
            token_url=platform.token_url,
            client_id=platform.client_id,
            client_secret=platform.client_secret,
            bearer_token=platform.bearer_token,
            organization_id=platform.organization_id,
            session=self._billing_pa_session(),
            label=platform.name,
        )

    def _billing_pa_stop(self, error):
        """401/403: stop this platform's queue with ONE activity for the billing managers."""
        self.ensure_one()
        if self.state == "stopped":
            return
        reason = _(
            "The platform refused our credentials (HTTP %(status)s %(code)s). Check the "
            "client ID and secret (or the token) and its rights, then click Resume.",
            status=error.status or "",
            code=error.code or "",
        )
        self.sudo().write({"state": "stopped", "stop_reason": reason})
        managers = self.env.ref("account.group_account_manager").users.filtered(
            lambda user: self.company_id in user.company_ids
        )
        user = managers[:1] or self.env.user
        self.sudo()._billing_activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("E-invoicing platform stopped"),
            note=reason,
            user_id=user.id,
        )
        _logger.info("platform %s stopped: HTTP %s", self.name, error.status)

    @api.model
    def _cron_billing_pa_poll(self):
        for platform in self.search([("state", "=", "ok")]):
            platform._billing_pa_poll_lifecycle()

    def _billing_pa_poll_lifecycle(self, max_pages=10):
        """Search the platform's lifecycle flows after our cursor, download each and hand it
        to ``account.move._billing_pa_record_cdar``; the cursor moves only after what a page
        returned is stored."""
        self.ensure_one()
        if self.state != "ok":
            return 0
        client = self._billing_pa_client()
        moves = self.env["account.move"]
        can_record = hasattr(moves, "_billing_pa_record_cdar")
        handled = 0
        cursor = self.lifecycle_cursor
        try:
            for _page in range(max_pages):
                results, next_cursor = client.search_lifecycle_flows(cursor=cursor)
                for flow in results:
                    if not flow.get("flowId"):
                        continue
                    if can_record:
                        xml = client.get_flow(flow["flowId"], "Original")
                        moves._billing_pa_record_cdar(xml, platform=self, flow_id=flow["flowId"])
                    handled += 1
                if not can_record:
                    # nothing can store the statuses yet: keep the cursor where it is
                    break
                if next_cursor:
                    self.lifecycle_cursor = cursor = next_cursor
                    self.env.flush_all()
                if not next_cursor or not results:
                    break
        except afnor_client.AfnorAuthError as error:
            self._billing_pa_stop(error)
        except afnor_client.AfnorError as error:
            _logger.info("platform %s: lifecycle poll failed (%s)", self.name, error)
        self.last_poll_date = fields.Datetime.now()
        return handled
