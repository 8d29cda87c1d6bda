# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .billing_dunning_habit import HABIT_WINDOW


class BillingDunningBacktest(models.Model):
    """How far the expected payment dates would have been from the real ones: each invoice
    of the company paid in the last 12 months is predicted again with only what was known
    at its invoice date (the customer's median delay over its invoices paid before that
    date, else the company's over the 12 months before the invoice's month, else the due
    date), and compared with the plain due date. One row per company."""

    _name = "billing.dunning.backtest"
    _description = "Expected Payment Date Accuracy"
    _auto = False
    _order = "company_id"
    _rec_name = "company_id"

    company_id = fields.Many2one("res.company", readonly=True)
    invoice_count = fields.Integer(string="Paid invoices tested", readonly=True)
    expected_error = fields.Float(
        string="Mean error of the expected date (days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
    )
    due_error = fields.Float(
        string="Mean error of the due date (days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
    )
    improvement = fields.Float(
        string="Error reduced by (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 0),
        help="How much smaller the error of the expected date is than the due date's.",
    )
    history_count = fields.Integer(
        string="Predicted from the customer's own history",
        readonly=True,
        help="Invoices whose customer had invoices paid before them; the others were "
        "predicted from the company's habit.",
    )

    _depends = {
        "account.move": [
            "billing_paid_date",
            "billing_paid_delay",
            "move_type",
            "payment_state",
            "commercial_partner_id",
            "invoice_date",
        ],
        "account.move.line": [
            "move_id",
            "account_id",
            "company_id",
            "parent_state",
            "date_maturity",
            "reconciled",
        ],
        "account.partial.reconcile": ["debit_move_id", "credit_move_id"],
        "account.account": ["account_type"],
    }

    @property
    def _table_query(self):
        self.env["billing.dunning.habit"]._flush_habits()
        return self._backtest_query(fields.Date.context_today(self), tuple(self.env.companies.ids))

    @api.model
    def _backtest_query(self, today, company_ids):
        habit = self.env["billing.dunning.receivable"]._habit_query(today, company_ids)
        return SQL(
            """
            WITH %(habit)s,
            history AS (
                -- each paid invoice with its customer's whole history (latest first), by a
                -- window rather than a join: no join to plan on a CTE's guessed size
                SELECT pm.*,
                       ARRAY_AGG(paid_date) OVER w AS dates,
                       ARRAY_AGG(delay) OVER w AS delays,
                       ARRAY_AGG(move_id) OVER w AS moves
                  FROM paid_move pm
                WINDOW w AS (
                    PARTITION BY company_id, partner_id
                    ORDER BY paid_date DESC, move_id DESC
                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                )
            ),
            months AS MATERIALIZED (
                SELECT DISTINCT company_id, date_trunc('month', invoice_date)::date AS month
                  FROM paid_move
                 WHERE paid_date > %(year_ago)s
            ),
            company_month AS MATERIALIZED (
                SELECT m.company_id, m.month,
                       PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY pm.delay) AS delay
                  FROM months m
                  JOIN paid_move pm
                    ON pm.company_id = m.company_id
                   AND pm.paid_date < m.month
                   AND pm.invoice_date < m.month
                   AND pm.paid_date >= m.month - INTERVAL '12 months'
                 GROUP BY m.company_id, m.month
            ),
            tested AS (
                SELECT pm.company_id, pm.delay, own.n,
                       ROUND(COALESCE(own.delay, cm.delay, 0)) AS predicted
                  FROM history pm
                  LEFT JOIN company_month cm
                         ON cm.company_id = pm.company_id
                        AND cm.month = date_trunc('month', pm.invoice_date)::date
                  LEFT JOIN LATERAL (
                        SELECT COUNT(*) AS n,
                               PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY known.delay)
                                   AS delay
                          FROM (
                                SELECT u.delay
                                  FROM UNNEST(pm.dates, pm.delays, pm.moves) WITH ORDINALITY
                                       AS u(paid_date, delay, move_id, rank)
                                 WHERE u.paid_date < pm.invoice_date
                                   AND u.move_id != pm.move_id
                                 ORDER BY u.rank
                                 LIMIT %(window)s
                          ) known
                  ) own ON TRUE
                 WHERE pm.paid_date > %(year_ago)s
                   AND pm.invoice_date IS NOT NULL
            )
            SELECT company_id AS id, company_id, COUNT(*) AS invoice_count,
                   AVG(ABS(delay - predicted)) AS expected_error,
                   AVG(ABS(delay)) AS due_error,
                   CASE WHEN AVG(ABS(delay)) > 0
                        THEN 100 * (1 - AVG(ABS(delay - predicted)) / AVG(ABS(delay)))
                   END AS improvement,
                   COUNT(*) FILTER (WHERE n > 0) AS history_count
              FROM tested
             GROUP BY company_id
            """,
            habit=habit,
            year_ago=today - timedelta(days=365),
            window=HABIT_WINDOW,
        )
