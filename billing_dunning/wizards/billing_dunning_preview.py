# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date


class BillingDunningPreview(models.TransientModel):
    """Dry run: what the next run would send today, without writing any reminder."""

    _name = "billing.dunning.preview"
    _description = "Dunning Run Preview"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, check_company=True
    )
    date = fields.Date(readonly=True)
    line_ids = fields.One2many("billing.dunning.preview.line", "preview_id", readonly=True)
    reminder_count = fields.Integer(string="Reminders", readonly=True)
    empty_reason = fields.Char(string="Why nothing", readonly=True)
    review_count = fields.Integer(
        string="Prepared, waiting for review",
        readonly=True,
        help="Reminders the daily run prepared that no billing manager has sent yet: the "
        "customers concerned get nothing more until they are sent.",
    )

    @api.model
    def _open(self, company, partner=None):
        preview = self._build(company, partner)
        return {
            "type": "ir.actions.act_window",
            "name": _("Dunning preview"),
            "res_model": self._name,
            "res_id": preview.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def _build(self, company, partner=None):
        today = fields.Date.context_today(self)
        Run = self.env["billing.dunning.run"].with_company(company)
        plan = Run._dunning_plan(company, today, partners=partner, manual=bool(partner))
        lines = []
        for entry in plan:
            for line in entry["lines"]:
                lines.append(
                    Command.create(
                        {
                            "partner_id": entry["partner"].id,
                            "reminder_level_id": entry["level"].id,
                            "move_id": line["move"].id,
                            "level_id": line["level"].id if line["level"] else False,
                            "days_late": line["days_late"],
                            "currency_id": line["move"].currency_id.id,
                            "amount_residual": line["amount_residual"],
                            "amount_interest": line["interest"],
                            "amount_indemnity": line["indemnity"],
                        }
                    )
                )
        waiting = self._waiting_domain(company, partner)
        return self.create(
            {
                "review_count": self.env["billing.dunning.reminder"].search_count(waiting),
                "company_id": company.id,
                "partner_id": partner.id if partner else False,
                "date": today,
                "reminder_count": len(plan),
                "line_ids": lines,
                "empty_reason": not plan and self._empty_reason(company, today, partner),
            }
        )

    @api.model
    def _waiting_domain(self, company, partner=None):
        domain = [("company_id", "=", company.id), ("state", "=", "to_review")]
        if partner:
            domain.append(("partner_id", "=", partner.commercial_partner_id.id))
        return domain

    @api.model
    def _empty_reason(self, company, today, partner=None):
        """Why a run today would send nothing (to ``partner``, or in the whole company)."""
        Run = self.env["billing.dunning.run"].with_company(company)
        Reminder = self.env["billing.dunning.reminder"].with_company(company)
        domain = [("company_id", "=", company.id), ("date", "=", today), ("state", "=", "sent")]
        if partner:
            partner = partner.commercial_partner_id
            domain.append(("partner_id", "=", partner.id))
        sent_today = Reminder.search_count(domain)
        waiting = Reminder.search(self._waiting_domain(company, partner), order="date")
        if waiting and not partner:
            return _(
                "%(count)s reminder(s) prepared since %(date)s wait for review: nothing was "
                "sent. A billing manager checks and sends them (Reminders to review).",
                count=len(waiting),
                date=format_date(self.env, waiting[0].date),
            )
        if partner:
            if waiting:
                return _(
                    "Reminder %(name)s of %(date)s to %(partner)s waits for review: nothing "
                    "was sent. A billing manager checks and sends it (Reminders to review).",
                    name=waiting[0].name,
                    date=format_date(self.env, waiting[0].date),
                    partner=partner.display_name,
                )
            state = self.env["billing.dunning.followup"]._dunning_partner_state(
                company, partner, today
            )
            if sent_today:
                return _(
                    "Today's run already sent %(count)s reminder(s) to %(name)s; next: %(action)s.",
                    count=sent_today,
                    name=partner.display_name,
                    action=self._next_action_text(partner, state),
                )
            if not state["overdue_count"]:
                return _("Nothing overdue for %(name)s.", name=partner.display_name)
            return _(
                "Nothing to send to %(name)s today: %(action)s.",
                name=partner.display_name,
                action=self._next_action_text(partner, state),
            )
        if sent_today:
            return _(
                "Today's run already sent %(count)s reminder(s); the next run is tomorrow.",
                count=sent_today,
            )
        if not Run._dunning_candidates(company, today):
            return _("Nothing is overdue.")
        return _(
            "No overdue invoice reaches a new level today: nothing overdue beyond the grace "
            "period and level delays, or the customers concerned are paused, disputed, "
            "excluded, under a promise to pay or under the policy's minimum amount."
        )

    @api.model
    def _next_action_text(self, partner, state):
        if state["next_date"] and not state.get("on_hold"):
            return _(
                "%(action)s on %(date)s",
                action=state["next_action"],
                date=format_date(self.env, state["next_date"]),
            )
        return state["next_action"] or ""

    @api.model
    def action_open_for_company(self):
        return self._open(self.env.company)

    def action_send(self):
        """Run now what the preview shows (for its customer, or the whole company)."""
        self.ensure_one()
        Run = self.env["billing.dunning.run"].with_company(self.company_id)
        # a billing manager who saw the company's preview sends it; a billing user's click
        # prepares it for review where the policy waits for review
        reminders = Run._dunning_run_company(
            self.company_id,
            partners=self.partner_id or None,
            manual=bool(self.partner_id),
            release=self.env.user.has_group("account.group_account_manager"),
        )
        if not reminders:
            raise UserError(_("Nothing to send today."))
        return reminders._action_open()

    def action_view_to_review(self):
        self.ensure_one()
        action = self.env["billing.dunning.reminder"]._action_to_review()
        action["domain"] = self._waiting_domain(self.company_id, self.partner_id or None)
        return action


class BillingDunningPreviewLine(models.TransientModel):
    _name = "billing.dunning.preview.line"
    _description = "Dunning Run Preview Line"
    _check_company_auto = True

    preview_id = fields.Many2one("billing.dunning.preview", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="preview_id.company_id", store=True)
    partner_id = fields.Many2one("res.partner", string="Customer", check_company=True)
    reminder_level_id = fields.Many2one(
        "billing.dunning.level", string="Reminder level", check_company=True
    )
    move_id = fields.Many2one("account.move", string="Invoice", check_company=True)
    level_id = fields.Many2one("billing.dunning.level", string="New level", check_company=True)
    days_late = fields.Integer()
    currency_id = fields.Many2one("res.currency")
    amount_residual = fields.Monetary(string="Amount due", currency_field="currency_id")
    amount_interest = fields.Monetary(string="Late interest", currency_field="currency_id")
    amount_indemnity = fields.Monetary(string="Recovery indemnity", currency_field="currency_id")
