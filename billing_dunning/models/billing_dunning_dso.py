# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

# months shown; the count-back looks up to twice as far for the sales that explain them
DSO_MONTHS = 12


class BillingDunningDso(models.Model):
    """Days sales outstanding per company and month, by the count-back method: the
    receivables at the end of the month are covered by the sales of that month, then of the
    month before, and so on; DSO is the number of days of sales needed. Beside it, the
    average delay beyond the due date of the invoices paid in the month."""

    _name = "billing.dunning.dso"
    _description = "Days Sales Outstanding"
    _auto = False
    _order = "date desc, company_id"
    _rec_name = "date"

    date = fields.Date(string="Month", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company currency", readonly=True)
    receivable = fields.Monetary(
        string="Receivables at month end", currency_field="currency_id", readonly=True
    )
    sales = fields.Monetary(
        string="Sales of the month",
        currency_field="currency_id",
        readonly=True,
        help="Customer invoices less credit notes of the month, taxes included.",
    )
    dso = fields.Float(
        string="DSO (days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days of the latest sales that the receivables at the end of the month "
        "represent (count-back method).",
    )
    payment_delay = fields.Float(
        string="Average payment delay (days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Average delay beyond the due date of the invoices paid in the month "
        "(negative: paid before the due date).",
    )
    paid_count = fields.Integer(string="Invoices paid", readonly=True)

    _depends = {
        "account.move": ["move_type", "state", "commercial_partner_id", "payment_state"],
        "account.move.line": [
            "move_id",
            "account_id",
            "company_id",
            "company_currency_id",
            "parent_state",
            "date",
            "date_maturity",
            "balance",
            "reconciled",
        ],
        "account.partial.reconcile": ["debit_move_id", "credit_move_id"],
        "account.account": ["account_type"],
    }

    @property
    def _table_query(self):
        return self._dso_query(fields.Date.context_today(self), tuple(self.env.companies.ids))

    @api.model
    def _dso_query(self, today, company_ids):
        companies = company_ids or (0,)
        habit = self.env["billing.dunning.receivable"]._habit_query(today, company_ids)
        return SQL(
            """
            WITH %(habit)s,
            months AS (
                SELECT c.id AS company_id, c.currency_id, m::date AS month,
                       LEAST((m + INTERVAL '1 month - 1 day')::date, %(today)s) AS month_end
                  FROM res_company c
                 CROSS JOIN generate_series(
                       date_trunc('month', %(today)s::date) - %(back)s * INTERVAL '1 month',
                       date_trunc('month', %(today)s::date), INTERVAL '1 month') m
                 WHERE c.id IN %(companies)s
            ),
            movement AS (
                SELECT aml.company_id, date_trunc('month', aml.date)::date AS month,
                       SUM(aml.balance) AS net,
                       SUM(CASE WHEN move.move_type IN ('out_invoice', 'out_refund',
                                                        'out_receipt')
                                THEN aml.balance ELSE 0 END) AS sales
                  FROM account_move_line aml
                  JOIN account_move move ON move.id = aml.move_id
                  JOIN account_account acc ON acc.id = aml.account_id
                 WHERE aml.company_id IN %(companies)s
                   AND acc.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND aml.date <= %(today)s
                 GROUP BY 1, 2
            ),
            opening AS (
                SELECT mo.company_id, SUM(mo.net) AS net
                  FROM movement mo
                 WHERE mo.month < date_trunc('month', %(today)s::date)
                                  - %(back)s * INTERVAL '1 month'
                 GROUP BY 1
            ),
            balance AS (
                SELECT m.company_id, m.currency_id, m.month, m.month_end,
                       COALESCE(mo.sales, 0) AS sales,
                       COALESCE(op.net, 0) + SUM(COALESCE(mo.net, 0)) OVER (
                           PARTITION BY m.company_id ORDER BY m.month
                       ) AS receivable
                  FROM months m
                  LEFT JOIN movement mo
                         ON mo.company_id = m.company_id AND mo.month = m.month
                  LEFT JOIN opening op ON op.company_id = m.company_id
            ),
            countback AS (
                SELECT b.company_id, b.month, k.sales AS k_sales,
                       (k.month_end - k.month + 1) AS k_days,
                       SUM(k.sales) OVER (
                           PARTITION BY b.company_id, b.month ORDER BY k.month DESC
                       ) AS cum,
                       b.receivable
                  FROM balance b
                  JOIN balance k
                    ON k.company_id = b.company_id
                   AND k.month <= b.month
                   AND k.month > b.month - %(shown)s * INTERVAL '1 month'
            ),
            dso AS (
                SELECT company_id, month,
                       SUM(CASE
                               WHEN receivable <= 0 OR k_sales <= 0 THEN 0
                               WHEN cum <= receivable THEN k_days
                               WHEN cum - k_sales < receivable
                               THEN (receivable - (cum - k_sales)) / k_sales * k_days
                               ELSE 0
                           END) AS dso
                  FROM countback
                 GROUP BY 1, 2
            ),
            delay AS (
                SELECT company_id, date_trunc('month', paid_date)::date AS month,
                       AVG(delay) AS delay, COUNT(*) AS n
                  FROM paid_move
                 GROUP BY 1, 2
            )
            -- the same id for a company's month whoever asks (unique across companies)
            SELECT b.company_id::bigint * 1000000
                   + EXTRACT(YEAR FROM b.month)::int * 12 + EXTRACT(MONTH FROM b.month)::int AS id,
                   b.month AS date, b.company_id, b.currency_id, b.receivable, b.sales,
                   d.dso, dl.delay AS payment_delay, COALESCE(dl.n, 0) AS paid_count
              FROM balance b
              JOIN dso d ON d.company_id = b.company_id AND d.month = b.month
              LEFT JOIN delay dl ON dl.company_id = b.company_id AND dl.month = b.month
             WHERE b.month > date_trunc('month', %(today)s::date)
                             - %(shown)s * INTERVAL '1 month'
            """,
            habit=habit,
            today=today,
            back=2 * DSO_MONTHS - 1,
            shown=DSO_MONTHS,
            companies=companies,
        )
