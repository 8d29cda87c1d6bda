# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_index

# paid invoices a customer's habit is learnt from (its latest ones)
HABIT_WINDOW = 12
# customer invoices whose payment is checked again per call of the daily cron
HABIT_CRON_CHUNK = 20000
# the precommit data key: ids of the customer invoices whose payment state changed
PENDING = "billing_dunning.habit_moves"
CURSOR_PARAM = "billing_dunning.habit_cron_cursor"


class AccountMove(models.Model):
    _inherit = "account.move"

    # set by SQL (billing.dunning.habit._refresh_moves) when the payment state changes
    billing_paid_date = fields.Date(
        string="Paid on",
        readonly=True,
        copy=False,
        help="Date of the payment (or credit note) that settled the customer invoice.",
    )
    billing_paid_delay = fields.Float(
        string="Paid days after the due date",
        readonly=True,
        copy=False,
        help="Days between the due date and the payment (negative: paid early).",
    )

    def init(self):
        res = super().init()
        # a customer's latest paid invoices, and the company's invoices paid over a year
        create_index(
            self.env.cr,
            "account_move_billing_paid_partner_idx",
            "account_move",
            ["company_id", "commercial_partner_id", "billing_paid_date DESC", "id DESC"],
            where="billing_paid_date IS NOT NULL",
        )
        create_index(
            self.env.cr,
            "account_move_billing_paid_date_delay_idx",
            "account_move",
            ["company_id", "billing_paid_date", "billing_paid_delay"],
            where="billing_paid_date IS NOT NULL",
        )
        return res

    def _compute_payment_state(self):
        res = super()._compute_payment_state()
        # paid now, or paid before: the stored paid date and the customer's habit may change
        ids = [
            move.id
            for move in self
            if move.move_type == "out_invoice"
            and isinstance(move.id, int)
            and (move.payment_state in ("paid", "in_payment") or move.billing_paid_date)
        ]
        if ids:
            self.env["billing.dunning.habit"]._refresh_later(ids)
        return res


class BillingDunningHabit(models.Model):
    """Each customer's payment habit per company: the median delay beyond the due date over
    its latest paid invoices and how many it was learnt from.

    Kept up to date set-based, without a query over the whole history at each read: when a
    customer invoice's payment state changes (a payment reconciled or undone), its paid date
    and delay are written on the invoice and its customer's habit is computed again from its
    latest paid invoices (one index scan), before the commit or before the schedule, the DSO
    or the backtest read them in the same transaction. The daily cron checks every invoice
    again, a chunk per call (nothing is lost when a change came through SQL)."""

    _name = "billing.dunning.habit"
    _description = "Customer Payment Habit"
    _order = "company_id, partner_id"
    _rec_name = "partner_id"
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        ondelete="cascade",
        check_company=True,
    )
    delay = fields.Float(
        string="Typical delay (days)",
        readonly=True,
        digits=(16, 1),
        help="Median delay beyond the due date over the customer's latest paid invoices.",
    )
    count = fields.Integer(string="Invoices learnt from", readonly=True)

    _sql_constraints = [
        (
            "company_partner_unique",
            "UNIQUE (company_id, partner_id)",
            "A customer has one payment habit per company.",
        )
    ]

    def init(self):
        res = super().init()
        # installed into a database with a paid history: learn it now
        self.env.cr.execute("SELECT 1 FROM billing_dunning_habit LIMIT 1")
        if not self.env.cr.fetchone():
            self._refresh_all()
        return res

    # ------------------------------------------------------------------ refresh

    @api.model
    def _refresh_later(self, move_ids):
        """Remember invoices whose payment state changed; their habit is refreshed before
        the commit (or before a report of this transaction reads it)."""
        precommit = self.env.cr.precommit
        pending = precommit.data.get(PENDING)
        if pending is None:
            # a new set (never one restored by a test's rollback)
            precommit.data[PENDING] = pending = set()
            precommit.add(self._apply_pending)
        pending.update(move_ids)

    @api.model
    def _apply_pending(self):
        move_ids = self.env.cr.precommit.data.pop(PENDING, None)
        if move_ids:
            self._refresh_moves(sorted(move_ids))

    @api.model
    def _flush_habits(self):
        """What a report reads is up to date: the payments of this very transaction too."""
        if self.env.cr.precommit.data.get(PENDING):
            self.env.flush_all()
            self._apply_pending()

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        self._flush_habits()
        return super()._search(domain, offset=offset, limit=limit, order=order, **kwargs)

    @api.model
    def _paid_move_sql(self, moves):
        """One row per customer invoice of ``moves`` (an SQL condition on ``move``) that is
        paid: when (the latest payment or credit note reconciled with it) and its delay
        beyond the due date (averaged over its receivable lines)."""
        return SQL(
            """
            SELECT move_id, MAX(paid_date) AS paid_date, AVG(delay) AS delay
              FROM (
                    SELECT aml.move_id, MAX(paying.date) AS paid_date,
                           MAX(paying.date) - aml.date_maturity AS delay
                      FROM account_move move
                      JOIN account_move_line aml ON aml.move_id = move.id
                      JOIN account_account acc ON acc.id = aml.account_id
                      JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
                      JOIN account_move_line paying ON paying.id = apr.credit_move_id
                     WHERE %(moves)s
                       AND move.move_type = 'out_invoice'
                       AND move.payment_state IN ('paid', 'in_payment')
                       AND acc.account_type = 'asset_receivable'
                       AND aml.reconciled
                       AND aml.parent_state = 'posted'
                       AND aml.date_maturity IS NOT NULL
                     GROUP BY aml.id
              ) line
             GROUP BY move_id
            """,
            moves=moves,
        )

    @api.model
    def _refresh_moves(self, move_ids, partners=True):
        """Write the paid date and delay of these invoices, then (unless ``partners`` is
        False) refresh the habit of their customers. Set-based: two statements whatever the
        number of invoices. Returns the (company, customer) pairs whose invoices changed."""
        if not move_ids:
            return set()
        cr = self.env.cr
        ids = tuple(move_ids)
        cr.execute(
            SQL(
                """
                UPDATE account_move m
                   SET billing_paid_date = paid.paid_date, billing_paid_delay = paid.delay
                  FROM account_move m2
                  LEFT JOIN (%(paid)s) paid ON paid.move_id = m2.id
                 WHERE m.id = m2.id AND m.id IN %(ids)s
                   AND (m.billing_paid_date IS DISTINCT FROM paid.paid_date
                        OR m.billing_paid_delay IS DISTINCT FROM paid.delay)
                RETURNING m.company_id, m.commercial_partner_id
                """,
                paid=self._paid_move_sql(SQL("move.id IN %s", ids)),
                ids=ids,
            )
        )
        pairs = {row for row in cr.fetchall() if row[0] and row[1]}
        self.env["account.move"].browse(move_ids).invalidate_recordset(
            ["billing_paid_date", "billing_paid_delay"]
        )
        if partners:
            self._refresh_partners(pairs)
        return pairs

    @api.model
    def _refresh_partners(self, pairs):
        """The habit of each (company, customer) of ``pairs``: the median delay over its
        latest ``HABIT_WINDOW`` paid invoices, read by one index scan per customer."""
        if not pairs:
            return
        companies, partners = zip(*sorted(pairs), strict=True)
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                WITH pair AS (
                    SELECT * FROM UNNEST(%(companies)s::int[], %(partners)s::int[])
                        AS p(company_id, partner_id)
                ), habit AS (
                    SELECT pair.company_id, pair.partner_id, h.n, h.delay
                      FROM pair
                     CROSS JOIN LATERAL (
                        SELECT COUNT(*) AS n,
                               PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY last.delay) AS delay
                          FROM (
                                SELECT m.billing_paid_delay AS delay
                                  FROM account_move m
                                 WHERE m.company_id = pair.company_id
                                   AND m.commercial_partner_id = pair.partner_id
                                   AND m.billing_paid_date IS NOT NULL
                                 ORDER BY m.billing_paid_date DESC, m.id DESC
                                 LIMIT %(window)s
                          ) last
                     ) h
                ), gone AS (
                    DELETE FROM billing_dunning_habit bh
                     USING habit
                     WHERE habit.n = 0
                       AND bh.company_id = habit.company_id
                       AND bh.partner_id = habit.partner_id
                )
                INSERT INTO billing_dunning_habit (company_id, partner_id, delay, count)
                SELECT company_id, partner_id, delay, n FROM habit WHERE n > 0
                ON CONFLICT (company_id, partner_id)
                DO UPDATE SET delay = EXCLUDED.delay, count = EXCLUDED.count
                """,
                companies=list(companies),
                partners=list(partners),
                window=HABIT_WINDOW,
            )
        )
        self.invalidate_model(["delay", "count"])

    @api.model
    def _cron_refresh(self, chunk=HABIT_CRON_CHUNK):
        """Daily: check the paid date and delay of every customer invoice again, ``chunk``
        invoices per call (by id, from where the last call stopped); the cron framework
        commits and calls again while invoices remain. Two workers never run one cron at
        once; a payment committed meanwhile refreshes its own customer."""
        Param = self.env["ir.config_parameter"].sudo()
        cursor = int(Param.get_param(CURSOR_PARAM, "0") or 0)
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM account_move
                 WHERE move_type = 'out_invoice' AND id > %s
                 ORDER BY id LIMIT %s
                """,
                cursor,
                chunk,
            )
        )
        move_ids = [row[0] for row in self.env.cr.fetchall()]
        self.env.flush_all()
        self._refresh_moves(move_ids)
        done = len(move_ids) < chunk
        Param.set_param(CURSOR_PARAM, "0" if done else str(move_ids[-1]))
        self.env["ir.cron"]._notify_progress(done=len(move_ids), remaining=0 if done else 1)
        return len(move_ids)

    @api.model
    def _refresh_all(self):
        """Every invoice and every habit (install, and the benchmark's SQL-made history)."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("SELECT id FROM account_move WHERE move_type = 'out_invoice' ORDER BY id")
        move_ids = [row[0] for row in cr.fetchall()]
        pairs = set()
        for start in range(0, len(move_ids), HABIT_CRON_CHUNK):
            pairs |= self._refresh_moves(move_ids[start : start + HABIT_CRON_CHUNK], partners=False)
        # every paid date was just written: the planner must know them to read the customers'
        # latest invoices by their index
        cr.execute("ANALYZE account_move")
        self._refresh_partners(pairs)
