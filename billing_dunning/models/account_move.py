# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_level_id = fields.Many2one(
        "billing.dunning.level",
        string="Dunning level",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="account.group_account_invoice",
        help="Last dunning level this invoice was reminded at.",
    )
    dunning_last_date = fields.Date(string="Last reminder", readonly=True, copy=False)
    dunning_excluded = fields.Boolean(string="Excluded from reminders", copy=False, tracking=True)
    dunning_disputed = fields.Boolean(string="Disputed", copy=False, tracking=True)
    dunning_dispute_reason = fields.Char(string="Dispute reason", copy=False, tracking=True)
    dunning_line_ids = fields.One2many(
        "billing.dunning.reminder.line",
        "move_id",
        string="Reminders",
        readonly=True,
        groups="account.group_account_invoice",
    )
    dunning_notice_date = fields.Date(
        string="Formal notice sent on",
        readonly=True,
        copy=False,
        help="Date of the first formal notice (mise en demeure) that listed this invoice: a "
        "consumer owes late interest at the legal rate from the next day.",
    )
    dunning_interest_until = fields.Date(
        string="Interest invoiced until", readonly=True, copy=False
    )
    dunning_indemnity_invoiced = fields.Boolean(
        string="Indemnity invoiced", readonly=True, copy=False
    )
    dunning_source_move_ids = fields.Many2many(
        "account.move",
        "billing_dunning_interest_move_rel",
        "interest_move_id",
        "late_move_id",
        string="Late invoices",
        readonly=True,
        copy=False,
        help="Invoices whose late interest and indemnity this invoice charges.",
    )

    @api.constrains("dunning_disputed", "dunning_dispute_reason")
    def _check_dunning_dispute_reason(self):
        for move in self:
            if move.dunning_disputed and not (move.dunning_dispute_reason or "").strip():
                raise ValidationError(
                    _(
                        "Invoice %(name)s is disputed: give the reason (field: Dispute reason).",
                        name=move.display_name,
                    )
                )
