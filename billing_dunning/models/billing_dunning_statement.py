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
        Schedule = self.env["billing.dunning.receivable"]
        commercial = partners.commercial_partner_id
        lines = Schedule.search(
            [("partner_id", "in", commercial.ids)], order="partner_id, date_maturity, id"
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
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": self.env.company,
            "currency": self.env.company.currency_id,
            "statements": statements,
            "today": fields.Date.context_today(self),
        }
