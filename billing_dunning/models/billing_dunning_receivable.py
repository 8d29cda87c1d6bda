# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_date
from odoo.tools.sql import create_index

from .billing_dunning_run import PA_BLOCKING_STATUSES, PA_PAYMENT_SENT

BUCKETS = [
    ("0_not_due", "Not due"),
    ("1_30", "1-30 days"),
    ("2_60", "31-60 days"),
    ("3_90", "61-90 days"),
    ("4_older", "Over 90 days"),
]
# weeks of the cash-in forecast counted week by week; months beyond
FORECAST_WEEKS = 13
# without a dunning policy, the wait after 211 Paiement transmis (the policy's default)
PA_PAYMENT_SENT_DAYS = 10


class BillingDunningReceivable(models.Model):
    """Schedule of receivables: one row per open receivable journal item of the current
    companies, with its bucket and the date it is expected to be paid.

    A SQL report like ``account.invoice.report``: ``_depends`` names what it reads and the
    query (``_table_query``) is built with ``SQL()`` at each search, for today's date and the
    current companies. The expected date is set-based too: one pass over the paid invoices
    (``percentile_cont``) gives each customer's median delay beyond the due date."""

    _name = "billing.dunning.receivable"
    _description = "Receivables Schedule"
    _auto = False
    _rec_name = "name"
    _order = "date_maturity, id"

    name = fields.Char(string="Entry", readonly=True)
    move_line_id = fields.Many2one("account.move.line", string="Journal item", readonly=True)
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    document_type = fields.Selection(
        [
            ("invoice", "Invoice"),
            ("credit_note", "Credit note"),
            ("payment", "Payment"),
            ("other", "Other entry"),
        ],
        readonly=True,
    )
    invoice_date = fields.Date(readonly=True)
    date_maturity = fields.Date(string="Due date", readonly=True)
    amount_residual = fields.Monetary(
        string="Amount due",
        currency_field="currency_id",
        readonly=True,
        help="What is left to pay on this line, in the company's currency; negative for a "
        "credit note or a payment not used yet.",
    )
    days_overdue = fields.Integer(string="Days overdue", readonly=True, aggregator="max")
    bucket = fields.Selection(BUCKETS, readonly=True)
    level_id = fields.Many2one("billing.dunning.level", string="Dunning level", readonly=True)
    is_retention = fields.Boolean(
        string="Retention",
        readonly=True,
        help="Retention (retenue de garantie) held until its release date.",
    )
    disputed = fields.Boolean(readonly=True)
    promise_date = fields.Date(string="Promised payment date", readonly=True)
    paused_until = fields.Date(readonly=True)
    pa_status_code = fields.Char(string="Platform status", readonly=True)
    pa_status_date = fields.Date(string="Platform status date", readonly=True)
    held_reason = fields.Selection(
        [
            ("dispute", "Disputed"),
            ("platform", "Platform status"),
            ("paused", "Follow-up paused"),
        ],
        string="Held because",
        readonly=True,
    )
    expected_rule = fields.Selection(
        [
            ("habit", "Customer's habit"),
            ("company_habit", "Company's habit"),
            ("due_date", "Due date"),
            ("promise", "Promise to pay"),
            ("payment_sent", "Payment sent"),
            ("retention", "Retention release"),
            ("held", "Not expected"),
            ("credit", "Credit to use"),
        ],
        string="Expected from",
        readonly=True,
    )
    expected_date = fields.Date(string="Expected payment date", readonly=True)
    habit_delay = fields.Float(
        string="Typical delay (days)",
        readonly=True,
        aggregator="avg",
        help="Median delay beyond the due date over the customer's latest paid invoices "
        "(the company's when the customer has none).",
    )
    habit_count = fields.Integer(string="Invoices learnt from", readonly=True, aggregator="max")
    forecast_state = fields.Selection(
        [
            ("expected", "Expected"),
            ("late", "Overdue, expected date passed"),
            ("held", "Not expected"),
            ("credit", "Credit"),
        ],
        string="Forecast",
        readonly=True,
    )
    forecast_period = fields.Date(
        string="Forecast period",
        readonly=True,
        help="First day of the week (the next 13 weeks) or of the month (beyond) in which "
        "the line is expected to be paid.",
    )
    expected_explanation = fields.Char(
        string="Why this date", compute="_compute_expected_explanation"
    )

    _depends = {
        "account.move": [
            "billing_paid_date",
            "billing_paid_delay",
            "name",
            "state",
            "move_type",
            "company_id",
            "commercial_partner_id",
            "invoice_user_id",
            "invoice_date",
            "invoice_date_due",
            "payment_state",
            "dunning_level_id",
            "dunning_disputed",
        ],
        "account.move.line": [
            "move_id",
            "account_id",
            "company_id",
            "company_currency_id",
            "parent_state",
            "date_maturity",
            "amount_residual",
            "reconciled",
            "payment_id",
        ],
        "account.partial.reconcile": ["debit_move_id", "credit_move_id"],
        "account.account": ["account_type"],
        "billing.dunning.followup": [
            "partner_id",
            "company_id",
            "policy_id",
            "disputed",
            "paused_until",
            "promise_date",
            "promise_amount",
        ],
        "billing.dunning.policy": ["company_id", "is_default", "sequence", "pa_payment_sent_days"],
        "billing.dunning.habit": ["company_id", "partner_id", "delay", "count"],
    }

    # ------------------------------------------------------------------ the query

    def init(self):
        res = super().init()
        # the open journal items by due date: the list's first page reads them in order and
        # stops at its limit
        create_index(
            self.env.cr,
            "account_move_line_billing_open_due_idx",
            "account_move_line",
            ["(COALESCE(date_maturity, date))", "id"],
            where="parent_state = 'posted' AND NOT reconciled AND amount_residual != 0",
        )
        return res

    @property
    def _table_query(self):
        self.env["billing.dunning.habit"]._flush_habits()
        query = self._receivable_query(
            fields.Date.context_today(self), tuple(self.env.companies.ids)
        )
        # fields of optional addons, not in _depends: flushed before the query all the same
        return SQL().join([query, *(SQL(to_flush=field) for field in self._optional_depends())])

    @api.model
    def _optional_depends(self):
        move_fields = self.env["account.move"]._fields
        line_fields = self.env["account.move.line"]._fields
        names = [
            (move_fields, "billing_pa_status_code"),
            (move_fields, "billing_pa_status_date"),
            (line_fields, "billing_is_retention"),
        ]
        return [fields_[name] for fields_, name in names if name in fields_]

    @api.model
    def _receivable_pa_aware(self):
        return "billing_pa_status_code" in self.env["account.move"]._fields

    @api.model
    def _receivable_retention_aware(self):
        return "billing_is_retention" in self.env["account.move.line"]._fields

    @api.model
    def _company_habit_sql(self, today, company_ids):
        """One row per company: the median delay over its invoices paid in the last 12
        months and how many (read from an index)."""
        return SQL(
            """
            SELECT company_id, COUNT(*) AS n,
                   PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY billing_paid_delay) AS delay
              FROM account_move
             WHERE company_id IN %(companies)s
               AND billing_paid_date > %(year_ago)s
             GROUP BY company_id
            """,
            companies=company_ids or (0,),
            year_ago=today - timedelta(days=365),
        )

    @api.model
    def _habit_query(self, today, company_ids):
        """CTEs ``paid_move`` (one row per paid customer invoice: its delay in days beyond
        the due date and when it was paid, as stored on the invoice by
        ``billing.dunning.habit``) and ``company_habit`` (median over the company's invoices
        paid in the last 12 months, read from an index)."""
        return SQL(
            """
            paid_move AS (
                SELECT company_id, commercial_partner_id AS partner_id, id AS move_id,
                       invoice_date, billing_paid_date AS paid_date,
                       billing_paid_delay AS delay
                  FROM account_move
                 WHERE company_id IN %(companies)s
                   AND billing_paid_date IS NOT NULL
            ),
            company_habit AS MATERIALIZED (%(company_habit)s)
            """,
            companies=company_ids or (0,),
            company_habit=self._company_habit_sql(today, company_ids),
        )

    @api.model
    def _receivable_query(self, today, company_ids):
        week = SQL("date_trunc('week', %s::date)::date", today)
        return SQL(
            """
            SELECT d.id, d.move_line_id, d.move_id, d.company_id, d.currency_id, d.name,
                   d.partner_id, d.user_id, d.document_type, d.invoice_date, d.date_maturity,
                   d.amount_residual,
                   GREATEST(%(today)s - d.date_maturity, 0) AS days_overdue,
                   CASE
                       WHEN d.date_maturity >= %(today)s THEN '0_not_due'
                       WHEN %(today)s - d.date_maturity <= 30 THEN '1_30'
                       WHEN %(today)s - d.date_maturity <= 60 THEN '2_60'
                       WHEN %(today)s - d.date_maturity <= 90 THEN '3_90'
                       ELSE '4_older'
                   END AS bucket,
                   d.level_id, d.is_retention, d.disputed, d.promise_date, d.paused_until,
                   d.pa_status_code, d.pa_status_date, d.held_reason, d.expected_rule,
                   d.expected_date,
                   CASE d.expected_rule
                       WHEN 'habit' THEN d.partner_delay
                       WHEN 'company_habit' THEN d.company_delay
                   END AS habit_delay,
                   CASE d.expected_rule
                       WHEN 'habit' THEN d.partner_n
                       WHEN 'company_habit' THEN d.company_n
                   END AS habit_count,
                   -- the forecast's columns read the lines' columns, not the rule: PostgreSQL
                   -- writes each column's expression in full for every use of it
                   CASE
                       WHEN d.amount_residual < 0 THEN 'credit'
                       WHEN d.held_reason IS NOT NULL THEN 'held'
                       WHEN d.expected_date < %(today)s THEN 'late'
                       ELSE 'expected'
                   END AS forecast_state,
                   CASE
                       WHEN d.expected_date >= %(today)s
                       THEN date_trunc(
                           CASE WHEN d.expected_date < %(week)s + %(weeks)s * 7
                                THEN 'week' ELSE 'month' END,
                           d.expected_date
                       )::date
                   END AS forecast_period
              FROM (%(dated)s) d
            """,
            dated=self._receivable_dated_query(today, company_ids),
            today=today,
            week=week,
            weeks=FORECAST_WEEKS,
        )

    @api.model
    def _receivable_account_ids(self):
        """The receivable accounts, as constants in the query: PostgreSQL then estimates
        from the lines' own statistics how many are open receivables (through a join with
        the accounts it guesses a handful, and sorts them all rather than read the first
        page from the index of the open lines by due date)."""
        self.env["account.account"].flush_model(["account_type"])
        self.env.cr.execute(
            "SELECT id FROM account_account WHERE account_type = 'asset_receivable' ORDER BY id"
        )
        return tuple(row[0] for row in self.env.cr.fetchall()) or (0,)

    @api.model
    def _receivable_dated_query(self, today, company_ids):
        """The open lines with their rule and expected date. Written without a top-level
        ``WITH`` and with left joins on unique keys, so that PostgreSQL flattens it into the
        ORM's query: the list's order and limit reach the index of the open lines, and the
        joins whose columns a query does not read (bucket totals, counts) are removed."""
        if self._receivable_pa_aware():
            pa_code = SQL("move.billing_pa_status_code")
            pa_date = SQL("move.billing_pa_status_date::date")
        else:
            pa_code = SQL("NULL::varchar")
            pa_date = SQL("NULL::date")
        retention = (
            SQL("COALESCE(aml.billing_is_retention, FALSE)")
            if self._receivable_retention_aware()
            else SQL("FALSE")
        )
        companies = company_ids or (0,)
        return SQL(
            """
            -- the rule, and the date it gives (the same conditions in the same order, the
            -- date not read from the rule: one expression less for each use of the date)
            SELECT r.*,
                   CASE
                       WHEN r.amount_residual < 0 THEN 'credit'
                       WHEN r.held_reason IS NOT NULL THEN 'held'
                       WHEN r.is_retention THEN 'retention'
                       WHEN %(promise)s THEN 'promise'
                       WHEN %(payment_sent)s THEN 'payment_sent'
                       WHEN r.partner_n > 0 THEN 'habit'
                       WHEN r.company_n > 0 THEN 'company_habit'
                       ELSE 'due_date'
                   END AS expected_rule,
                   CASE
                       WHEN r.amount_residual < 0 OR r.held_reason IS NOT NULL THEN NULL
                       WHEN r.is_retention THEN r.date_maturity
                       WHEN %(promise)s THEN r.promise_date
                       WHEN %(payment_sent)s THEN r.pa_status_date + r.pa_days
                       WHEN r.partner_n > 0 THEN r.date_maturity + ROUND(r.partner_delay)::int
                       WHEN r.company_n > 0 THEN r.date_maturity + ROUND(r.company_delay)::int
                       ELSE r.date_maturity
                   END AS expected_date
              FROM (
                    SELECT ol.*,
                           CASE
                               WHEN ol.amount_residual < 0 THEN NULL
                               WHEN ol.disputed THEN 'dispute'
                               WHEN ol.pa_status_code IN %(blocking)s THEN 'platform'
                               WHEN ol.paused_until IS NOT NULL THEN 'paused'
                           END AS held_reason
                      FROM (%(open_line)s) ol
              ) r
            """,
            promise=SQL(
                """r.promise_date IS NOT NULL
                   AND (COALESCE(r.promise_amount, 0) <= 0
                        OR COALESCE(r.promised_before, 0) < r.promise_amount)"""
            ),
            payment_sent=SQL(
                "r.pa_status_code = %s AND r.pa_status_date IS NOT NULL", PA_PAYMENT_SENT
            ),
            open_line=SQL(
                """
                SELECT aml.id, aml.id AS move_line_id, aml.move_id, aml.company_id,
                       aml.company_currency_id AS currency_id,
                       move.name, move.commercial_partner_id AS partner_id,
                       move.invoice_user_id AS user_id,
                       CASE
                           WHEN move.move_type IN ('out_invoice', 'out_receipt') THEN 'invoice'
                           WHEN move.move_type = 'out_refund' THEN 'credit_note'
                           WHEN aml.payment_id IS NOT NULL THEN 'payment'
                           ELSE 'other'
                       END AS document_type,
                       move.invoice_date,
                       COALESCE(aml.date_maturity, aml.date) AS date_maturity,
                       aml.amount_residual,
                       move.dunning_level_id AS level_id,
                       %(retention)s AS is_retention,
                       (COALESCE(move.dunning_disputed, FALSE)
                        OR COALESCE(fu.disputed, FALSE)) AS disputed,
                       CASE WHEN fu.promise_date >= %(today)s THEN fu.promise_date END
                           AS promise_date,
                       fu.promise_amount,
                       CASE WHEN fu.paused_until >= %(today)s THEN fu.paused_until END
                           AS paused_until,
                       %(pa_code)s AS pa_status_code,
                       %(pa_date)s AS pa_status_date,
                       COALESCE(pol.pa_payment_sent_days, defpol.pa_payment_sent_days,
                                %(pa_days)s) AS pa_days,
                       pc.promised_before,
                       ph.delay AS partner_delay, ph.count AS partner_n,
                       ch.delay AS company_delay, ch.n AS company_n
                  FROM account_move_line aml
                  -- every line has its move: a left join that a query not reading the
                  -- move's columns drops
                  LEFT JOIN account_move move ON move.id = aml.move_id
                  LEFT JOIN billing_dunning_followup fu
                         ON fu.company_id = aml.company_id
                        AND fu.partner_id = move.commercial_partner_id
                  LEFT JOIN billing_dunning_policy pol ON pol.id = fu.policy_id
                  LEFT JOIN (
                        SELECT DISTINCT ON (company_id) company_id, pa_payment_sent_days
                          FROM billing_dunning_policy
                         WHERE company_id IN %(companies)s AND is_default
                         ORDER BY company_id, sequence, id
                  ) defpol ON defpol.company_id = aml.company_id
                  LEFT JOIN billing_dunning_habit ph
                         ON ph.company_id = aml.company_id
                        AND ph.partner_id = move.commercial_partner_id
                  LEFT JOIN (%(company_habit)s) ch ON ch.company_id = aml.company_id
                  LEFT JOIN (%(promise_cover)s) pc ON pc.id = aml.id
                 WHERE aml.company_id IN %(companies)s
                   AND aml.account_id IN %(accounts)s
                   AND aml.parent_state = 'posted'
                   AND NOT aml.reconciled
                   AND aml.amount_residual != 0
                """,
                accounts=self._receivable_account_ids(),
                retention=retention,
                today=today,
                pa_code=pa_code,
                pa_date=pa_date,
                pa_days=PA_PAYMENT_SENT_DAYS,
                companies=companies,
                company_habit=self._company_habit_sql(today, company_ids),
                promise_cover=SQL(
                    """
                    -- a promise covers the customer's lines by due date, up to its amount:
                    -- only the lines of customers with a current promise are ranked
                    SELECT aml.id,
                           SUM(CASE WHEN aml.amount_residual > 0 AND NOT %(retention)s
                                    THEN aml.amount_residual ELSE 0 END) OVER (
                               PARTITION BY aml.company_id, fu.partner_id
                               ORDER BY COALESCE(aml.date_maturity, aml.date), aml.id
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                           ) AS promised_before
                      FROM billing_dunning_followup fu
                      -- a receivable line's partner is its move's commercial partner
                      JOIN account_move_line aml
                        ON aml.partner_id = fu.partner_id
                       AND aml.company_id = fu.company_id
                      JOIN account_move move
                        ON move.id = aml.move_id
                       AND move.commercial_partner_id = fu.partner_id
                      JOIN account_account acc ON acc.id = aml.account_id
                     WHERE fu.company_id IN %(companies)s
                       AND fu.promise_date >= %(today)s
                       AND acc.account_type = 'asset_receivable'
                       AND aml.parent_state = 'posted'
                       AND NOT aml.reconciled
                       AND aml.amount_residual != 0
                    """,
                    retention=retention,
                    companies=companies,
                    today=today,
                ),
            ),
            blocking=PA_BLOCKING_STATUSES,
        )

    # ------------------------------------------------------------------ actions

    @api.model
    def _action_forecast(self):
        """The cash-in forecast, its title saying how far the expected dates were from the
        real ones over the last 12 months (the backtest), beside the due date's error."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "billing_dunning.billing_dunning_receivable_forecast_action"
        )
        tests = self.env["billing.dunning.backtest"].search(
            [("company_id", "in", self.env.companies.ids)]
        )
        count = sum(tests.mapped("invoice_count"))
        if count:
            expected = sum(t.expected_error * t.invoice_count for t in tests) / count
            due = sum(t.due_error * t.invoice_count for t in tests) / count
            action["name"] = _(
                "Cash-in Forecast (expected dates off by %(expected)s days on average, "
                "due dates by %(due)s, over %(count)s invoices paid in 12 months)",
                expected=format(expected, ".1f"),
                due=format(due, ".1f"),
                count=count,
            )
            # the web client titles the view with the display name
            action["display_name"] = action["name"]
        return action

    # ------------------------------------------------------------------ explanation

    # what the sentence is made of: fetched by the list's own search query (search_fetch
    # follows these), rather than by a second run of the report's query
    @api.depends(
        "expected_rule",
        "expected_date",
        "held_reason",
        "pa_status_code",
        "pa_status_date",
        "paused_until",
        "habit_delay",
        "habit_count",
    )
    @api.depends_context("lang")
    def _compute_expected_explanation(self):
        for line in self:
            line.expected_explanation = line._expected_explanation()

    def _expected_explanation(self):
        """One sentence: why the line is expected to be paid on its expected date."""
        self.ensure_one()
        rule = self.expected_rule
        date = format_date(self.env, self.expected_date) if self.expected_date else ""
        days = round(self.habit_delay or 0)
        if rule == "credit":
            return _("A credit of the customer, to be used on its next payments.")
        if rule == "held":
            if self.held_reason == "dispute":
                return _("Not expected: the invoice or the customer is disputed.")
            if self.held_reason == "platform":
                return _(
                    "Not expected: the customer's platform reported status %(status)s.",
                    status=self.pa_status_code,
                )
            return _(
                "Not expected: the customer's follow-up is paused until %(date)s.",
                date=format_date(self.env, self.paused_until),
            )
        if rule == "retention":
            return _("Retention: expected at its release date, %(date)s.", date=date)
        if rule == "promise":
            return _("The customer promised to pay on %(date)s.", date=date)
        if rule == "payment_sent":
            return _(
                "The customer's platform reported the payment as sent on %(status_date)s: "
                "expected on %(date)s.",
                status_date=format_date(self.env, self.pa_status_date),
                date=date,
            )
        if rule in ("habit", "company_habit"):
            if days > 0:
                delay = _("%(days)s days after the due date", days=days)
            elif days < 0:
                delay = _("%(days)s days before the due date", days=-days)
            else:
                delay = _("on the due date")
            if rule == "habit":
                return _(
                    "The customer pays %(delay)s (median of its last %(count)s paid "
                    "invoices): expected on %(date)s.",
                    delay=delay,
                    count=self.habit_count,
                    date=date,
                )
            return _(
                "New customer: the company's customers pay %(delay)s (median of %(count)s "
                "invoices paid in the last 12 months): expected on %(date)s.",
                delay=delay,
                count=self.habit_count,
                date=date,
            )
        return _(
            "No paid invoice to learn from yet: expected on its due date, %(date)s.", date=date
        )
