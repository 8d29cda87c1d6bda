# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
# (billing.fr.ereport in files of one concern each: see billing_fr_ereport.py)
import base64
import logging
from collections import Counter

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import afnor_client

_logger = logging.getLogger(__name__)


class BillingFrEreport(models.Model):
    """An e-report on the platform: queued as a flow, the platform's answers landing on
    it, and its rectificative reports (RE)."""

    _inherit = "billing.fr.ereport"

    # ------------------------------------------------------------------ sending
    def _billing_ereport_send(self):
        self.ensure_one()
        if self.state != "ready" or self.problems or not self.file:
            raise UserError(
                _(
                    "%(report)s is not ready to send: %(problems)s",
                    report=self.display_name,
                    problems=self.problems or _("prepare it first."),
                )
            )
        if self.flow_ids.filtered(lambda flow: flow.state in ("to_send", "sent")):
            return self.flow_ids[:1]
        platform = self._billing_ereport_platform()
        flow = (
            self.env["billing.pa.flow"]
            .sudo()
            .create(
                {
                    "platform_id": platform.id,
                    "company_id": self.company_id.id,
                    "ereport_id": self.id,
                    "flow_type": "ereport",
                    "file_name": self.file_name,
                    "flow_syntax": "FRR",
                    "processing_rule": "NotApplicable",
                }
            )
        )
        flow._billing_pa_store_content(base64.b64decode(self.file))
        self._billing_message_post(
            body=_("Queued for the platform %(platform)s.", platform=platform.name)
        )
        cron = self.env.ref("billing_fr_compliance.ir_cron_billing_pa_send", False)
        if cron:
            cron.sudo()._trigger()
        return flow

    def _billing_ereport_flow_changed(self):
        """The platform's answer lands on the report: sent when it took the file, rejected
        (never counted as sent) when it refused it."""
        for report in self:
            flow = report.flow_ids.sorted("id", reverse=True)[:1]
            if flow.state == "sent" and report.state in ("ready", "rejected"):
                report.write({"state": "sent", "platform_message": False})
                if report.corrected_id:
                    report.corrected_id.state = "corrected"
            elif flow.state == "error":
                report.write(
                    {
                        "state": "rejected",
                        "platform_message": "%s %s"
                        % (flow.error_code or "", flow.error_message or ""),
                    }
                )

    def _billing_ereport_platform_status(self, accepted, message=None):
        """The platform's answer about this report's file (its acknowledgement, XP Z12-013
        ``Flow.acknowledgement``): accepted, the report is *Accepted* (and the report an
        RE replaces is *Corrected*); refused, the report is *Rejected* with the reasons in
        words and its flow is put in error, so that it never counts as sent and the report
        can be prepared again and sent in a new flow."""
        for report in self:
            if accepted:
                report.write({"state": "accepted", "platform_message": message or False})
                if report.corrected_id:
                    report.corrected_id.state = "corrected"
                body = _("The platform accepted this e-reporting file.")
            else:
                message = message or _("The platform refused the file without giving a reason.")
                flow = report.flow_ids.filtered(lambda f: f.state == "sent").sorted("id")[-1:]
                flow.sudo().write(
                    {"state": "error", "error_code": "REFUSED", "error_message": message}
                )
                report.write({"state": "rejected", "platform_message": message})
                if report.corrected_id.state == "corrected":
                    # the correction was refused: the report it was to replace still holds
                    report.corrected_id.state = "sent"
                body = _(
                    "The platform refused this e-reporting file: %(reasons)s. Fix what it "
                    "says, prepare the report again and send it.",
                    reasons=message,
                )
            report._billing_message_post(body=body, subtype_xmlid="mail.mt_note")

    @api.model
    def _billing_ereport_poll_answers(self, platform, client, limit=100):
        """Ask ``platform`` (its ``client``) for its answer on each e-reporting file it took
        and has not answered yet (``GET /v1/flows/{flowId}``, the flow's acknowledgement):
        *Ok* accepts the report, *Error* rejects it with the platform's reasons, *Pending*
        waits for the next poll. Returns the number of reports answered. An authentication
        failure is raised (the poll stops the platform); another failure leaves the flow
        for the next poll."""
        flows = (
            self.env["billing.pa.flow"]
            .sudo()
            .search(
                [
                    ("platform_id", "=", platform.id),
                    ("flow_type", "=", "ereport"),
                    ("state", "=", "sent"),
                    ("platform_flow_id", "!=", False),
                    ("ereport_id.state", "=", "sent"),
                ],
                order="id",
                limit=limit,
            )
        )
        answered = 0
        for flow in flows:
            try:
                answer = client.get_flow(flow.platform_flow_id)
            except afnor_client.AfnorAuthError:
                raise
            except afnor_client.AfnorError as error:
                _logger.info("e-report flow %s: no answer (%s)", flow.platform_flow_id, error)
                continue
            status = ((answer or {}).get("acknowledgement") or {}).get("status")
            if status not in ("Ok", "Error"):
                continue  # Pending: the platform has not integrated it yet
            reasons = self._billing_ereport_reasons(answer)
            flow.ereport_id._billing_ereport_platform_status(status == "Ok", reasons)
            answered += 1
        return answered

    @api.model
    def _billing_ereport_reasons(self, answer):
        """The acknowledgement's details in words, one a line: the platform's message, its
        code and the item it is about (warnings of an accepted file too)."""
        details = ((answer or {}).get("acknowledgement") or {}).get("details") or ()
        lines = []
        for detail in details:
            values = {
                "message": detail.get("reasonMessage") or "",
                "code": detail.get("reasonCode") or "",
                "item": detail.get("item") or "",
            }
            if detail.get("level") == "Warning":
                lines.append(
                    self.env._("Warning: %(message)s (code %(code)s, on %(item)s)", **values)
                )
            else:
                lines.append(
                    self.env._("Error: %(message)s (code %(code)s, on %(item)s)", **values)
                )
        return "\n".join(lines)

    # ------------------------------------------------------------------ corrections
    def _billing_ereport_rectificative(self):
        """RE: the full content of the period again, replacing the report sent. Never "CO",
        which rule G8.01 of the PPF schematron (v1.0, v1.1) rejects: TT-4 is IN or RE.

        Whether an RE replaces the period or carries the differences, the sources read
        (December 2026) say "replaces": Odoo's public PPF sample FFE1025A_..294 (TypeCode
        RE) repeats the whole period of ..292 with the corrected amounts (odoo/odoo
        addons/l10n_fr_pdp/tests/data, LGPL); the platform Pagero names the same
        transmission REPLACE_PERIOD (pagero/puf-billing PR #192, "the canonical
        transmission type", beside its own ADD/EDIT operations); the XSD's TT-4 says only
        "Type de transmission" and TT-5 (the report corrected) is for exchanges between a
        user and its platform (pyfrctc's note), so the period identifies what is
        replaced. The DGFiP's external specifications (annexe on e-reporting) were not
        found in the public sources we could read: see docs/billing_fr_compliance.md."""
        self.ensure_one()
        existing = self.search(
            [
                ("corrected_id", "=", self.id),
                ("state", "in", ("to_prepare", "ready", "rejected")),
            ],
            limit=1,
        )
        if existing:
            existing._billing_ereport_prepare()
            return existing
        report = self.create(
            {
                "company_id": self.company_id.id,
                "kind": self.kind,
                "date_start": self.date_start,
                "date_end": self.date_end,
                "deadline": self.deadline,
                "type_code": "RE",
                "corrected_id": self.id,
            }
        )
        report._billing_ereport_prepare()
        return report

    def _billing_ereport_changed(self):
        """A sent report whose period now gives other content (a late invoice, a payment
        changed): its lines and what a preparation today gives differ (compared on the
        section, document and amounts of each line, read in SQL: tens of thousands)."""
        self.ensure_one()
        bulk = None
        if self.kind == "transactions":
            fresh, bulk, __, __ = self._billing_ereport_transaction_lines()
        else:
            fresh, __ = self._billing_ereport_payment_lines()

        def key(section, move_id, base, tax, amount):
            return (
                section,
                move_id,
                round(base or 0.0, 2),
                round(tax or 0.0, 2),
                round(amount or 0.0, 2),
            )

        fresh_keys = [
            key(v.get("section"), v.get("move_id"), v.get("base"), v.get("tax"), v.get("amount"))
            for v in fresh
            if v["section"] != "left_out"
        ]
        if bulk:
            fresh_keys += [
                key(section, move_id, base, tax, 0.0)
                for section, move_id, base, tax in self.env.execute_query(
                    SQL("SELECT section, move_id, base, tax FROM (%s) bulk", bulk)
                )
            ]
        self.env.flush_all()
        sent = [
            key(*row)
            for row in self.env.execute_query(
                SQL(
                    "SELECT section, move_id, base, tax, amount FROM billing_fr_ereport_line "
                    "WHERE report_id = %s AND section != 'left_out'",
                    self.id,
                )
            )
        ]
        return Counter(sent) != Counter(fresh_keys)
