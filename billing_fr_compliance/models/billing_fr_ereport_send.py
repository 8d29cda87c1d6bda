# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
# (billing.fr.ereport in files of one concern each: see billing_fr_ereport.py)
import base64

from odoo import _, models
from odoo.exceptions import UserError


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
        """A lifecycle answer of the platform about this report."""
        for report in self:
            report.write(
                {
                    "state": "accepted" if accepted else "rejected",
                    "platform_message": message or False,
                }
            )

    # ------------------------------------------------------------------ corrections
    def _billing_ereport_rectificative(self):
        """RE: the full content of the period again, replacing the report sent (as Odoo's
        public sample FFE1025A_..294 does against ..292: same period, every item repeated
        with the corrected amounts). Never "CO", which rule G8.01 rejects."""
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
        changed): its lines and what a preparation today gives differ."""
        self.ensure_one()
        if self.kind == "transactions":
            fresh, __, __ = self._billing_ereport_transaction_lines()
        else:
            fresh, __ = self._billing_ereport_payment_lines()

        def key(values):
            return (
                values.get("section"),
                values.get("move_id"),
                round(values.get("base") or 0.0, 2),
                round(values.get("tax") or 0.0, 2),
                round(values.get("amount") or 0.0, 2),
            )

        sent = sorted(
            key(
                {
                    "section": line.section,
                    "move_id": line.move_id.id,
                    "base": line.base,
                    "tax": line.tax,
                    "amount": line.amount,
                }
            )
            for line in self.line_ids
            if line.section != "left_out"
        )
        return sent != sorted(key(values) for values in fresh if values["section"] != "left_out")
