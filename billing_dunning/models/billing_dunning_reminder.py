# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import functools
import logging
from collections import defaultdict
from datetime import timedelta

import psycopg2

from odoo import SUPERUSER_ID, Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import format_date, formatLang

from ..tools import interest as interest_tools
from ..tools import levels as level_tools

_logger = logging.getLogger(__name__)

CHUNK_SIZE = 200  # customers per claim + create + send round
CRON_BATCH = 1000  # customers per cron call; the cron commits and calls again
JOB_SIZE = 200  # customers per queue job when OCA queue_job is installed


class BillingDunningReminder(models.Model):
    """One reminder sent to one customer by one run: the customer's overdue invoices, the
    level reached, interest and indemnity, and the outcome of each channel."""

    _name = "billing.dunning.reminder"
    _description = "Dunning Reminder"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        check_company=True,
    )
    contact_id = fields.Many2one("res.partner", string="Sent to", readonly=True, check_company=True)
    policy_id = fields.Many2one(
        "billing.dunning.policy", readonly=True, check_company=True, ondelete="restrict"
    )
    level_id = fields.Many2one(
        "billing.dunning.level", readonly=True, ondelete="restrict", check_company=True
    )
    formal_notice = fields.Boolean(related="level_id.formal_notice")
    date = fields.Date(required=True, readonly=True, index=True)
    deadline = fields.Date(
        readonly=True, help="Date by which a formal notice asks the customer to pay."
    )
    manual = fields.Boolean(string="Sent by hand", readonly=True)
    after_reminders = fields.Boolean(
        string="After earlier reminders",
        readonly=True,
        help="Some of its invoices were reminded before: a formal notice then says "
        '"despite our previous reminders".',
    )
    line_ids = fields.One2many(
        "billing.dunning.reminder.line", "reminder_id", string="Invoices", readonly=True
    )
    outcome_ids = fields.One2many(
        "billing.dunning.outcome", "reminder_id", string="Channels", readonly=True
    )
    amount_due = fields.Monetary(compute="_compute_amounts", store=True)
    amount_interest = fields.Monetary(
        string="Late interest", compute="_compute_amounts", store=True
    )
    amount_indemnity = fields.Monetary(
        string="Recovery indemnity", compute="_compute_amounts", store=True
    )
    amount_total = fields.Monetary(string="Total claimed", compute="_compute_amounts", store=True)
    interest_move_id = fields.Many2one(
        "account.move", string="Interest invoice", readonly=True, copy=False, check_company=True
    )

    @api.depends(
        "line_ids.amount_residual_company",
        "line_ids.amount_interest",
        "line_ids.amount_indemnity",
    )
    def _compute_amounts(self):
        for reminder in self:
            lines = reminder.line_ids
            reminder.amount_due = sum(lines.mapped("amount_residual_company"))
            reminder.amount_interest = sum(lines.mapped("amount_interest"))
            reminder.amount_indemnity = sum(lines.mapped("amount_indemnity"))
            reminder.amount_total = (
                reminder.amount_due + reminder.amount_interest + reminder.amount_indemnity
            )

    @api.model_create_multi
    def create(self, vals_list):
        Sequence = self.env["ir.sequence"]
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = Sequence.next_by_code("billing.dunning.reminder") or "/"
        return super().create(vals_list)

    # ------------------------------------------------------------------ actions

    def _action_open(self):
        action = {
            "type": "ir.actions.act_window",
            "res_model": "billing.dunning.reminder",
            "name": _("Reminders"),
        }
        if len(self) == 1:
            action.update(view_mode="form", res_id=self.id)
        else:
            action.update(view_mode="list,form", domain=[("id", "in", self.ids)])
        return action

    def action_print_letter(self):
        """Print the letters of these reminders; their letter outcomes become sent."""
        self.outcome_ids.filtered(lambda o: o.channel == "letter" and o.state == "todo").write(
            {"state": "done", "note": _("Printed")}
        )
        return self.env.ref("billing_dunning.action_report_dunning_reminder").report_action(self)

    def action_create_interest_invoice(self):
        """Issue the late interest and indemnity of this reminder as a draft customer
        invoice that references the late invoices."""
        self.ensure_one()
        if self.interest_move_id:
            raise UserError(
                _(
                    "Reminder %(name)s already has its interest invoice %(invoice)s.",
                    name=self.name,
                    invoice=self.interest_move_id.display_name,
                )
            )
        entries = [
            {
                "move": line.move_id,
                "interest": line.amount_interest
                if not line.move_id.dunning_interest_until
                or line.move_id.dunning_interest_until < self.date
                else 0.0,
                "detail": line.interest_detail,
                "indemnity": line.amount_indemnity,
            }
            for line in self.line_ids
        ]
        invoice = self._dunning_interest_invoice(
            self.company_id, self.partner_id, self.policy_id, entries, self.date, self.name
        )
        if not invoice:
            raise UserError(
                _(
                    "Reminder %(name)s has no late interest or indemnity left to invoice.",
                    name=self.name,
                )
            )
        self.interest_move_id = invoice
        self.message_post(
            body=_("Interest invoice %(invoice)s created.", invoice=invoice.display_name)
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------ the run

    @api.model
    def _cron_run(self, batch_size=CRON_BATCH, job_size=JOB_SIZE):
        """Daily run over every company that has a dunning policy.

        Without OCA queue_job, processes at most ``batch_size`` customers per call and
        reports progress: the cron framework commits and calls again while customers remain.
        With queue_job (unless the system parameter ``billing_dunning.use_queue_job`` is
        ``0``), enqueues one job per ``job_size`` customers of a company instead, which the
        job runner spreads over the Odoo workers and nodes. Either way each customer's
        reminder, its e-mail (queued) and its activity are written with the claim of its
        invoices in one transaction, so a run killed halfway restarts without duplicates and
        two workers never remind the same invoice."""
        today = fields.Date.context_today(self)
        companies = (
            self.env["billing.dunning.policy"]
            .sudo()
            .search([("level_ids", "!=", False)])
            .company_id
        )
        if self._dunning_use_jobs():
            return self._dunning_enqueue(companies, today, job_size)
        done = remaining = 0
        for company in companies:
            Reminder = self.with_company(company)
            plan = Reminder._dunning_plan(company, today)
            todo = plan[: max(batch_size - done, 0)]
            if todo:
                Reminder._dunning_execute(company, todo, today)
            done += len(todo)
            remaining += len(plan) - len(todo)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    @api.model
    def _dunning_use_jobs(self):
        """Split the run into queue jobs: OCA queue_job is installed and not switched off."""
        param = self.env["ir.config_parameter"].sudo().get_param("billing_dunning.use_queue_job")
        return "queue.job" in self.env and hasattr(self, "with_delay") and param != "0"

    @api.model
    def _dunning_enqueue(self, companies, today, job_size=JOB_SIZE):
        """One queue job per ``job_size`` customers with something to send today. A job
        still waiting with the same customers and date is not enqueued twice; a job that
        runs after another one (or after the cron) sends only what is still due."""
        # queue_job is optional: imported only when installed
        from odoo.addons.queue_job.job import identity_exact

        jobs = 0
        for company in companies:
            Reminder = self.with_company(company)
            partner_ids = [entry["partner"].id for entry in Reminder._dunning_plan(company, today)]
            for start in range(0, len(partner_ids), job_size):
                partners = self.env["res.partner"].browse(partner_ids[start : start + job_size])
                Reminder.with_delay(
                    description=_(
                        "Dunning run of %(company)s: %(count)s customers",
                        company=company.name,
                        count=len(partners),
                    ),
                    identity_key=identity_exact,
                )._dunning_job(company, partners, today)
                jobs += 1
        self.env["ir.cron"]._notify_progress(done=jobs, remaining=0)
        return jobs

    @api.model
    def _dunning_job(self, company, partners, today):
        """Queue job: the reminders of ``partners`` in ``company`` for the run of ``today``."""
        reminders = self.with_company(company)._dunning_run_company(
            company, partners=partners, today=today
        )
        return _("%(count)s reminders created", count=len(reminders))

    @api.model
    def _dunning_run_company(self, company, partners=None, manual=False, today=None):
        today = today or fields.Date.context_today(self)
        plan = self._dunning_plan(company, today, partners=partners, manual=manual)
        return self._dunning_execute(company, plan, today, manual=manual)

    @api.model
    def _dunning_interest_invoice(self, company, partner, policy, entries, until, origin):
        """Draft customer invoice of the late interest and indemnities of ``entries``
        (``{"move", "interest", "detail", "indemnity"}``) counted up to ``until``; marks each
        late invoice as charged so that nothing is invoiced twice. Returns the invoice, or an
        empty recordset when there is nothing left to invoice."""
        Move = self.env["account.move"]
        Journal = self.env["account.journal"]
        journal = policy.journal_id or Journal.search(
            [*Journal._check_company_domain(company), ("type", "=", "sale")], limit=1
        )
        if not journal:
            raise UserError(
                _(
                    "Company %(company)s has no sales journal for the interest invoice "
                    "(field: Interest journal of policy %(policy)s).",
                    company=company.name,
                    policy=policy.name,
                )
            )
        account = policy.interest_account_id or journal.default_account_id
        # late interest and the indemnity are damages, outside the scope of VAT: flagged so
        # when billing_fr_compliance (optional) knows the flag
        out_of_scope = (
            {"billing_vat_out_of_scope": True}
            if "billing_vat_out_of_scope" in self.env["account.move.line"]._fields
            else {}
        )
        # labels in the customer's language, with its date and number formats
        Labels = self.with_context(lang=partner.lang or self.env.lang)
        invoice_lines = []
        interest_moves = Move
        indemnity_moves = Move
        for entry in entries:
            move = entry["move"]
            if entry["interest"]:
                invoice_lines.append(
                    Command.create(
                        {
                            "name": Labels._dunning_interest_label(move, until, entry["detail"]),
                            "quantity": 1,
                            "price_unit": entry["interest"],
                            "account_id": account.id,
                            "tax_ids": [Command.clear()],
                            "dunning_late_move_id": move.id,
                            "dunning_penalty": "interest",
                            **out_of_scope,
                        }
                    )
                )
                interest_moves |= move
            if entry["indemnity"] and not move.dunning_indemnity_invoiced:
                invoice_lines.append(
                    Command.create(
                        {
                            "name": Labels._dunning_indemnity_label(move),
                            "quantity": 1,
                            "price_unit": entry["indemnity"],
                            "account_id": account.id,
                            "tax_ids": [Command.clear()],
                            "dunning_late_move_id": move.id,
                            "dunning_penalty": "indemnity",
                            **out_of_scope,
                        }
                    )
                )
                indemnity_moves |= move
        if not invoice_lines:
            return Move
        late_moves = interest_moves | indemnity_moves
        invoice = Move.create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "company_id": company.id,
                "journal_id": journal.id,
                "currency_id": company.currency_id.id,
                "invoice_date": fields.Date.context_today(self),
                "invoice_origin": origin,
                "ref": Labels._dunning_ref_label(late_moves),
                "dunning_source_move_ids": [Command.set(late_moves.ids)],
                "dunning_penalty_date": until,
                "invoice_line_ids": invoice_lines,
            }
        )
        interest_moves.write({"dunning_interest_until": until})
        indemnity_moves.write({"dunning_indemnity_invoiced": True})
        return invoice

    @api.model
    def _dunning_interest_label(self, move, until, detail):
        return _(
            "Late interest on %(invoice)s due %(due)s, until %(date)s (%(detail)s)",
            invoice=move.name,
            due=format_date(self.env, move.invoice_date_due),
            date=format_date(self.env, until),
            detail=detail or "",
        )

    @api.model
    def _dunning_indemnity_label(self, move):
        return _(
            "Fixed recovery indemnity (art. D441-5 of the French Commercial Code) for %(invoice)s",
            invoice=move.name,
        )

    @api.model
    def _dunning_ref_label(self, late_moves):
        return _("Late payment: %(invoices)s", invoices=", ".join(late_moves.mapped("name")))

    @api.model
    def _dunning_rates(self):
        Rate = self.env["billing.dunning.rate"]
        return {"ecb_refi": Rate._get_rates("ecb_refi"), "legal": Rate._get_rates("legal")}

    @api.model
    def _dunning_indemnity_amount(self, company, day):
        """The fixed 40 EUR recovery indemnity in the company's currency on ``day``."""
        return self.env.ref("base.EUR")._convert(
            float(interest_tools.RECOVERY_INDEMNITY), company.currency_id, company, day
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
    def _dunning_candidate_domain(self, company, today, partners=None):
        domain = [
            ("company_id", "=", company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("amount_residual", ">", 0),
            ("invoice_date_due", "<", today),
            ("dunning_excluded", "=", False),
            ("dunning_disputed", "=", False),
        ]
        if partners:
            domain.append(("commercial_partner_id", "in", partners.commercial_partner_id.ids))
        return domain

    @api.model
    def _dunning_candidates(self, company, today, partners=None):
        return self.env["account.move"].search_fetch(
            self._dunning_candidate_domain(company, today, partners),
            [
                "name",
                "partner_id",
                "commercial_partner_id",
                "invoice_date_due",
                "currency_id",
                "amount_residual",
                "amount_residual_signed",
                "amount_total_signed",
                "dunning_level_id",
                "dunning_last_date",
                "dunning_interest_until",
                "dunning_indemnity_invoiced",
                "dunning_notice_date",
            ],
            order="commercial_partner_id, invoice_date_due, id",
        )

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

    @api.model
    def _dunning_not_yet_due(self, moves, today):
        """{move_id: (amount in move currency, amount in company currency)} still open on
        receivable lines that fall due after ``today``: instalments to come, or a retenue de
        garantie held until its release date. Reminders never chase them. One query."""
        if not moves:
            return {}
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT aml.move_id, SUM(aml.amount_residual_currency), SUM(aml.amount_residual)
                  FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id
                 WHERE aml.move_id = ANY(%s)
                   AND acc.account_type = 'asset_receivable'
                   AND aml.date_maturity >= %s
                   AND NOT aml.reconciled
                 GROUP BY aml.move_id
                """,
                list(moves.ids),
                today,
            )
        )
        return {move_id: (cur, comp) for move_id, cur, comp in self.env.cr.fetchall()}

    @staticmethod
    def _dunning_level_index(levels, level):
        if not level:
            return -1
        if level in levels:
            return list(levels).index(level)
        return sum(1 for lvl in levels if lvl.sequence <= level.sequence) - 1

    @api.model
    def _dunning_next_level(self, levels, move, policy, today, force_next=False):
        """(level reached today or False, next level, date the next level is due or False),
        by the rules of tools/levels.py from the invoice's current level."""
        reached, upcoming, due_on = level_tools.next_level(
            [level_tools.Level(lvl.delay_days, lvl.delay_from == "previous") for lvl in levels],
            self._dunning_level_index(levels, move.dunning_level_id),
            move.dunning_last_date,
            move.invoice_date_due,
            policy.grace_days,
            today,
            force_next=force_next,
            skip_levels=policy.skip_levels,
        )
        return (
            levels[reached] if reached is not None else False,
            levels[upcoming] if upcoming is not None else False,
            due_on or False,
        )

    @api.model
    def _dunning_followups(self, company, partners):
        followups = self.env["billing.dunning.followup"].search(
            [("company_id", "=", company.id), ("partner_id", "in", partners.ids)]
        )
        return {f.partner_id.id: f for f in followups}

    @api.model
    def _dunning_plan(self, company, today, partners=None, manual=False):
        """What a run on ``today`` sends, as plain data, without writing anything.

        One entry per customer with at least one invoice reaching a new level:
        ``{"partner", "contact", "policy", "level", "followup", "promise", "lines"}``,
        each line ``{"move", "level", "previous_level", "days_late", "amount_residual",
        "amount_residual_company", "interest", "indemnity", "detail"}``. ``manual`` (send
        now, preview of one customer) ignores pauses and promises not yet due."""
        moves = self._dunning_candidates(company, today, partners)
        not_yet_due = self._dunning_not_yet_due(moves, today)
        due = {
            move.id: (
                move.amount_residual - not_yet_due.get(move.id, (0.0, 0.0))[0],
                move.amount_residual_signed - not_yet_due.get(move.id, (0.0, 0.0))[1],
            )
            for move in moves
        }
        moves = moves.filtered(lambda m: m.currency_id.compare_amounts(due[m.id][0], 0) > 0)
        if not moves:
            return []
        Policy = self.env["billing.dunning.policy"]
        default_policy = Policy._get_default_policy(company)
        followups = self._dunning_followups(company, moves.commercial_partner_id)
        by_partner = defaultdict(list)
        for move in moves:
            by_partner[move.commercial_partner_id].append(move)
        rates = None
        payments = None
        indemnity_amount = self._dunning_indemnity_amount(company, today)
        levels_cache = {}
        plan = []
        for partner, partner_moves in by_partner.items():
            followup = followups.get(partner.id)
            promise = False
            if followup:
                if followup.excluded or followup.disputed:
                    continue
                if not manual and followup.paused_until and followup.paused_until >= today:
                    continue
                if followup.promise_date:
                    if followup.promise_date >= today:
                        if not manual:
                            continue
                    else:
                        overdue_now = sum(due[m.id][1] for m in partner_moves)
                        paid = followup.promise_base - overdue_now
                        cur = company.currency_id
                        promise = (
                            "kept"
                            if cur.compare_amounts(paid, followup.promise_amount) >= 0
                            else "broken"
                        )
            policy = (followup and followup.policy_id) or default_policy
            if not policy:
                continue
            overdue = sum(due[m.id][1] for m in partner_moves)
            if company.currency_id.compare_amounts(overdue, policy.min_amount) < 0:
                continue
            if policy.id not in levels_cache:
                levels_cache[policy.id] = policy._sorted_levels()
            levels = levels_cache[policy.id]
            lines = []
            for move in partner_moves:
                reached, _next, _date = self._dunning_next_level(
                    levels, move, policy, today, force_next=promise == "broken"
                )
                lines.append({"move": move, "level": reached})
            new_levels = [line["level"] for line in lines if line["level"]]
            if not new_levels:
                continue
            level = max(new_levels, key=lambda lvl: (lvl.sequence, lvl.id))
            is_b2b = partner.is_company
            for line in lines:
                move = line["move"]
                # penalties follow each line's level: the new one, or the one it stays at
                line_level = line["level"] or move.dunning_level_id
                if line_level.add_penalties and rates is None:
                    rates = self._dunning_rates()
                    payments = self._dunning_payments(moves)
                line.update(
                    previous_level=move.dunning_level_id,
                    days_late=(today - move.invoice_date_due).days,
                    amount_residual=due[move.id][0],
                    amount_residual_company=due[move.id][1],
                    interest=0.0,
                    indemnity=0.0,
                    detail=False,
                )
                if line_level.add_penalties:
                    line.update(
                        self.with_context(lang=partner.lang or self.env.lang)._dunning_penalties(
                            move,
                            is_b2b,
                            policy,
                            today,
                            rates,
                            payments.get(move.id, ()),
                            indemnity_amount,
                        )
                    )
            contact = partner_moves[0].partner_id
            if not contact.email and partner.email:
                contact = partner
            plan.append(
                {
                    "partner": partner,
                    "contact": contact,
                    "policy": policy,
                    "level": level,
                    "followup": followup,
                    "promise": promise,
                    "lines": lines,
                }
            )
        return plan

    @api.model
    def _dunning_claim(self, targets, today, notice_levels=()):
        """Take invoices to their new level, once. ``targets``: ``{move_id: level_id}``;
        an invoice taken to one of ``notice_levels`` (formal notices) keeps the date of its
        first formal notice, from which a consumer owes interest.

        Locks the invoices with ``FOR UPDATE SKIP LOCKED`` (an invoice another worker is
        reminding right now is left to it) and moves the level only where no reminder line
        has that (invoice, level) yet. When another worker committed the same invoices since
        this transaction started, PostgreSQL refuses the update (serialization failure): the
        chunk is left to the next run. Returns the ids of the invoices claimed."""
        if not targets:
            return set()
        self.env["account.move"].flush_model(
            ["dunning_level_id", "dunning_last_date", "dunning_notice_date"]
        )
        cr = self.env.cr
        claimed = set()
        try:
            with cr.savepoint(flush=False):
                cr.execute(
                    SQL(
                        "SELECT id FROM account_move WHERE id = ANY(%s) "
                        "ORDER BY id FOR UPDATE SKIP LOCKED",
                        list(targets),
                    ),
                    log_exceptions=False,
                )
                locked = [row[0] for row in cr.fetchall()]
                if locked:
                    values = SQL(", ").join(
                        SQL("(%s, %s, %s)", mid, targets[mid], targets[mid] in notice_levels)
                        for mid in locked
                    )
                    cr.execute(
                        SQL(
                            """
                            UPDATE account_move m
                               SET dunning_level_id = v.level_id, dunning_last_date = %s,
                                   dunning_notice_date = CASE WHEN v.notice
                                       THEN COALESCE(m.dunning_notice_date, %s)
                                       ELSE m.dunning_notice_date END
                              FROM (VALUES %s) AS v(move_id, level_id, notice)
                             WHERE m.id = v.move_id
                               AND m.dunning_level_id IS DISTINCT FROM v.level_id
                               AND NOT EXISTS (
                                   SELECT 1 FROM billing_dunning_reminder_line l
                                    WHERE l.move_id = v.move_id AND l.level_id = v.level_id)
                            RETURNING m.id
                            """,
                            today,
                            today,
                            values,
                        ),
                        log_exceptions=False,
                    )
                    claimed = {row[0] for row in cr.fetchall()}
        except psycopg2.errors.SerializationFailure:
            _logger.info("Dunning: invoices reminded by a concurrent run, left to the next run")
            claimed = set()
        self.env["account.move"].browse(list(targets)).invalidate_recordset(
            ["dunning_level_id", "dunning_last_date", "dunning_notice_date"]
        )
        return claimed

    @api.model
    def _dunning_execute(self, company, plan, today, manual=False):
        """Claim, create and send the reminders of ``plan``, chunk by chunk."""
        reminders = self.browse()
        Reminder = self.with_company(company).with_context(
            tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
        )
        for start in range(0, len(plan), CHUNK_SIZE):
            chunk = plan[start : start + CHUNK_SIZE]
            targets = {
                line["move"].id: line["level"].id
                for entry in chunk
                for line in entry["lines"]
                if line["level"]
            }
            notice_levels = {
                line["level"].id
                for entry in chunk
                for line in entry["lines"]
                if line["level"] and line["level"].formal_notice
            }
            claimed = self._dunning_claim(targets, today, notice_levels)
            vals_list = []
            promises = self.env["billing.dunning.followup"]
            for entry in chunk:
                lines = [
                    line
                    for line in entry["lines"]
                    if not line["level"] or line["move"].id in claimed
                ]
                if not any(line["level"] for line in lines):
                    continue
                if entry["promise"]:
                    promises |= entry["followup"]
                level = entry["level"]
                vals_list.append(
                    {
                        "company_id": company.id,
                        "partner_id": entry["partner"].id,
                        "contact_id": entry["contact"].id,
                        "policy_id": entry["policy"].id,
                        "level_id": level.id,
                        "date": today,
                        "deadline": level.formal_notice
                        and today + timedelta(days=entry["policy"].formal_notice_days),
                        "manual": manual,
                        "after_reminders": any(line["previous_level"] for line in lines),
                        "line_ids": [
                            Command.create(
                                {
                                    "move_id": line["move"].id,
                                    "level_id": line["level"].id if line["level"] else False,
                                    "previous_level_id": line["previous_level"].id,
                                    "date_due": line["move"].invoice_date_due,
                                    "days_late": line["days_late"],
                                    "currency_id": line["move"].currency_id.id,
                                    "amount_residual": line["amount_residual"],
                                    "amount_residual_company": line["amount_residual_company"],
                                    "amount_interest": line["interest"],
                                    "amount_indemnity": line["indemnity"],
                                    "interest_detail": line["detail"],
                                }
                            )
                            for line in lines
                        ],
                    }
                )
            if not vals_list:
                continue
            created = Reminder.create(vals_list)
            if promises:
                promises.write({"promise_date": False, "promise_amount": 0.0, "promise_base": 0.0})
            created.with_context(lang=self._dunning_office_lang(company))._dunning_send()
            reminders |= created
        return reminders

    @api.model
    def _dunning_office_lang(self, company):
        """Language of the outcomes and activities the clerks read: the user's when a person
        sends, the company's for the scheduled run (run by OdooBot)."""
        if self.env.uid == SUPERUSER_ID:
            return company.partner_id.lang or self.env.lang
        return self.env.lang

    def _dunning_send(self):
        """Send each reminder on its level's channels and record the outcome of each.

        E-mails are queued (sent by the mail queue after the commit), letters wait in the
        print queue, calls are activities. A customer without e-mail address gets a letter
        and a call instead."""
        outcomes = []
        fallback = set()
        by_template = defaultdict(lambda: self.browse())
        for reminder in self:
            if not reminder.level_id.channel_email:
                continue
            if reminder.contact_id.email:
                by_template[reminder.level_id._get_mail_template()] |= reminder
            else:
                fallback.add(reminder.id)
                outcomes.append(
                    {
                        "reminder_id": reminder.id,
                        "channel": "email",
                        "state": "failed",
                        "note": _(
                            "No e-mail address on %(partner)s: a letter and a phone call "
                            "replace the e-mail.",
                            partner=reminder.contact_id.display_name,
                        ),
                    }
                )
        for template, reminders in by_template.items():
            subjects = template._render_field("subject", reminders.ids, compute_lang=True)
            bodies = template._render_field("body_html", reminders.ids, compute_lang=True)
            for reminder in reminders.with_context(mail_notify_force_send=False):
                message = reminder.message_post(
                    body=bodies[reminder.id],
                    subject=subjects[reminder.id],
                    partner_ids=reminder.contact_id.ids,
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    email_layout_xmlid="mail.mail_notification_light",
                )
                outcomes.append(
                    {
                        "reminder_id": reminder.id,
                        "channel": "email",
                        "state": "done",
                        "note": _("Queued to %(email)s", email=reminder.contact_id.email),
                        "message_id": message.id,
                    }
                )
        for reminder in self:
            level = reminder.level_id
            if level.channel_letter or reminder.id in fallback:
                outcomes.append(
                    {
                        "reminder_id": reminder.id,
                        "channel": "letter",
                        "state": "todo",
                        "note": _("To print"),
                    }
                )
            if level.channel_phone or reminder.id in fallback:
                user = level.activity_user_id or reminder.partner_id.user_id or self.env.user
                activity = reminder.activity_schedule(
                    "mail.mail_activity_data_call",
                    date_deadline=reminder.date,
                    summary=_(
                        "Call %(partner)s about %(amount)s overdue",
                        partner=reminder.partner_id.display_name,
                        amount=reminder.currency_id.format(reminder.amount_due),
                    ),
                    user_id=user.id,
                )
                outcomes.append(
                    {
                        "reminder_id": reminder.id,
                        "channel": "phone",
                        "state": "todo",
                        "note": _("Call planned for %(user)s", user=user.name),
                        "activity_id": activity.id,
                    }
                )
        self.env["billing.dunning.outcome"].create(outcomes)

    # ------------------------------------------------------------------ follow-up

    @api.model
    def _dunning_partner_state(self, company, partner, today):
        """Overdue total, current level, next action and its date for one customer."""
        Reminder = self.with_company(company)
        moves = Reminder._dunning_candidates(company, today, partner)
        not_yet_due = Reminder._dunning_not_yet_due(moves, today)
        state = {
            "overdue_amount": sum(
                m.amount_residual_signed - not_yet_due.get(m.id, (0.0, 0.0))[1] for m in moves
            ),
            "overdue_count": len(moves),
            "level": max(
                moves.dunning_level_id,
                key=lambda lvl: (lvl.sequence, lvl.id),
                default=self.env["billing.dunning.level"],
            ),
            "next_date": False,
            "next_action": False,
        }
        if not moves:
            state["next_action"] = _("Nothing overdue")
            return state
        followup = Reminder._dunning_followups(company, partner.commercial_partner_id).get(
            partner.commercial_partner_id.id
        )
        if followup and followup.excluded:
            state["next_action"] = _("Excluded from reminders")
            return state
        if followup and followup.disputed:
            state["next_action"] = _("Disputed: %(reason)s", reason=followup.dispute_reason)
            return state
        if followup and followup.paused_until and followup.paused_until >= today:
            state["next_action"] = _(
                "Paused until %(date)s",
                date=format_date(self.env, followup.paused_until),
            )
            state["next_date"] = followup.paused_until + timedelta(days=1)
            state["on_hold"] = True
            return state
        if followup and followup.promise_date and followup.promise_date >= today:
            state["next_action"] = _(
                "Promise to pay by %(date)s",
                date=format_date(self.env, followup.promise_date),
            )
            state["next_date"] = followup.promise_date + timedelta(days=1)
            state["on_hold"] = True
            return state
        plan = Reminder._dunning_plan(company, today, partners=partner)
        if plan:
            state["next_action"] = plan[0]["level"].name
            state["next_date"] = today
            return state
        policy = (followup and followup.policy_id) or self.env[
            "billing.dunning.policy"
        ]._get_default_policy(company)
        if not policy:
            state["next_action"] = _("No dunning policy")
            return state
        levels = policy._sorted_levels()
        upcoming = []
        for move in moves:
            _reached, level, date = Reminder._dunning_next_level(levels, move, policy, today)
            if level and date:
                upcoming.append((date, level.sequence, level))
        if upcoming:
            date, _seq, level = min(upcoming, key=lambda item: (item[0], item[1]))
            state["next_action"] = level.name
            state["next_date"] = date
        else:
            state["next_action"] = _("Last level reached")
        return state
