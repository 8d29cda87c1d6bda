# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models

from ..tools import payment_terms


class AccountPaymentTerm(models.Model):
    _inherit = "account.payment.term"

    fr_legal_warning = fields.Char(
        string="French Legal Limit",
        compute="_compute_fr_legal_warning",
        help="Set when a line of these terms can fall due later than French law allows "
        "between businesses (60 days from the invoice date, or 45 days end of month).",
    )

    @api.depends(
        "line_ids.delay_type", "line_ids.nb_days", "line_ids.days_next_month", "line_ids.value"
    )
    def _compute_fr_legal_warning(self):
        for term in self:
            worst = (0, None)
            for line in term.line_ids:
                excess = payment_terms.worst_excess(line._get_due_date)
                if excess[0] > worst[0]:
                    worst = excess
            term.fr_legal_warning = (
                _(
                    "These terms exceed the French legal limit for business customers by up to "
                    "%(days)s days (e.g. for an invoice dated %(date)s): at most 60 days from "
                    "the invoice date, or 45 days end of month (art. L441-10 of the Code de "
                    "commerce). Invoices to businesses using them will be refused at posting.",
                    days=worst[0],
                    date=worst[1],
                )
                if worst[0]
                else False
            )
