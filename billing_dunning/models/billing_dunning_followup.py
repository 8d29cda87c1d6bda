# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools.misc import format_date

from .billing_dunning_run import PA_BLOCKING_STATUSES, PA_PAYMENT_SENT


class BillingDunningFollowup(models.Model):
    """Dunning state of one customer in one company: policy, exclusion, pause, dispute,
    promise to pay, and the follow-up view (overdue total, level, next action, history)."""

    _name = "billing.dunning.followup"
    _description = "Customer Payment Follow-up"
    _inherit = ["mail.thread"]
    _order = "partner_id"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    policy_id = fields.Many2one(
        "billing.dunning.policy",
        check_company=True,
        tracking=True,
        help="The company's default policy when empty.",
    )
    excluded = fields.Boolean(string="Excluded from reminders", tracking=True)
    paused_until = fields.Date(tracking=True)
    disputed = fields.Boolean(tracking=True)
    dispute_reason = fields.Char(tracking=True)
    promise_date = fields.Date(string="Promised payment date", tracking=True)
    promise_amount = fields.Monetary(
        string="Promised amount", currency_field="currency_id", tracking=True
    )
    promise_base = fields.Monetary(
        string="Overdue when promised",
        currency_field="currency_id",
        readonly=True,
        help="Overdue total when the promise was recorded; the promise is kept when the "
        "overdue total has dropped by the promised amount by the promised date.",
    )
    reminder_ids = fields.Many2many(
        "billing.dunning.reminder", compute="_compute_reminder_ids", string="Reminders"
    )
    overdue_amount = fields.Monetary(
        string="Overdue total", currency_field="currency_id", compute="_compute_state"
    )
    overdue_count = fields.Integer(string="Overdue invoices", compute="_compute_state")
    level_id = fields.Many2one(
        "billing.dunning.level", string="Current level", compute="_compute_state"
    )
    next_action = fields.Char(compute="_compute_state")
    has_overdue = fields.Boolean(
        string="Has overdue invoices", compute="_compute_state", search="_search_has_overdue"
    )
    next_date = fields.Date(string="Next action date", compute="_compute_state")
    pa_held_amount = fields.Monetary(
        string="Held by the platform",
        currency_field="currency_id",
        compute="_compute_pa_status_info",
        help="Overdue amount of the invoices the reminders leave aside because of their "
        "e-invoicing platform status: not part of the overdue total.",
    )
    pa_status_info = fields.Text(
        string="Platform statuses",
        compute="_compute_pa_status_info",
        help="Overdue invoices the reminders leave aside because of what the customer's "
        "e-invoicing platform reported (disputed, suspended, refused, rejected, payment sent).",
    )

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "A customer has one follow-up per company.",
        ),
    ]

    @api.depends("partner_id", "company_id")
    def _compute_reminder_ids(self):
        Reminder = self.env["billing.dunning.reminder"]
        for followup in self:
            followup.reminder_ids = Reminder.search(
                [
                    ("partner_id", "=", followup.partner_id.id),
                    ("company_id", "=", followup.company_id.id),
                ]
            )

    @api.depends_context("date")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        states = {}
        for company in self.company_id:
            partners = self.filtered(lambda f, c=company: f.company_id == c).partner_id
            states[company.id] = self._dunning_partner_states(company, partners, today)
        for followup in self:
            partner = followup.partner_id.commercial_partner_id
            state = states.get(followup.company_id.id, {}).get(partner.id)
            if state is None:  # a new record without customer or company yet
                state = {
                    "overdue_amount": 0.0,
                    "overdue_count": 0,
                    "level": self.env["billing.dunning.level"],
                    "next_date": False,
                    "next_action": False,
                }
            followup.overdue_amount = state["overdue_amount"]
            followup.overdue_count = state["overdue_count"]
            followup.level_id = state["level"]
            followup.next_date = state["next_date"]
            followup.next_action = state["next_action"]
            followup.has_overdue = bool(state["overdue_count"])
            if not state["overdue_count"] and followup.pa_status_info:
                # overdue invoices there are, held by what the platform reported
                followup.next_action = _("Nothing to remind: see the platform statuses")

    @api.depends_context("date", "lang")
    def _compute_pa_status_info(self):
        """Why overdue invoices are not reminded: their platform lifecycle status."""
        Run = self.env["billing.dunning.run"]
        self.pa_status_info = False
        self.pa_held_amount = 0.0
        if not Run._dunning_pa_aware():
            return
        today = fields.Date.context_today(self)
        labels = self.env["billing.pa.status"]._billing_pa_status_labels()
        for followup in self.filtered("partner_id"):
            moves = self.env["account.move"].search(
                [
                    ("company_id", "=", followup.company_id.id),
                    ("commercial_partner_id", "=", followup.partner_id.commercial_partner_id.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("invoice_date_due", "<", today),
                    ("billing_pa_status_code", "in", (*PA_BLOCKING_STATUSES, PA_PAYMENT_SENT)),
                ],
                order="invoice_date_due, id",
            )
            policy = followup.policy_id or self.env["billing.dunning.policy"]._get_default_policy(
                followup.company_id
            )
            lines, held = [], 0.0
            for move in moves:
                code = move.billing_pa_status_code
                status = f"{code} {labels.get(code, '')}".strip()
                if code in PA_BLOCKING_STATUSES:
                    latest = move.billing_pa_status_ids.filtered(lambda s, c=code: s.code == c)[:1]
                    lines.append(
                        _(
                            "%(invoice)s is not reminded: its platform status is %(status)s.",
                            invoice=move.name,
                            status=status,
                        )
                    )
                    # billing_fr_compliance words the reason (official wording of its code),
                    # the buyer's own words and the requested action
                    lines.extend(latest._billing_pa_explanation())
                    held += move.amount_residual_signed
                elif policy:
                    until = Run._dunning_pa_paused_until(move, policy)
                    if until and until >= today:
                        lines.append(
                            _(
                                "%(invoice)s: the customer's platform reports the payment as "
                                "sent (%(status)s); reminders wait until %(date)s.",
                                invoice=move.name,
                                status=status,
                                date=format_date(self.env, until),
                            )
                        )
                        held += move.amount_residual_signed
            followup.pa_status_info = "\n".join(lines) or False
            followup.pa_held_amount = held

    def _search_has_overdue(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(_("Operation not supported"))
        by_company = defaultdict(list)
        for company, partner in self._overdue_partner_ids(self.env.companies):
            by_company[company.id].append(partner.id)
        domain = expression.OR(
            [
                [("company_id", "=", company_id), ("partner_id", "in", partner_ids)]
                for company_id, partner_ids in by_company.items()
            ]
        )
        positive = (operator == "=") == bool(value)
        return domain if positive else ["!", *domain]

    @api.constrains("disputed", "dispute_reason")
    def _check_dispute_reason(self):
        for followup in self:
            if followup.disputed and not (followup.dispute_reason or "").strip():
                raise ValidationError(
                    _(
                        "Customer %(name)s is disputed: give the reason (field: Dispute reason).",
                        name=followup.partner_id.display_name,
                    )
                )

    @api.constrains("promise_date", "promise_amount")
    def _check_promise(self):
        for followup in self:
            if followup.promise_date and followup.promise_amount <= 0:
                raise ValidationError(
                    _(
                        "The promise to pay of %(name)s needs a positive amount "
                        "(field: Promised amount).",
                        name=followup.partner_id.display_name,
                    )
                )

    @api.model
    def action_open_followups(self):
        """Payment Follow-up menu: the list of the customers with overdue invoices in the
        current companies (``billing.dunning.customer``). Opening it writes nothing: a
        customer's follow-up record is created when someone opens it to act."""
        return self.env["ir.actions.act_window"]._for_xml_id(
            "billing_dunning.billing_dunning_customer_action"
        )

    @api.model
    def _get_or_create(self, partner, company):
        partner = partner.commercial_partner_id
        followup = self.search(
            [("partner_id", "=", partner.id), ("company_id", "=", company.id)], limit=1
        )
        return followup or self.create({"partner_id": partner.id, "company_id": company.id})

    def action_preview(self):
        self.ensure_one()
        return self.env["billing.dunning.preview"]._open(self.company_id, partner=self.partner_id)

    def action_send_now(self):
        self.ensure_one()
        Run = self.env["billing.dunning.run"].with_company(self.company_id)
        reminders = Run._dunning_run_company(self.company_id, partners=self.partner_id, manual=True)
        if not reminders:
            raise UserError(
                _(
                    "Nothing to send to %(name)s: no overdue invoice has reached a new "
                    "level (or the customer is excluded, disputed or under the minimum "
                    "amount).",
                    name=self.partner_id.display_name,
                )
            )
        return reminders._action_open()

    def action_invoice_interest(self):
        """Invoice the late interest accrued up to today and not invoiced yet on this
        customer's overdue invoices, and on the invoices the reminders chased that it paid
        late since (up to each payment), with the 40 EUR indemnity of each late invoice of a
        professional customer. A consumer owes interest, at the legal rate, only from the
        day after the formal notice that listed the invoice."""
        self.ensure_one()
        company = self.company_id
        partner = self.partner_id
        if self.disputed:
            raise UserError(
                _(
                    "Customer %(name)s is disputed (%(reason)s): resolve the dispute before "
                    "invoicing late interest.",
                    name=partner.display_name,
                    reason=self.dispute_reason,
                )
            )
        policy = self.policy_id or self.env["billing.dunning.policy"]._get_default_policy(company)
        if not policy:
            raise UserError(
                _(
                    "Company %(company)s has no default dunning policy and customer %(name)s "
                    "none of its own (field: Policy).",
                    company=company.name,
                    name=partner.display_name,
                )
            )
        Run = self.env["billing.dunning.run"].with_company(company)
        Penalty = self.env["billing.dunning.penalty"].with_company(company)
        today = fields.Date.context_today(self)
        moves = Run._dunning_candidates(company, today, partner)
        # invoices the reminders chased and the customer paid since, late: their interest
        # runs until each payment
        moves |= self.env["account.move"].search(
            [
                ("company_id", "=", company.id),
                ("commercial_partner_id", "=", partner.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("paid", "in_payment")),
                ("dunning_level_id", "!=", False),
                ("dunning_disputed", "=", False),
                ("dunning_excluded", "=", False),
            ]
        )
        rates = Penalty._dunning_rates()
        payments = Penalty._dunning_payments(moves)
        indemnity_amount = Penalty._dunning_indemnity_amount(company, today)
        entries = [
            dict(
                move=move,
                **Penalty.with_context(lang=partner.lang or self.env.lang)._dunning_penalties(
                    move,
                    partner.is_company,
                    policy,
                    today,
                    rates,
                    payments.get(move.id, ()),
                    indemnity_amount,
                ),
            )
            for move in moves
        ]
        invoice = self.env["billing.dunning.interest.invoice"]._dunning_interest_invoice(
            company,
            partner,
            policy,
            entries,
            today,
            # the invoice's Source, read by the customer: in its language (else the company's)
            self.with_context(lang=partner.lang or company.partner_id.lang or self.env.lang).env._(
                "Follow-up of %(name)s", name=partner.display_name
            ),
        )
        if not invoice:
            raise UserError(
                _(
                    "Nothing to invoice to %(name)s: no late interest accrued on its overdue "
                    "invoices since the last interest invoice (a consumer owes interest only "
                    "after a formal notice).",
                    name=partner.display_name,
                )
            )
        self._billing_message_post(
            body=_("Interest invoice %(invoice)s created.", invoice=invoice.display_name)
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
        }

    def action_resume(self):
        self.write({"paused_until": False})

    def action_resolve_dispute(self):
        self.write({"disputed": False, "dispute_reason": False})

    def action_cancel_promise(self):
        self.write({"promise_date": False, "promise_amount": 0.0, "promise_base": 0.0})

    def _open_wizard(self, action):
        self.ensure_one()
        titles = {
            "pause": _("Pause reminders to %(name)s", name=self.partner_id.display_name),
            "dispute": _("Dispute of %(name)s", name=self.partner_id.display_name),
            "promise": _("Promise to pay of %(name)s", name=self.partner_id.display_name),
        }
        return {
            "type": "ir.actions.act_window",
            "name": titles[action],
            "res_model": "billing.dunning.followup.update",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_followup_id": self.id,
                "default_action": action,
            },
        }

    def action_pause(self):
        return self._open_wizard("pause")

    def action_dispute(self):
        return self._open_wizard("dispute")

    def action_promise(self):
        return self._open_wizard("promise")

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [
            ("commercial_partner_id", "=", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
        ]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------ business

    @api.model
    def _overdue_partner_ids(self, companies):
        """Commercial partners with overdue posted customer invoices in ``companies``."""
        today = fields.Date.context_today(self)
        groups = self.env["account.move"]._read_group(
            [
                ("company_id", "in", companies.ids),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("amount_residual", ">", 0),
                ("invoice_date_due", "<", today),
            ],
            ["company_id", "commercial_partner_id"],
        )
        return [(company, partner) for company, partner in groups]

    @api.model
    def _dunning_partner_state(self, company, partner, today):
        """Overdue total, current level, next action and its date for one customer."""
        partner = partner.commercial_partner_id
        return self._dunning_partner_states(company, partner, today)[partner.id]

    @api.model
    def _dunning_partner_states(self, company, partners, today):
        """{commercial partner id: state} of ``partners`` in ``company``: overdue total,
        current level, next action and its date. Set-based: the same few queries for one
        customer or thousands (the Payment Follow-up list computes a page at once)."""
        Run = self.env["billing.dunning.run"].with_company(company)
        Level = self.env["billing.dunning.level"]
        partners = partners.commercial_partner_id
        moves = self.env["account.move"]
        if partners:
            moves = Run._dunning_candidates(company, today, partners)
        not_yet_due = Run._dunning_not_yet_due(moves, today)
        move_ids = defaultdict(list)
        for move in moves:
            move_ids[move.commercial_partner_id.id].append(move.id)
        followups = Run._dunning_followups(company, partners) if moves else {}
        plan = {}
        default_policy = None
        if moves:
            # the plan reuses what was read above: no second search of the invoices
            default_policy = self.env["billing.dunning.policy"]._get_default_policy(company)
            entries = Run._dunning_plan(
                company,
                today,
                partners,
                moves=moves,
                not_yet_due=not_yet_due,
                followups=followups,
                default_policy=default_policy,
            )
            plan = {entry["partner"].id: entry for entry in entries}
        levels_cache = {}
        states = {}
        # translated once, not once per customer
        nothing_overdue = _("Nothing overdue")
        excluded = _("Excluded from reminders")
        no_policy = _("No dunning policy")
        last_level = _("Last level reached")
        for partner in partners:
            partner_moves = moves.browse(move_ids[partner.id])
            state = states[partner.id] = {
                "overdue_amount": sum(
                    m.amount_residual_signed - not_yet_due.get(m.id, (0.0, 0.0))[1]
                    for m in partner_moves
                ),
                "overdue_count": len(partner_moves),
                "level": max(
                    partner_moves.dunning_level_id,
                    key=lambda lvl: (lvl.sequence, lvl.id),
                    default=Level,
                ),
                "next_date": False,
                "next_action": False,
            }
            if not partner_moves:
                state["next_action"] = nothing_overdue
                continue
            followup = followups.get(partner.id)
            if followup and followup.excluded:
                state["next_action"] = excluded
                continue
            if followup and followup.disputed:
                state["next_action"] = _("Disputed: %(reason)s", reason=followup.dispute_reason)
                continue
            if followup and followup.paused_until and followup.paused_until >= today:
                state["next_action"] = _(
                    "Paused until %(date)s",
                    date=format_date(self.env, followup.paused_until),
                )
                state["next_date"] = followup.paused_until + timedelta(days=1)
                state["on_hold"] = True
                continue
            if followup and followup.promise_date and followup.promise_date >= today:
                state["next_action"] = _(
                    "Promise to pay by %(date)s",
                    date=format_date(self.env, followup.promise_date),
                )
                state["next_date"] = followup.promise_date + timedelta(days=1)
                state["on_hold"] = True
                continue
            if partner.id in plan:
                state["next_action"] = plan[partner.id]["level"].name
                state["next_date"] = today
                continue
            policy = followup and followup.policy_id
            if not policy:
                if default_policy is None:
                    default_policy = self.env["billing.dunning.policy"]._get_default_policy(company)
                policy = default_policy
            if not policy:
                state["next_action"] = no_policy
                continue
            if policy.id not in levels_cache:
                levels_cache[policy.id] = policy._sorted_levels()
            levels = levels_cache[policy.id]
            upcoming = []
            for move in partner_moves:
                _reached, level, date = policy._dunning_next_level(levels, move, today)
                if level and date:
                    upcoming.append((date, level.sequence, level))
            if upcoming:
                date, _seq, level = min(upcoming, key=lambda item: (item[0], item[1]))
                state["next_action"] = level.name
                state["next_date"] = date
            else:
                state["next_action"] = last_level
        return states
