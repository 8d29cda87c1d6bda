# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import functools
from collections import defaultdict

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import format_date, formatLang

from ..tools import interest as interest_tools


class BillingDunningPenalty(models.AbstractModel):
    """French late-payment penalties of an overdue invoice: late interest (tools/interest.py
    over the rates of billing.dunning.rate and the invoice's payments) and the fixed 40 EUR
    recovery indemnity."""

    _name = "billing.dunning.penalty"
    _description = "Dunning Late-Payment Penalties"

    @api.model
    def _dunning_rates(self):
        Rate = self.env["billing.dunning.rate"]
        return {"ecb_refi": Rate._get_rates("ecb_refi"), "legal": Rate._get_rates("legal")}

    @api.model
    def _dunning_indemnity_amount(self, company, day):
        """The fixed 40 EUR recovery indemnity in the company's currency on ``day``."""
        return self.env.ref("base.EUR")._convert(
            float(interest_tools.recovery_indemnity(True)), company.currency_id, company, day
        )

    @api.model
    def _dunning_penalties(self, move, is_b2b, policy, today, rates, payments, indemnity_amount):
        """Late interest not yet invoiced of ``move`` up to ``today`` and its indemnity:
        ``{"interest", "detail", "indemnity"}``.

        Between professionals: from the day after the due date, ECB refi + 10 points (or the
        policy's higher rate), plus 40 EUR once. A consumer owes neither until a formal notice
        was sent; then the legal interest rate runs from the day after the notice."""
        if is_b2b:
            kind = "ecb_refi"
            compute = functools.partial(
                interest_tools.late_interest,
                move.amount_total_signed,
                move.invoice_date_due,
                today,
                rates[kind],
                contractual_rate=policy.interest_rate or None,
            )
        elif move.dunning_notice_date:
            kind = "legal"
            compute = functools.partial(
                interest_tools.consumer_late_interest,
                move.amount_total_signed,
                move.dunning_notice_date,
                today,
                rates[kind],
            )
        else:
            return {"interest": 0.0, "detail": False, "indemnity": 0.0}
        try:
            result = compute(payments=payments, start_date=move.dunning_interest_until or None)
        except interest_tools.RateMissing as missing:
            raise UserError(
                _(
                    "No %(rate)s is known for the half-year starting %(date)s (menu "
                    "%(menu)s); late interest of %(invoice)s cannot be computed.",
                    menu=self.env["billing.dunning.rate"]._get_menu().sudo().complete_name,
                    rate=dict(
                        self.env["billing.dunning.rate"]
                        ._fields["rate_type"]
                        ._description_selection(self.env)
                    )[kind],
                    date=missing.args[0],
                    invoice=move.name,
                )
            ) from missing
        details = []
        for period in result["periods"]:
            details.append(
                _(
                    "%(days)s d at %(rate)s %%",
                    days=period["days"],
                    rate=formatLang(self.env, float(period["rate"]), digits=2),
                )
            )
        detail = ", ".join(details)
        if not is_b2b and detail:
            detail = _(
                "legal interest rate from the formal notice of %(date)s: %(detail)s",
                date=format_date(self.env, move.dunning_notice_date),
                detail=detail,
            )
        return {
            "interest": float(result["interest"]),
            "detail": detail or False,
            "indemnity": indemnity_amount
            if is_b2b and not move.dunning_indemnity_invoiced
            else 0.0,
        }

    @api.model
    def _dunning_payments(self, moves):
        """{move_id: [(date, amount in company currency)]}: payments and credit notes
        reconciled with each invoice, read in one query."""
        if not moves:
            return {}
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT aml.move_id, apr.max_date, SUM(apr.amount)
                  FROM account_partial_reconcile apr
                  JOIN account_move_line aml ON aml.id = apr.debit_move_id
                 WHERE aml.move_id = ANY(%s)
                 GROUP BY aml.move_id, apr.max_date
                """,
                list(moves.ids),
            )
        )
        payments = defaultdict(list)
        for move_id, date, amount in self.env.cr.fetchall():
            payments[move_id].append((date, amount))
        return payments
