# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models

from .billing_dunning_receivable import BUCKETS


class ReportCustomerStatement(models.AbstractModel):
    """Customer statement (relevé de compte): the customer's open receivable lines of the
    current company, from the receivables schedule, with its totals by bucket."""

    _name = "report.billing_dunning.report_customer_statement"
    _description = "Customer Statement"

    @api.model
    def _get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids)
        return self._statement_values(partners, self.env.company)

    @api.model
    def _statement_values(self, partners, company):
        """Values of the statement template for ``partners`` in ``company``."""
        Schedule = (
            self.env["billing.dunning.receivable"]
            .with_context(allowed_company_ids=company.ids)
            .with_company(company)
        )
        lines = Schedule.search(
            [("partner_id", "in", partners.commercial_partner_id.ids)],
            order="partner_id, date_maturity, id",
        )
        by_partner = defaultdict(lambda: Schedule)
        for line in lines:
            by_partner[line.partner_id.id] |= line
        statements = {}
        labels = dict(BUCKETS)
        for partner in partners:
            own = by_partner[partner.commercial_partner_id.id]
            totals = defaultdict(float)
            for line in own:
                totals[line.bucket] += line.amount_residual
            statements[partner.id] = {
                "lines": own,
                "total": sum(own.mapped("amount_residual")),
                "overdue": sum(
                    own.filtered(lambda line: line.bucket != "0_not_due").mapped("amount_residual")
                ),
                "buckets": [(key, labels[key], totals.get(key, 0.0)) for key, _label in BUCKETS],
            }
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": company,
            "currency": company.currency_id,
            "statements": statements,
            "today": fields.Date.context_today(self),
        }


class ReportReminderStatement(models.AbstractModel):
    """The customer statement of a reminder's customer, in the reminder's company: a report
    of the reminders, so that their e-mail template can attach it (Attachments)."""

    _name = "report.billing_dunning.report_reminder_statement"
    _description = "Customer Statement of a Reminder"

    @api.model
    def _get_report_values(self, docids, data=None):
        reminders = self.env["billing.dunning.reminder"].browse(docids)
        company = reminders.company_id[:1] or self.env.company
        partners = reminders.filtered(lambda r: r.company_id == company).partner_id
        return self.env["report.billing_dunning.report_customer_statement"]._statement_values(
            partners, company
        )
