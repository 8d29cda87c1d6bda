# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

from ..tools import frr

_logger = logging.getLogger(__name__)

STATES = [
    ("to_prepare", "To prepare"),
    ("ready", "Ready"),
    ("sent", "Sent"),
    ("accepted", "Accepted"),
    ("rejected", "Rejected"),
    ("corrected", "Corrected"),
]


class BillingFrEreport(models.Model):
    """One e-reporting file (flux 10) of a company for one period: the sales to private and
    foreign customers (transactions, 10.1 + 10.3) or the payments received on those whose
    VAT is due on receipt (payments, 10.2 + 10.4)."""

    _name = "billing.fr.ereport"
    _description = "E-reporting (flux 10)"
    _inherit = ["mail.thread"]
    _check_company_auto = True
    _order = "date_start desc, kind, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    kind = fields.Selection(
        selection=[("transactions", "Sales"), ("payments", "Payments")],
        required=True,
        default="transactions",
    )
    date_start = fields.Date(string="From", required=True)
    date_end = fields.Date(string="To", required=True)
    deadline = fields.Date(required=True, tracking=True)
    type_code = fields.Selection(
        selection=[("IN", "Initial"), ("RE", "Rectificative")],
        string="Type",
        required=True,
        default="IN",
    )
    state = fields.Selection(
        selection=STATES, default="to_prepare", required=True, index=True, tracking=True
    )
    corrected_id = fields.Many2one(
        "billing.fr.ereport",
        string="Replaces",
        readonly=True,
        check_company=True,
        help="The report of the same period this rectificative report replaces.",
    )
    line_ids = fields.One2many("billing.fr.ereport.line", "report_id", string="Content")
    reported_line_ids = fields.One2many(
        "billing.fr.ereport.line",
        "report_id",
        domain=[("section", "!=", "left_out")],
        string="Reported",
    )
    left_out_line_ids = fields.One2many(
        "billing.fr.ereport.line",
        "report_id",
        domain=[("section", "=", "left_out")],
        string="Left Out",
    )
    problems = fields.Text(
        readonly=True, help="What stops this report from being sent, and what to fix."
    )
    reconciliation = fields.Json(readonly=True)
    reconciliation_html = fields.Html(
        string="Reconciliation to the Ledger", compute="_compute_reconciliation_html"
    )
    tolerated = fields.Text(
        string="Known Rule Bugs",
        readonly=True,
        help="Rules the file fires that are known bugs of the official rules (France_RFE #60: "
        "negative payment amounts), tolerated.",
    )
    file = fields.Binary(attachment=True, readonly=True, copy=False)
    file_name = fields.Char(readonly=True, copy=False)
    prepared_date = fields.Datetime(readonly=True, copy=False)
    flow_ids = fields.One2many("billing.pa.flow", "ereport_id", string="Flows")
    platform_message = fields.Text(readonly=True, copy=False)
    amount_base = fields.Monetary(string="Untaxed", compute="_compute_amounts")
    amount_tax = fields.Monetary(string="VAT", compute="_compute_amounts")
    amount_received = fields.Monetary(string="Received", compute="_compute_amounts")

    @api.depends("kind", "date_start", "date_end", "type_code")
    def _compute_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for report in self:
            report.name = "%s %s – %s%s" % (
                kinds.get(report.kind, ""),
                report.date_start or "",
                report.date_end or "",
                " (RE)" if report.type_code == "RE" else "",
            )

    @api.depends("kind", "date_start", "date_end", "type_code")
    @api.depends_context("lang")
    def _compute_display_name(self):
        """The kind and period in the reader's language and date format (the stored
        ``name``, a search key, is in the language of whoever created the report: the
        scheduled action's, the demo's)."""
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for report in self:
            if not (report.date_start and report.date_end):
                report.display_name = report.name or ""
                continue
            report.display_name = self.env._(
                "%(kind)s %(start)s – %(end)s%(rectificative)s",
                kind=kinds.get(report.kind, ""),
                start=format_date(self.env, report.date_start),
                end=format_date(self.env, report.date_end),
                rectificative=" (RE)" if report.type_code == "RE" else "",
            )

    @api.depends("line_ids.base", "line_ids.tax", "line_ids.amount")
    def _compute_amounts(self):
        totals = {
            report.id: (base, tax, amount)
            for report, base, tax, amount in self.env["billing.fr.ereport.line"]._read_group(
                [("report_id", "in", self.ids), ("section", "!=", "left_out")],
                ["report_id"],
                ["base:sum", "tax:sum", "amount:sum"],
            )
        }
        for report in self:
            base, tax, amount = totals.get(report.id, (0.0, 0.0, 0.0))
            report.amount_base, report.amount_tax, report.amount_received = base, tax, amount

    def _compute_reconciliation_html(self):
        for report in self:
            rows = report.reconciliation or []
            if not rows:
                report.reconciliation_html = False
                continue
            body = "".join(
                "<tr class='%s'><td>%s %%</td><td class='text-end'>%.2f</td>"
                "<td class='text-end'>%.2f</td><td class='text-end'>%.2f</td></tr>"
                % (
                    "text-danger" if abs(row["difference"]) >= 0.005 else "",
                    row["rate"],
                    row["report"],
                    row["ledger"],
                    row["difference"],
                )
                for row in rows
            )
            report.reconciliation_html = (
                "<table class='table table-sm'><thead><tr><th>%s</th><th class='text-end'>%s"
                "</th><th class='text-end'>%s</th><th class='text-end'>%s</th></tr></thead>"
                "<tbody>%s</tbody></table>"
                % (_("VAT rate"), _("Report"), _("Ledger"), _("Difference"), body)
            )

    # ------------------------------------------------------------------ actions
    def action_prepare(self):
        for report in self:
            if report.state not in ("to_prepare", "ready", "rejected"):
                raise UserError(
                    _(
                        "%(report)s was already sent: a correction is a rectificative report.",
                        report=report.display_name,
                    )
                )
            report._billing_ereport_prepare()
        return True

    def action_send(self):
        """A billing manager releases the report: it is queued for the platform."""
        if not self.env.user.has_group("account.group_account_manager"):
            raise UserError(_("Only a billing manager can send an e-reporting file."))
        for report in self:
            report._billing_ereport_send()
        return True

    def action_correct(self):
        """A rectificative report (RE) of the same period, replacing this one."""
        self.ensure_one()
        if self.state not in ("sent", "accepted"):
            raise UserError(
                _(
                    "%(report)s was not sent: prepare it again instead of correcting it.",
                    report=self.display_name,
                )
            )
        report = self._billing_ereport_rectificative()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": report.id,
            "view_mode": "form",
        }

    def action_open_moves(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Documents"),
            "res_model": "account.move",
            "domain": [("id", "in", self.line_ids.move_id.ids)],
            "view_mode": "list,form",
        }

    # ------------------------------------------------------------------ preparation
    def _billing_ereport_company_problems(self):
        company = self.company_id
        problems = []
        if not company._fr_is_french():
            problems.append(
                _(
                    "%(company)s is not a French company: it has no e-reporting.",
                    company=company.name,
                )
            )
        if not company.siren:
            problems.append(
                _("%(company)s: fill in the SIREN (Settings > Companies).", company=company.name)
            )
        if not company.billing_ereport_regime:
            problems.append(
                _(
                    "%(company)s: choose the VAT regime for e-reporting (Settings > Invoicing).",
                    company=company.name,
                )
            )
        return problems

    def _billing_ereport_prepare(self):
        self.ensure_one()
        problems = self._billing_ereport_company_problems()
        self.env.flush_all()
        self.env.execute_query(
            SQL("DELETE FROM billing_fr_ereport_line WHERE report_id = %s", self.id)
        )
        self.env["billing.fr.ereport.line"].invalidate_model()
        self.invalidate_recordset(["line_ids", "reported_line_ids", "left_out_line_ids"])
        vals, bulk, accounted, reconciliation = [], None, None, []
        if not problems:
            if self.kind == "transactions":
                vals, bulk, move_problems, accounted = self._billing_ereport_transaction_lines()
            else:
                vals, move_problems = self._billing_ereport_payment_lines()
            problems += move_problems
        self._billing_ereport_insert_lines(vals)
        if bulk:
            self._billing_ereport_insert_bulk(bulk)
        if accounted is not None:
            # from what the report now holds, to the cent, per rate and per move
            reconciliation, move_problems = self._billing_ereport_reconcile(accounted)
            problems += move_problems
        self.write(
            {
                "reconciliation": reconciliation,
                "prepared_date": self.env.cr.now(),  # the clock of the moves' write_date
                "file": False,
                "file_name": False,
                "tolerated": False,
            }
        )
        if not problems:
            problems += self._billing_ereport_build_file()
        self.write(
            {
                "problems": "\n".join(problems) or False,
                "state": "ready" if not problems else "to_prepare",
            }
        )

    # ------------------------------------------------------------------ scheduled action
    @api.model
    def _cron_billing_ereport(self):
        """Prepare each report whose period has closed, correct sent ones whose period
        changed, and send the ready ones due soon where the platform sends automatically.
        Each report in its own savepoint: one that fails is recorded, the others go on."""
        today = fields.Date.context_today(self)
        companies = self.env["res.company"].search([("billing_ereport_regime", "!=", False)])
        for company in companies.filtered(lambda c: c._fr_is_french()):
            platform = self.env["billing.pa.platform"].sudo()._billing_pa_for_company(company)
            if platform and platform.billing_ereport_reporter == "platform":
                continue
            self.with_company(company)._billing_ereport_create_due(company, today)
            reports = self._billing_ereport_to_check(company, today)
            for report in reports:
                try:
                    with self.env.cr.savepoint():
                        if report.state == "to_prepare" and report.date_end < today:
                            report._billing_ereport_prepare()
                        elif (
                            report.state in ("sent", "accepted")
                            and report._billing_ereport_changed()
                        ):
                            report._billing_ereport_rectificative()
                        if (
                            report.state == "ready"
                            and platform.billing_ereport_auto_send
                            and report.deadline
                            - timedelta(days=company.billing_ereport_days_before)
                            <= today
                        ):
                            report._billing_ereport_send()
                except Exception as error:  # recorded on the report, the others go on
                    _logger.info("e-report %s: %s", report.id, error)
                    report.problems = str(error)

    @api.model
    def _billing_ereport_to_check(self, company, today):
        """The reports of ``company`` the daily run looks at, read in one query: those to
        prepare or send, and the sent ones whose deadline is within the company's check
        window (``billing_ereport_check_days``) and whose period may have changed: for a
        sales report, a sale of its period written after it was prepared (a late invoice, a
        cancelled one); a payments report is compared in full (a payment taken off leaves
        no trace on its period's records). Older periods are corrected by hand (Correct).
        A move's write_date is its transaction's start: one committed after the preparation
        began, unseen by it, may be written earlier than the report was prepared; the hour
        of margin takes such moves in (the full comparison then decides)."""
        since = today - timedelta(days=company.billing_ereport_check_days)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT r.id FROM billing_fr_ereport r
                 WHERE r.company_id = %(company)s
                   AND (r.state IN ('to_prepare', 'ready')
                        OR (r.state IN ('sent', 'accepted') AND r.deadline >= %(since)s
                            AND (r.kind = 'payments' OR EXISTS (
                                SELECT 1 FROM account_move m
                                 WHERE m.company_id = r.company_id
                                   AND m.move_type IN ('out_invoice', 'out_refund')
                                   AND m.invoice_date BETWEEN r.date_start AND r.date_end
                                   AND m.write_date >= r.prepared_date - INTERVAL '1 hour'))))
                 ORDER BY r.date_start, r.kind, r.id
                """,
                company=company.id,
                since=since,
            )
        )
        return self.browse([row[0] for row in rows])

    @api.model
    def _billing_ereport_demo_data(self, platform):
        """Demo: the sales and payments reports of the period that holds the demo sale to a
        private customer, prepared (the demo company reports in the quarterly regime: one
        month a report, through the demo platform). Run again, it adds nothing."""
        b2c = self.env.ref("billing_fr_compliance.invoice_demo_b2c", raise_if_not_found=False)
        if not b2c or b2c.state != "posted":
            return self.browse()
        company = b2c.company_id
        if not platform.billing_ereport_matricule:
            platform.billing_ereport_matricule = "0042"
        if not company.billing_ereport_regime:
            company.billing_ereport_regime = "quarterly"
        reports = self.browse()
        for kind in frr.KINDS:
            for start, end, deadline in company._billing_ereport_periods(
                kind, b2c.invoice_date, b2c.invoice_date
            ):
                domain = [
                    ("company_id", "=", company.id),
                    ("kind", "=", kind),
                    ("date_start", "=", start),
                    ("type_code", "=", "IN"),
                ]
                report = self.search(domain, limit=1) or self.create(
                    {
                        "company_id": company.id,
                        "kind": kind,
                        "date_start": start,
                        "date_end": end,
                        "deadline": deadline,
                    }
                )
                if report.state == "to_prepare":
                    try:
                        with self.env.cr.savepoint():
                            report._billing_ereport_prepare()
                    except Exception as error:  # demo data never stops an install
                        _logger.info("demo e-report %s not prepared: %s", report.id, error)
                reports |= report
        return reports

    def _billing_ereport_create_due(self, company, today):
        start = company.billing_ereport_start_date
        if not start or start >= today:
            return
        existing = {
            (r.kind, r.date_start)
            for r in self.search([("company_id", "=", company.id), ("type_code", "=", "IN")])
        }
        vals = []
        for kind in frr.KINDS:
            for period_start, end, deadline in company._billing_ereport_periods(
                kind, start, today - timedelta(days=1)
            ):
                if end >= today or (kind, period_start) in existing:
                    continue
                vals.append(
                    {
                        "company_id": company.id,
                        "kind": kind,
                        "date_start": period_start,
                        "date_end": end,
                        "deadline": deadline,
                    }
                )
        if vals:
            self.create(vals)
