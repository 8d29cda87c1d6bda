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
        "account.move": [
            "billing_paid_date",
            "billing_paid_delay",
            "move_type",
            "state",
            "commercial_partner_id",
            "payment_state",
        ],
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
        self.env["billing.dunning.habit"]._flush_habits()
        return self._dso_query(fields.Date.context_today(self), tuple(self.env.companies.ids))

    @api.model
    def _dso_query(self, today, company_ids):
        companies = company_ids or (0,)
        habit = self.env["billing.dunning.receivable"]._habit_query(today, company_ids)
        month = SQL("date_trunc('month', %s::date)::date", today)
        # the last DSO_MONTHS months
        snaps = SQL(
            "SELECT generate_series(%(month)s - %(back)s * INTERVAL '1 month', %(month)s, "
            "INTERVAL '1 month')::date",
            month=month,
            back=DSO_MONTHS - 1,
        )
        return SQL(
            """
            WITH %(habit)s, %(countback)s,
            months AS (
                SELECT c.id AS company_id, c.currency_id, s.snap AS month
                  FROM res_company c
                 CROSS JOIN (%(snaps)s) s(snap)
                 WHERE c.id IN %(companies)s
            ),
            delay AS (
                SELECT company_id, date_trunc('month', paid_date)::date AS month,
                       AVG(delay) AS delay, COUNT(*) AS n
                  FROM paid_move
                 GROUP BY 1, 2
            )
            -- the same id for a company's month whoever asks (unique across companies)
            SELECT m.company_id::bigint * 1000000
                   + EXTRACT(YEAR FROM m.month)::int * 12 + EXTRACT(MONTH FROM m.month)::int AS id,
                   m.month AS date, m.company_id, m.currency_id,
                   COALESCE(sn.receivable, 0) AS receivable, COALESCE(mo.sales, 0) AS sales,
                   COALESCE(d.dso, 0) AS dso, dl.delay AS payment_delay,
                   COALESCE(dl.n, 0) AS paid_count
              FROM months m
              LEFT JOIN snapshot sn ON sn.company_id = m.company_id AND sn.snap = m.month
              LEFT JOIN movement mo ON mo.company_id = m.company_id AND mo.month = m.month
              LEFT JOIN dso d ON d.company_id = m.company_id AND d.snap = m.month
              LEFT JOIN delay dl ON dl.company_id = m.company_id AND dl.month = m.month
            """,
            habit=habit,
            countback=self._countback_sql(today, company_ids, snaps),
            snaps=snaps,
            companies=companies,
        )

    @api.model
    def _countback_sql(self, today, company_ids, snaps, per_partner=False):
        """CTEs of the count-back DSO, per company (or per company and customer when
        ``per_partner``) at the end of each month of ``snaps`` (an SQL query of first days
        of months; the current month ends today): ``movement`` (net receivable movement and
        sales per month), ``snapshot`` (the receivable at the end of each month of
        ``snaps``) and ``dso`` (the days of the latest sales, up to ``DSO_MONTHS`` months,
        that this receivable represents; no row when it is not positive)."""
        companies = company_ids or (0,)
        if per_partner:
            key = SQL("company_id, partner_id")
            join = SQL("mo.company_id = s.company_id AND mo.partner_id = s.partner_id")
            partner = SQL("move.commercial_partner_id AS partner_id,")
            partner_filter = SQL("AND move.commercial_partner_id IS NOT NULL")
        else:
            key = SQL("company_id")
            join = SQL("mo.company_id = s.company_id")
            partner = partner_filter = SQL()
        return SQL(
            """
            movement AS (
                SELECT aml.company_id, %(partner)s
                       date_trunc('month', aml.date)::date AS month,
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
                   %(partner_filter)s
                 GROUP BY %(group)s
            ),
            snapshot AS (
                SELECT %(key)s, snap,
                       SUM(net) FILTER (WHERE month <= snap) AS receivable
                  FROM movement
                 CROSS JOIN (%(snaps)s) s(snap)
                 GROUP BY %(key)s, snap
            ),
            countback AS (
                SELECT s.*, mo.sales AS k_sales,
                       LEAST((mo.month + INTERVAL '1 month - 1 day')::date, %(today)s)
                       - mo.month + 1 AS k_days,
                       SUM(mo.sales) OVER (
                           PARTITION BY %(s_key)s, s.snap ORDER BY mo.month DESC
                       ) AS cum
                  FROM snapshot s
                  JOIN movement mo
                    ON %(join)s
                   AND mo.month <= s.snap
                   AND mo.month > s.snap - %(shown)s * INTERVAL '1 month'
                 WHERE s.receivable > 0
            ),
            dso AS (
                SELECT %(key)s, snap,
                       SUM(CASE
                               WHEN k_sales <= 0 THEN 0
                               WHEN cum <= receivable THEN k_days
                               WHEN cum - k_sales < receivable
                               THEN (receivable - (cum - k_sales)) / k_sales * k_days
                               ELSE 0
                           END) AS dso
                  FROM countback
                 GROUP BY %(key)s, snap
            )
            """,
            partner=partner,
            partner_filter=partner_filter,
            key=key,
            group=SQL("1, 2, 3") if per_partner else SQL("1, 2"),
            s_key=SQL("s.company_id, s.partner_id") if per_partner else SQL("s.company_id"),
            join=join,
            snaps=snaps,
            companies=companies,
            today=today,
            shown=DSO_MONTHS,
        )


class BillingDunningPartnerDso(models.Model):
    """Per customer: DSO (count-back) today and at the end of last month, and the average
    payment delay of the last 3 months beside the 3 months before, so a trend shows."""

    _name = "billing.dunning.partner.dso"
    _description = "Customer DSO and Payment Delay"
    _auto = False
    _order = "dso desc, id"
    _rec_name = "partner_id"

    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company currency", readonly=True)
    receivable = fields.Monetary(
        string="Receivable today", currency_field="currency_id", readonly=True
    )
    dso = fields.Float(
        string="DSO (days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days of the customer's latest sales that its receivable represents today "
        "(count-back method).",
    )
    dso_previous = fields.Float(
        string="DSO at the end of last month",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
    )
    dso_trend = fields.Float(
        string="DSO change (days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="DSO today less DSO at the end of last month: positive, the customer pays slower.",
    )
    payment_delay = fields.Float(
        string="Average delay, last 3 months",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Average delay beyond the due date of its invoices paid in the last 3 months.",
    )
    payment_delay_previous = fields.Float(
        string="Average delay, 3 months before",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
    )
    delay_trend = fields.Float(
        string="Delay change (days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Average delay of the last 3 months less the 3 months before.",
    )
    paid_count = fields.Integer(string="Invoices paid, last 3 months", readonly=True)

    _depends = BillingDunningDso._depends

    @property
    def _table_query(self):
        self.env["billing.dunning.habit"]._flush_habits()
        return self._partner_dso_query(
            fields.Date.context_today(self), tuple(self.env.companies.ids)
        )

    @api.model
    def _partner_dso_query(self, today, company_ids):
        companies = company_ids or (0,)
        month = SQL("date_trunc('month', %s::date)::date", today)
        return SQL(
            """
            WITH %(countback)s,
            delay AS (
                SELECT company_id, commercial_partner_id AS partner_id,
                       AVG(billing_paid_delay) FILTER (
                           WHERE billing_paid_date > %(today)s - INTERVAL '3 months')
                           AS delay,
                       COUNT(*) FILTER (
                           WHERE billing_paid_date > %(today)s - INTERVAL '3 months') AS n,
                       AVG(billing_paid_delay) FILTER (
                           WHERE billing_paid_date <= %(today)s - INTERVAL '3 months')
                           AS delay_previous
                  FROM account_move
                 WHERE company_id IN %(companies)s
                   AND billing_paid_date > %(today)s - INTERVAL '6 months'
                   AND billing_paid_date <= %(today)s
                 GROUP BY 1, 2
            ),
            -- each customer's figures gathered by one grouping, not by joins of CTEs whose
            -- sizes PostgreSQL cannot guess (nested loops over 10,000 customers)
            fact AS (
                SELECT company_id, partner_id,
                       snap = %(month)s AND receivable != 0 AS listed,
                       CASE WHEN snap = %(month)s THEN receivable END AS receivable,
                       NULL::numeric AS dso, NULL::numeric AS dso_previous,
                       NULL::float8 AS delay, NULL::float8 AS delay_previous, NULL::bigint AS n
                  FROM snapshot
                UNION ALL
                SELECT company_id, partner_id, NULL, NULL,
                       CASE WHEN snap = %(month)s THEN dso END,
                       CASE WHEN snap = (%(month)s - INTERVAL '1 month')::date THEN dso END,
                       NULL, NULL, NULL
                  FROM dso
                UNION ALL
                SELECT company_id, partner_id, TRUE, NULL, NULL, NULL,
                       delay, delay_previous, n
                  FROM delay
            ),
            customer AS (
                SELECT company_id, partner_id, BOOL_OR(listed) AS listed,
                       MAX(receivable) AS receivable, MAX(dso) AS dso,
                       MAX(dso_previous) AS dso_previous, MAX(delay) AS delay,
                       MAX(delay_previous) AS delay_previous, MAX(n) AS n
                  FROM fact
                 GROUP BY company_id, partner_id
            )
            -- the same id for a company's customer whoever asks (unique across companies)
            SELECT p.company_id::bigint * 1000000000 + p.partner_id AS id,
                   p.company_id, p.partner_id, c.currency_id,
                   COALESCE(p.receivable, 0) AS receivable,
                   COALESCE(p.dso, 0) AS dso,
                   COALESCE(p.dso_previous, 0) AS dso_previous,
                   COALESCE(p.dso, 0) - COALESCE(p.dso_previous, 0) AS dso_trend,
                   p.delay AS payment_delay, p.delay_previous AS payment_delay_previous,
                   p.delay - p.delay_previous AS delay_trend,
                   COALESCE(p.n, 0) AS paid_count
              FROM customer p
              JOIN res_company c ON c.id = p.company_id
             WHERE p.listed
            """,
            countback=self.env["billing.dunning.dso"]._countback_sql(
                today,
                company_ids,
                SQL("VALUES (%(month)s), ((%(month)s - INTERVAL '1 month')::date)", month=month),
                per_partner=True,
            ),
            companies=companies,
            today=today,
            month=month,
        )
