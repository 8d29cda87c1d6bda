# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, frozendict


class AccountMove(models.Model):
    # progress invoicing kept apart from delivery invoicing (account_move.py)
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "account.move"

    billing_situation_id = fields.Many2one(
        "billing.situation",
        string="Situation",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
    )
    billing_retention_amount = fields.Monetary(
        string="Retention Held",
        readonly=True,
        help="Retenue de garantie held on this invoice: booked on its own receivable line "
        "(retention account) due on the release date.",
    )
    billing_retention_date = fields.Date(
        string="Retention Release Date",
        readonly=True,
        help="Due date of the retention receivable line.",
    )
    billing_situation_line_ids = fields.One2many(
        related="billing_situation_id.line_ids", string="Situation Lines"
    )
    billing_bank_guarantee = fields.Boolean(
        related="billing_situation_id.order_id.billing_bank_guarantee"
    )

    @api.depends("billing_retention_amount", "billing_retention_date")
    def _compute_needed_terms(self):
        # Override of account: the retention is a receivable term of its own, on the
        # retention account, due on the release date; the other terms carry the rest.
        res = super()._compute_needed_terms()
        for move in self:
            amount = move.billing_retention_amount
            if not amount or not move.needed_terms or not move.is_invoice(True):
                continue
            sign = -move.direction_sign
            rate = abs(move.amount_total_signed / move.amount_total) if move.amount_total else 1.0
            retention_currency = sign * amount
            retention_balance = move.company_currency_id.round(retention_currency * rate)
            terms = dict(move.needed_terms)
            last_key = max(terms, key=lambda key: key["date_maturity"] or fields.Date.today())
            last = dict(terms[last_key])
            last["amount_currency"] -= retention_currency
            last["balance"] -= retention_balance
            terms[last_key] = last
            account = move.company_id._billing_retention_account()
            key = frozendict(
                {
                    "move_id": move.id,
                    "date_maturity": move.billing_retention_date
                    or move.invoice_date_due
                    or fields.Date.context_today(move),
                    "discount_date": False,
                    "billing_is_retention": True,
                }
            )
            terms[key] = {
                "balance": retention_balance,
                "amount_currency": retention_currency,
                "account_id": account.id,
                "name": _("Retention (retenue de garantie)"),
            }
            move.needed_terms = terms
        return res

    def _compute_invoice_date_due(self):
        # Override of account: the retention's release date is not the invoice's due date.
        res = super()._compute_invoice_date_due()
        for move in self.filtered("billing_retention_amount"):
            dates = [
                key["date_maturity"]
                for key in (move.needed_terms or {})
                if key and not key.get("billing_is_retention") and key["date_maturity"]
            ]
            if dates:
                move.invoice_date_due = max(dates)
        return res

    def _post(self, soft=True):
        # Override of account: a situation invoice bills exactly what its situation states.
        self.filtered(
            lambda move: move.billing_situation_id and move.move_type == "out_invoice"
        )._billing_check_situation_amounts()
        return super()._post(soft=soft)

    def _billing_check_situation_amounts(self):
        for move in self:
            for sit_line in move.billing_situation_id.line_ids.filtered("amount"):
                billed = sum(
                    move.invoice_line_ids.filtered(
                        lambda line, sit_line=sit_line: line.billing_situation_line_id == sit_line
                    ).mapped("price_subtotal")
                )
                if float_compare(billed, sit_line.amount, precision_digits=2):
                    raise UserError(
                        _(
                            "Invoice %(invoice)s bills %(billed)s for %(line)s but its situation "
                            "states %(amount)s: cancel the invoice and change the situation "
                            "instead.",
                            invoice=move.display_name,
                            billed=billed,
                            line=sit_line.sale_line_id.display_name,
                            amount=sit_line.amount,
                        )
                    )

    def action_force_register_payment(self):
        # Override of account: a retention not yet due is not paid with the invoice.
        today = fields.Date.context_today(self)
        held = self.line_ids.filtered(
            lambda line: line.billing_is_retention
            and line.date_maturity
            and line.date_maturity > today
        )
        if not held:
            return super().action_force_register_payment()
        super().action_force_register_payment()  # keeps account's checks
        return (self.line_ids - held).action_register_payment()
