# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class BillingDunningFollowupUpdate(models.TransientModel):
    """Pause, dispute or promise to pay for one customer."""

    _name = "billing.dunning.followup.update"
    _description = "Update Customer Payment Follow-up"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    followup_id = fields.Many2one("billing.dunning.followup", required=True, check_company=True)
    currency_id = fields.Many2one(related="followup_id.currency_id")
    action = fields.Selection(
        [("pause", "Pause"), ("dispute", "Dispute"), ("promise", "Promise to pay")],
        required=True,
    )
    date = fields.Date()
    reason = fields.Char()
    amount = fields.Monetary(currency_field="currency_id")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        followup = self.env["billing.dunning.followup"].browse(values.get("followup_id"))
        if followup:
            followup.check_access("read")
            if "company_id" in fields_list and followup.company_id in self.env.companies:
                values["company_id"] = followup.company_id.id
        if followup and values.get("action") == "promise" and "amount" in fields_list:
            values["amount"] = followup.overdue_amount
        return values

    def action_confirm(self):
        self.ensure_one()
        followup = self.followup_id
        name = followup.partner_id.display_name
        today = fields.Date.context_today(self)
        if self.action in ("pause", "promise") and (not self.date or self.date < today):
            raise UserError(
                _(
                    "%(name)s: give a date from today on (field: Date).",
                    name=name,
                )
            )
        if self.action == "pause":
            followup.paused_until = self.date
            followup._billing_message_post(
                body=_("Reminders paused until %(date)s.", date=self.date)
            )
        elif self.action == "dispute":
            if not (self.reason or "").strip():
                raise UserError(
                    _("%(name)s: give the reason of the dispute (field: Reason).", name=name)
                )
            followup.write({"disputed": True, "dispute_reason": self.reason.strip()})
        else:
            if followup.currency_id.compare_amounts(self.amount, 0) <= 0:
                raise UserError(
                    _(
                        "%(name)s: the promised amount must be positive (field: Amount).",
                        name=name,
                    )
                )
            followup.write(
                {
                    "promise_date": self.date,
                    "promise_amount": self.amount,
                    "promise_base": followup.overdue_amount,
                }
            )
            followup._billing_message_post(
                body=_(
                    "Promise to pay %(amount)s by %(date)s.",
                    amount=followup.currency_id.format(self.amount),
                    date=self.date,
                )
            )
        return {"type": "ir.actions.act_window_close"}
