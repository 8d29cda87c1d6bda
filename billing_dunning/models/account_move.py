# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.sql import create_index

# the customers' open invoices: the Payment Follow-up list groups them by customer, the
# dunning run and the list's rows fetch those of a few customers; only open customer
# invoices are in it, so it stays small whatever the history (dropped at uninstall)
OPEN_INVOICE_INDEX = "billing_dunning_open_invoice_idx"
OPEN_INVOICE_WHERE = (
    "move_type = 'out_invoice' AND state = 'posted' AND payment_state IN ('not_paid', 'partial')"
)


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_level_id = fields.Many2one(
        "billing.dunning.level",
        string="Dunning level",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
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
    dunning_penalty_date = fields.Date(
        string="Penalties counted until",
        readonly=True,
        copy=False,
        help="Interest invoice: the late interest of its lines runs up to this date.",
    )

    def init(self):
        res = super().init()
        create_index(
            self.env.cr,
            OPEN_INVOICE_INDEX,
            self._table,
            ["commercial_partner_id", "company_id", "invoice_date_due", "amount_residual"],
            where=OPEN_INVOICE_WHERE,
        )
        return res

    def _dunning_penalty_invoices(self):
        """The invoices of late interest and indemnity among these moves."""
        return self.filtered(
            lambda m: m.invoice_line_ids and all(m.invoice_line_ids.mapped("dunning_penalty"))
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

    def write(self, vals):
        # EXTENDS account: l10n_fr_account dates the delivery of every French sale on posting
        # (whatever the order its override and ours take): never on an interest invoice
        if vals.get("delivery_date"):
            penalty = self._dunning_penalty_invoices()
            if penalty:
                super(AccountMove, penalty).write(dict(vals, delivery_date=False))
                others = self - penalty
                return super(AccountMove, others).write(vals) if others else True
        return super().write(vals)

    # account: an interest invoice that is cancelled or deleted gives its late interest and
    # indemnities back to be invoiced again; reset to draft from cancelled, it takes them again
    def button_cancel(self):
        res = super().button_cancel()
        self._dunning_release_penalties()
        return res

    def button_draft(self):
        cancelled = self.filtered(lambda move: move.state == "cancel")
        res = super().button_draft()
        cancelled._dunning_release_penalties()
        return res

    def unlink(self):
        self._dunning_release_penalties(exclude=self)
        return super().unlink()

    def _dunning_release_penalties(self, exclude=None):
        """Recompute "interest invoiced until" and "indemnity invoiced" of the late invoices
        that the interest invoices ``self`` charge, from the interest invoices that still
        charge them (not cancelled, not in ``exclude``)."""
        interest_moves = self.filtered("dunning_source_move_ids")
        if not interest_moves:
            return
        late_moves = interest_moves.dunning_source_move_ids
        domain = [
            ("dunning_late_move_id", "in", late_moves.ids),
            ("parent_state", "!=", "cancel"),
        ]
        if exclude:
            domain.append(("move_id", "not in", exclude.ids))
        charged = self.env["account.move.line"].search(domain)
        for move in late_moves:
            lines = charged.filtered(lambda line, move=move: line.dunning_late_move_id == move)
            interest_dates = [
                date
                for date in lines.filtered(
                    lambda line: line.dunning_penalty == "interest"
                ).move_id.mapped("dunning_penalty_date")
                if date
            ]
            vals = {
                "dunning_interest_until": max(interest_dates, default=False),
                "dunning_indemnity_invoiced": any(
                    line.dunning_penalty == "indemnity" for line in lines
                ),
            }
            if (
                move.dunning_interest_until != vals["dunning_interest_until"]
                or move.dunning_indemnity_invoiced != vals["dunning_indemnity_invoiced"]
            ):
                move.write(vals)
        released = interest_moves.filtered(
            lambda move: move.state == "cancel" or (exclude and move in exclude)
        )
        if released:
            self.env["billing.dunning.reminder"].search(
                [("interest_move_id", "in", released.ids)]
            ).interest_move_id = False
