# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


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
        invoice = self.env["billing.dunning.interest.invoice"]._dunning_interest_invoice(
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
        self._billing_message_post(
            body=_("Interest invoice %(invoice)s created.", invoice=invoice.display_name)
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
        }
