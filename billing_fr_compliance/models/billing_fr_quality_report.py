# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# (billing quality, issue 22)
from contextlib import contextmanager

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..tools import cdar

# platform statuses counted as rejections: Rejetée, Irrecevable, Erreur de routage
REJECTION_CODES = ("213", "501", "221")
# a credit note posted within this many days of its invoice spoils its first time right
CORRECTION_DAYS = 30
# ratio measures: (numerator, denominator) summed over whatever rows a group holds
RATIOS = {
    "first_time_right_rate": ("first_time_right_count", "invoice_count"),
    "credit_share": ("amount_credited", "amount_invoiced"),
    "refused_rate": ("refused_count", "invoice_count"),
}


class BillingFrQualityReport(models.Model):
    """Billing quality per operator (the user who posted), month and company: documents
    posted, first time right, gate refusals by missing mention, credit notes by reason,
    platform rejections by reason. One row per operator, month, company and kind of fact
    (its mention, credit note category or rejection reason); the rates of any group are
    computed from its sums (``_read_group_select``), so totals are right."""

    _name = "billing.fr.quality.report"
    _description = "Billing Quality"
    _auto = False
    _order = "date desc, company_id, user_id"
    _rec_name = "date"

    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Operator", readonly=True)
    date = fields.Date(string="Month", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company Currency", readonly=True)
    kind = fields.Selection(
        selection=[
            ("invoice", "Invoices"),
            ("refund", "Credit notes"),
            ("refusal", "Gate refusals"),
            ("rejection", "Platform rejections"),
        ],
        readonly=True,
    )
    mention = fields.Selection(
        selection="_selection_mention",
        string="Missing Mention",
        readonly=True,
        help="A mention the gate found missing (gate refusals).",
    )
    credit_reason_id = fields.Many2one(
        "billing.fr.credit.reason", string="Credit Note Category", readonly=True
    )
    rejection_code = fields.Selection(
        selection="_selection_rejection_code", string="Platform Status", readonly=True
    )
    rejection_reason = fields.Selection(
        selection="_selection_rejection_reason",
        readonly=True,
        help="The official wording of the reason the platform gave.",
    )
    invoice_count = fields.Integer(string="Invoices Posted", readonly=True)
    refund_count = fields.Integer(string="Credit Notes Posted", readonly=True)
    amount_invoiced = fields.Monetary(
        string="Invoiced (untaxed)", currency_field="currency_id", readonly=True
    )
    amount_credited = fields.Monetary(
        string="Credited (untaxed)", currency_field="currency_id", readonly=True
    )
    first_time_right_count = fields.Integer(
        string="First Time Right",
        readonly=True,
        help="Invoices posted at the first attempt (the gate never refused them) and not "
        "corrected by a credit note within 30 days.",
    )
    first_time_right_rate = fields.Float(
        string="First Time Right (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="First time right invoices out of the invoices posted.",
    )
    refused_count = fields.Integer(
        string="Invoices Refused Before Posting",
        readonly=True,
        help="Invoices posted after at least one refusal of the gate.",
    )
    refused_rate = fields.Float(
        string="Refused Before Posting (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )
    credit_share = fields.Float(
        string="Credit Notes (% of Revenue)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Credit notes posted out of the invoices posted (untaxed amounts).",
    )
    refusal_count = fields.Integer(string="Gate Refusals", readonly=True)
    mention_count = fields.Integer(
        string="Missing Mentions",
        readonly=True,
        help="Mentions found missing by the refusals (a refusal may list several).",
    )
    rejection_count = fields.Integer(string="Platform Rejections", readonly=True)

    _depends = {
        "account.move": [
            "move_type",
            "state",
            "company_id",
            "invoice_date",
            "amount_untaxed_signed",
            "billing_posted_uid",
            "create_uid",
            "reversed_entry_id",
            "fr_credit_reason_id",
        ],
        "billing.fr.refusal": ["move_id", "user_id", "company_id", "date", "mentions"],
        "billing.pa.status": ["move_id", "company_id", "code", "date", "reason_code"],
        "res.company": ["currency_id"],
    }

    @api.model
    def _selection_mention(self):
        labels = self.env["account.move"]._fr_mention_labels()
        labels["other"] = _("Other check (credit beyond the invoice...)")
        return list(labels.items())

    @api.model
    def _selection_rejection_code(self):
        return [(code, f"{code} {cdar.STATUS_LABELS[code]}") for code in REJECTION_CODES]

    @api.model
    def _selection_rejection_reason(self):
        return list(cdar.REASON_LABELS.items())

    @property
    def _table_query(self):
        return self._quality_query(tuple(self.env.companies.ids))

    @api.model
    def _quality_query(self, company_ids):
        companies = company_ids or (0,)
        return SQL(
            """
            WITH doc AS (
                SELECT m.id, m.company_id, m.move_type, m.fr_credit_reason_id,
                       COALESCE(m.billing_posted_uid, m.create_uid) AS user_id,
                       date_trunc('month', m.invoice_date)::date AS month,
                       m.amount_untaxed_signed AS amount,
                       -- two sets joined by hash (pre-aggregated per document), no probe
                       -- per document: refused once at least, corrected by a credit note
                       -- within the days
                       refusal.move_id IS NOT NULL AS refused,
                       COALESCE(credit.first_date <= m.invoice_date + %(days)s, FALSE)
                           AS corrected
                  FROM account_move m
                  LEFT JOIN (SELECT DISTINCT r.move_id
                               FROM billing_fr_refusal r
                              WHERE r.move_id IS NOT NULL
                                AND r.company_id IN %(companies)s) refusal
                         ON refusal.move_id = m.id
                  LEFT JOIN (SELECT c.reversed_entry_id AS move_id,
                                    min(c.invoice_date) AS first_date
                               FROM account_move c
                              WHERE c.reversed_entry_id IS NOT NULL
                                AND c.move_type = 'out_refund'
                                AND c.state = 'posted'
                                AND c.company_id IN %(companies)s
                              GROUP BY c.reversed_entry_id) credit
                         ON credit.move_id = m.id
                 WHERE m.move_type IN ('out_invoice', 'out_refund')
                   AND m.state = 'posted'
                   AND m.company_id IN %(companies)s
            ),
            fact AS (
                SELECT company_id, user_id, month,
                       CASE move_type WHEN 'out_invoice' THEN 'invoice' ELSE 'refund' END
                           AS kind,
                       NULL::varchar AS mention,
                       CASE move_type WHEN 'out_refund' THEN fr_credit_reason_id END
                           AS credit_reason_id,
                       NULL::varchar AS rejection_code, NULL::varchar AS rejection_reason,
                       COUNT(*) FILTER (WHERE move_type = 'out_invoice') AS invoice_count,
                       COUNT(*) FILTER (WHERE move_type = 'out_refund') AS refund_count,
                       COALESCE(SUM(amount) FILTER (WHERE move_type = 'out_invoice'), 0)
                           AS amount_invoiced,
                       COALESCE(-SUM(amount) FILTER (WHERE move_type = 'out_refund'), 0)
                           AS amount_credited,
                       COUNT(*) FILTER (WHERE move_type = 'out_invoice'
                                          AND NOT refused AND NOT corrected)
                           AS first_time_right_count,
                       COUNT(*) FILTER (WHERE move_type = 'out_invoice' AND refused)
                           AS refused_count,
                       0 AS refusal_count, 0 AS mention_count, 0 AS rejection_count
                  FROM doc
                 GROUP BY 1, 2, 3, 4, 5, 6
                UNION ALL
                SELECT r.company_id, r.user_id, date_trunc('month', r.date)::date,
                       'refusal', u.code, NULL, NULL, NULL,
                       0, 0, 0, 0, 0, 0,
                       COUNT(*) FILTER (WHERE u.n = 1), COUNT(*), 0
                  FROM billing_fr_refusal r
                 CROSS JOIN LATERAL unnest(
                       string_to_array(COALESCE(NULLIF(r.mentions, ''), 'other'), ',')
                       ) WITH ORDINALITY AS u(code, n)
                 WHERE r.company_id IN %(companies)s
                 GROUP BY 1, 2, 3, 5
                UNION ALL
                SELECT s.company_id, COALESCE(m.billing_posted_uid, m.create_uid),
                       date_trunc('month', s.date)::date,
                       'rejection', NULL, NULL, s.code, s.reason_code,
                       0, 0, 0, 0, 0, 0, 0, 0, COUNT(*)
                  FROM billing_pa_status s
                  JOIN account_move m ON m.id = s.move_id
                 WHERE s.code IN %(rejections)s
                   AND s.company_id IN %(companies)s
                 GROUP BY 1, 2, 3, 7, 8
            )
            -- the same id for a row whoever reads it (the companies read only filter rows)
            SELECT ('x' || substr(md5(concat_ws('|', f.company_id, f.user_id, f.month,
                       f.kind, f.mention, f.credit_reason_id, f.rejection_code,
                       f.rejection_reason)), 1, 13))::bit(52)::bigint AS id,
                   f.company_id, f.user_id, f.month AS date, c.currency_id, f.kind,
                   f.mention, f.credit_reason_id, f.rejection_code, f.rejection_reason,
                   f.invoice_count, f.refund_count, f.amount_invoiced, f.amount_credited,
                   f.first_time_right_count, f.refused_count,
                   f.refusal_count, f.mention_count, f.rejection_count,
                   100.0 * f.first_time_right_count / NULLIF(f.invoice_count, 0)
                       AS first_time_right_rate,
                   100.0 * f.refused_count / NULLIF(f.invoice_count, 0) AS refused_rate,
                   100.0 * f.amount_credited / NULLIF(f.amount_invoiced, 0) AS credit_share
              FROM fact f
              JOIN res_company c ON c.id = f.company_id
            """,
            days=CORRECTION_DAYS,
            companies=companies,
            rejections=REJECTION_CODES,
        )

    # ------------------------------------------------------------------
    # Reading the report: without PostgreSQL's JIT compilation
    # ------------------------------------------------------------------

    @contextmanager
    def _fr_without_jit(self):
        """The report's queries are planned without JIT: from about 300,000 documents its
        cost passes PostgreSQL's jit_above_cost and compiling its expressions costs more than
        the whole query (docs/benchmarks.md, issue 22). Only for these queries: the setting
        is back to the server's once they ran (and a failed transaction drops it anyway)."""
        self.env.cr.execute(SQL("SET LOCAL jit = off"))
        try:
            yield
        finally:
            self.env.cr.execute(SQL("SET LOCAL jit TO DEFAULT"))

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), *args, **kwargs):
        with self._fr_without_jit():
            return super()._read_group(domain, groupby, aggregates, *args, **kwargs)

    def _fetch_query(self, query, fields):
        with self._fr_without_jit():
            return super()._fetch_query(query, fields)

    @api.model
    def search_count(self, domain, limit=None):
        with self._fr_without_jit():
            return super().search_count(domain, limit=limit)

    def _read_group_select(self, aggregate_spec, query):
        # base: a rate of a group is the ratio of its sums, not the average of its rows
        fname = aggregate_spec.split(":")[0]
        if fname in RATIOS:
            numerator, denominator = RATIOS[fname]
            return SQL(
                "100.0 * SUM(%s) / NULLIF(SUM(%s), 0)",
                self._field_to_sql(self._table, numerator, query),
                self._field_to_sql(self._table, denominator, query),
            )
        return super()._read_group_select(aggregate_spec, query)
