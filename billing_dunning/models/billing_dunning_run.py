# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

CRON_BATCH = 1000  # customers per cron call; the cron commits and calls again
JOB_SIZE = 200  # customers per queue job when OCA queue_job is installed
# Platform lifecycle statuses (billing_fr_compliance, when installed: neither addon requires
# the other): 207 En litige, 208 Suspendue, 210 Refusée, 213 Rejetée stop the reminders of the
# invoice; 211 Paiement transmis pauses them for the policy's grace period.
PA_BLOCKING_STATUSES = ("207", "208", "210", "213")
PA_PAYMENT_SENT = "211"


class BillingDunningRun(models.AbstractModel):
    """The dunning run: the daily cron and its queue jobs, the plan of what a run sends
    (candidates, levels, penalties as plain data). The claim of the invoices and the
    creation of the reminders are in ``billing_dunning_run_execute.py``, their sending on
    each channel in ``billing_dunning_run_send.py``."""

    _name = "billing.dunning.run"
    _description = "Dunning Run"

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
            Run = self.with_company(company)
            plan = Run._dunning_plan(company, today)
            todo = plan[: max(batch_size - done, 0)]
            if todo:
                Run._dunning_execute(company, todo, today)
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
            Run = self.with_company(company)
            partner_ids = [entry["partner"].id for entry in Run._dunning_plan(company, today)]
            for start in range(0, len(partner_ids), job_size):
                partners = self.env["res.partner"].browse(partner_ids[start : start + job_size])
                Run.with_delay(
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
    def _dunning_run_company(self, company, partners=None, manual=False, today=None, release=False):
        today = today or fields.Date.context_today(self)
        plan = self._dunning_plan(company, today, partners=partners, manual=manual)
        return self._dunning_execute(company, plan, today, manual=manual, release=release)

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
        if self._dunning_pa_aware():
            domain.append(("billing_pa_status_code", "not in", PA_BLOCKING_STATUSES))
        if partners:
            domain.append(("commercial_partner_id", "in", partners.commercial_partner_id.ids))
        return domain

    @api.model
    def _dunning_pa_aware(self):
        """Invoices carry a platform lifecycle status (billing_fr_compliance installed)."""
        return "billing_pa_status_code" in self.env["account.move"]._fields

    @api.model
    def _dunning_pa_paused_until(self, move, policy):
        """The last day reminders of ``move`` are paused because the customer's platform
        reported 211 Paiement transmis (payment sent), or False."""
        if not self._dunning_pa_aware() or move.billing_pa_status_code != PA_PAYMENT_SENT:
            return False
        sent = fields.Datetime.context_timestamp(self, move.billing_pa_status_date).date()
        return sent + timedelta(days=policy.pa_payment_sent_days)

    @api.model
    def _dunning_pa_paused(self, move, policy, today):
        until = self._dunning_pa_paused_until(move, policy)
        return bool(until and until >= today)

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
                *(
                    ["billing_pa_status_code", "billing_pa_status_date"]
                    if self._dunning_pa_aware()
                    else []
                ),
            ],
            order="commercial_partner_id, invoice_date_due, id",
        )

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

    @api.model
    def _dunning_followups(self, company, partners):
        followups = self.env["billing.dunning.followup"].search(
            [("company_id", "=", company.id), ("partner_id", "in", partners.ids)]
        )
        return {f.partner_id.id: f for f in followups}

    @api.model
    def _dunning_plan(
        self,
        company,
        today,
        partners=None,
        manual=False,
        moves=None,
        not_yet_due=None,
        followups=None,
        default_policy=None,
    ):
        """What a run on ``today`` sends, as plain data, without writing anything.

        One entry per customer with at least one invoice reaching a new level:
        ``{"partner", "contact", "policy", "level", "followup", "promise", "lines"}``,
        each line ``{"move", "level", "previous_level", "days_late", "amount_residual",
        "amount_residual_company", "interest", "indemnity", "detail"}``. ``manual`` (send
        now, preview of one customer) ignores pauses and promises not yet due.

        A caller that has already read them passes the candidates of ``partners``
        (``_dunning_candidates``), their amounts not yet due (``_dunning_not_yet_due``) and
        the follow-ups of their customers (``_dunning_followups``, a superset will do) and
        the company's default policy: they are not read again."""
        if moves is None:
            moves = self._dunning_candidates(company, today, partners)
        if not_yet_due is None:
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
        if default_policy is None:
            default_policy = Policy._get_default_policy(company)
        if followups is None:
            followups = self._dunning_followups(company, moves.commercial_partner_id)
        # a customer whose last reminder waits for review gets nothing more until it is sent
        waiting = set() if manual else self._dunning_waiting_review(company)
        by_partner = defaultdict(list)
        for move in moves:
            by_partner[move.commercial_partner_id].append(move)
        rates = None
        payments = None
        Penalty = self.env["billing.dunning.penalty"]
        indemnity_amount = Penalty._dunning_indemnity_amount(company, today)
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
            if partner.id in waiting:
                continue
            policy = (followup and followup.policy_id) or default_policy
            if not policy:
                continue
            if policy.ignore_due_before:
                partner_moves = [
                    m for m in partner_moves if m.invoice_date_due >= policy.ignore_due_before
                ]
                if not partner_moves:
                    continue
            if not manual:
                # the customer's platform said the payment was sent: wait for it
                partner_moves = [
                    m for m in partner_moves if not self._dunning_pa_paused(m, policy, today)
                ]
                if not partner_moves:
                    continue
            overdue = sum(due[m.id][1] for m in partner_moves)
            if company.currency_id.compare_amounts(overdue, policy.min_amount) < 0:
                continue
            if policy.id not in levels_cache:
                levels_cache[policy.id] = policy._sorted_levels()
            levels = levels_cache[policy.id]
            lines = []
            for move in partner_moves:
                reached, _next, _date = policy._dunning_next_level(
                    levels, move, today, force_next=promise == "broken"
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
                    rates = Penalty._dunning_rates()
                    payments = Penalty._dunning_payments(moves)
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
                        Penalty.with_context(lang=partner.lang or self.env.lang)._dunning_penalties(
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
    def _dunning_waiting_review(self, company):
        """Ids of the customers of ``company`` with a reminder prepared for review."""
        groups = self.env["billing.dunning.reminder"]._read_group(
            [("company_id", "=", company.id), ("state", "=", "to_review")],
            groupby=["partner_id"],
        )
        return {partner.id for (partner,) in groups}
