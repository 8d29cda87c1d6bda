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

    name = fields.Char(
        required=True, tracking=True, help="The platform's name, as your users know it."
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        tracking=True,
        help="The company whose invoices go through this platform (one per company).",
    )
    active = fields.Boolean(
        default=True,
        tracking=True,
        help="Archive the platform to stop using it; its flows and statuses are kept.",
    )
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
    token_url = fields.Char(
        "OAuth2 token URL",
        tracking=True,
        help="Where an access token is asked with the client ID and secret (OAuth2 client "
        "credentials), given by the platform. Not needed with a bearer token.",
    )
    client_id = fields.Char(
        "OAuth2 client ID", tracking=True, help="The client ID the platform gave you."
    )
    client_secret = fields.Char(
        "OAuth2 client secret",
        groups="account.group_account_manager",
        copy=False,
        help="The secret of the client ID, given by the platform; only billing managers see it.",
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
        default="stopped",
        required=True,
        tracking=True,
        copy=False,
        help="Running: invoices and statuses are sent and statuses fetched. Stopped: they "
        "wait in the queue. A new platform is stopped until its connection test passes.",
    )
    stop_reason = fields.Text(
        readonly=True,
        copy=False,
        default=lambda self: self._billing_pa_untested_reason(),
        help="Why the platform is stopped and what to do.",
    )
    lifecycle_cursor = fields.Char(
        copy=False, help="Where the next search of lifecycle statuses starts on the platform."
    )
    last_poll_date = fields.Datetime(
        "Last poll",
        readonly=True,
        copy=False,
        help="When the lifecycle statuses were last fetched from the platform.",
    )
    poll_error = fields.Text(
        "Unreadable lifecycle files",
        readonly=True,
        copy=False,
        groups="account.group_account_manager",
        help="The lifecycle files (CDAR) of the platform that could not be read: each is "
        "kept in the messages below with its file; the poller went on with the others.",
    )

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
        message = _("The platform answered the healthcheck.")
        if self.state == "stopped":
            self.action_resume()
            message = _("The platform answered the healthcheck: it is running now.")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("%(name)s: connection works", name=self.name),
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_resume(self):
        self.write({"state": "ok", "stop_reason": False})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        self.env.ref("billing_fr_compliance.ir_cron_billing_pa_send")._trigger()

    def action_clear_poll_error(self):
        self.sudo().poll_error = False

    # ------------------------------------------------------------------ business
    @api.model
    def _billing_pa_untested_reason(self):
        return _(
            "Not tested yet: nothing is sent to the platform nor fetched from it before "
            "Test connection passes."
        )

    @api.model
    def _billing_pa_menu_path(self):
        """Where the platforms are, as the menus say it in the user's language (e.g.
        Facturation > Configuration > Plateformes de facturation électronique)."""
        return self.env["ir.ui.menu"]._billing_menu_path(
            "billing_fr_compliance.billing_pa_platform_menu"
        )

    @api.model
    def _billing_pa_for_company(self, company):
        return self.search([("company_id", "=", company.id)], limit=1)

    def _billing_pa_session(self):
        """The HTTP session of the client (the tests give one that checks the spec)."""
        return requests.Session()

    def _billing_pa_client(self):
        self.ensure_one()
        # the credentials are read under sudo(): only for a platform the user may read (its
        # company among the user's), before anything of it reaches the cache
        self.check_access("read")
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
        self.sudo()._billing_activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("E-invoicing platform stopped"),
            note=reason,
            user_id=self._billing_pa_manager().id,
        )
        _logger.info("platform %s stopped: HTTP %s", self.name, error.status)

    def _billing_pa_manager(self):
        """Who is told about the platform: a billing manager of its company."""
        self.ensure_one()
        managers = self.env.ref("account.group_account_manager").users.filtered(
            lambda user: self.company_id in user.company_ids
        )
        return managers[:1] or self.env.user

    @api.model
    def _cron_billing_pa_poll(self):
        """Scheduled action: fetch the lifecycle statuses of each running platform, each in
        its own savepoint: a platform that fails is recorded and the others are polled.
        Commits after each platform (not in tests) so that what one fetched is kept."""
        for platform in self.search([("state", "=", "ok")]):
            try:
                with self.env.cr.savepoint():
                    platform._billing_pa_poll_lifecycle()
            except Exception as error:  # any failure of one platform
                _logger.info("platform %s: lifecycle poll failed (%s)", platform.name, error)
                platform._billing_pa_record_poll_error(error)
            self.env["billing.pa.flow"]._billing_pa_commit()

    def _billing_pa_poll_lifecycle(self, max_pages=10):
        """Search the platform's lifecycle flows after our cursor, download each and hand it
        to ``account.move._billing_pa_record_cdar``; the cursor moves only after what a page
        returned is stored. A flow recorded before is not downloaded again; a file that
        cannot be read or recorded is kept as an error of the platform (see
        ``_billing_pa_record_poll_error``) and the poll goes on with the next ones."""
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
                if can_record:
                    handled += self._billing_pa_record_lifecycle_page(client, results)
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

    def _billing_pa_record_lifecycle_page(self, client, results):
        """Download and record each lifecycle flow of a search page not seen before; returns
        how many were recorded. A file we cannot read (or that the platform cannot give:
        404) is recorded as an error of the platform; a network failure or time-out ends
        the poll (AfnorRetryableError), the page is searched again at the next one."""
        self.ensure_one()
        flow_ids = [flow["flowId"] for flow in results if flow.get("flowId")]
        seen = self._billing_pa_seen_flow_ids(flow_ids)
        handled = 0
        for flow_id in flow_ids:
            if flow_id in seen:
                continue
            xml = None
            try:
                xml = client.get_flow(flow_id, "Original")
                with self.env.cr.savepoint():
                    self.env["account.move"]._billing_pa_record_cdar(
                        xml, platform=self, flow_id=flow_id
                    )
                handled += 1
            except (afnor_client.AfnorAuthError, afnor_client.AfnorRetryableError):
                raise
            except Exception as error:  # a bad file never stops the poller
                _logger.info("platform %s: flow %s not read: %s", self.name, flow_id, error)
                self._billing_pa_record_poll_error(error, flow_id=flow_id, content=xml)
            seen.add(flow_id)
        return handled

    def _billing_pa_seen_flow_ids(self, flow_ids):
        """The flow ids of ``flow_ids`` this platform recorded already: as statuses, or as
        unreadable files."""
        self.ensure_one()
        if not flow_ids:
            return set()
        statuses = (
            self.env["billing.pa.status"]
            .sudo()
            .search([("company_id", "=", self.company_id.id), ("platform_flow_id", "in", flow_ids)])
        )
        errors = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("description", "in", [self._billing_pa_error_key(f) for f in flow_ids]),
                ]
            )
        )
        keys = {self._billing_pa_error_key(f): f for f in flow_ids}
        return set(statuses.mapped("platform_flow_id")) | {keys[a.description] for a in errors}

    @api.model
    def _billing_pa_error_key(self, flow_id):
        return "lifecycle-flow:%s" % flow_id

    def _billing_pa_record_poll_error(self, error, flow_id=None, content=None):
        """Keep what the poller could not read as an error of this platform: the file as an
        attachment of the platform with a message in its chatter, the error in the alert
        of its form (billing managers), and one open activity for a billing manager
        however many files and polls fail."""
        self.ensure_one()
        platform = self.sudo()
        text = str(error.args[0] if getattr(error, "args", None) else error)
        if flow_id:
            line = _("Lifecycle flow %(flow)s: %(error)s", flow=flow_id, error=text)
        else:
            line = _("Lifecycle poll: %(error)s", error=text)
        attachments = self.env["ir.attachment"]
        if flow_id:
            attachments = attachments.sudo().create(
                {
                    "name": "lifecycle-%s.xml" % flow_id.replace("/", "_"),
                    "raw": content or b"",
                    "mimetype": "application/octet-stream",
                    "res_model": self._name,
                    "res_id": self.id,
                    "company_id": self.company_id.id,
                    "description": self._billing_pa_error_key(flow_id),
                }
            )
        platform._billing_message_post(
            body=line, attachment_ids=attachments.ids, subtype_xmlid="mail.mt_note"
        )
        platform.poll_error = "\n".join(filter(None, [platform.poll_error, line]))[-4000:]
        summary = _("E-invoicing: lifecycle files not read")
        if not platform.activity_ids.filtered(lambda a: a.summary == summary):
            platform._billing_activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=_(
                    "The platform sent lifecycle files that could not be read. Each is kept "
                    "with its error in the platform's messages; ask the platform about them."
                ),
                user_id=self._billing_pa_manager().id,
            )
