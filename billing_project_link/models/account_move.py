# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, frozendict


class AccountMove(models.Model):
    _inherit = "account.move"

    # delivery invoicing
    delivery_picking_ids = fields.Many2many(
        "stock.picking",
        string="Delivery Notes",
        compute="_compute_delivery_picking_ids",
        check_company=True,
    )
    delivery_picking_count = fields.Integer(compute="_compute_delivery_picking_ids")
    delivery_despatch_ref = fields.Char(
        string="Despatch Advice Reference",
        compute="_compute_delivery_picking_ids",
        help="Number of the delivery note this customer invoice bills, when it bills exactly one "
        "(Factur-X BT-16, despatch advice reference). The invoice reference stays the "
        "customer's purchase order number.",
    )

    # progress invoicing
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
    billing_amount_due_now = fields.Monetary(
        string="Amount Payable Now",
        compute="_compute_billing_amount_due_now",
        help="What the customer pays now: the amount due less the retention held until its "
        "release date (as the printed situation invoice states).",
    )
    billing_situation_line_ids = fields.One2many(
        related="billing_situation_id.line_ids", string="Situation Lines"
    )
    billing_bank_guarantee = fields.Boolean(
        related="billing_situation_id.order_id.billing_bank_guarantee"
    )

    # ------------------------------------------------------------------ delivery invoicing

    @api.depends("line_ids.delivery_picking_id")
    def _compute_delivery_picking_ids(self):
        # delivery_despatch_ref is the one value e-invoicing reads (billing_fr_compliance's
        # Factur-X BT-16) without depending on this addon's models
        for move in self:
            pickings = move.line_ids.delivery_picking_id
            move.delivery_picking_ids = pickings
            move.delivery_picking_count = len(pickings)
            one = len(pickings) == 1 and move.move_type == "out_invoice"
            move.delivery_despatch_ref = pickings.name if one else False

    @api.depends("line_ids.delivery_picking_id")
    def _compute_delivery_date(self):
        # EXTENDS sale_stock: an invoice of delivery notes is dated by its deliveries, not by
        # the order's first delivery. Set when its lines are linked to the deliveries, as
        # sale_stock sets it when they are linked to the order (not on every later change of a
        # delivery's date: validating a delivery does not look for the invoices billing it).
        res = super()._compute_delivery_date()
        for move in self:
            done = move.line_ids.delivery_picking_id.filtered("date_done").mapped("date_done")
            if done:
                move.delivery_date = fields.Date.context_today(move, max(done))
        return res

    @api.model_create_multi
    def create(self, vals_list):
        # EXTENDS account: an invoice created with lines of free deliveries (the new draft of
        # "Reverse > Reverse and create invoice") bills them again: link them back.
        moves = super().create(vals_list)
        for move in moves.filtered(lambda m: m.move_type == "out_invoice"):
            free = move.line_ids.delivery_picking_id.filtered(
                lambda p: not p.delivery_invoice_id and p.picking_type_code == "outgoing"
            )
            if free:
                free.write({"delivery_invoice_id": move.id})
        return moves

    def button_cancel(self):
        # EXTENDS account: a cancelled invoice frees its deliveries.
        res = super().button_cancel()
        self._delivery_free_pickings(self.filtered(lambda m: m.state == "cancel"))
        return res

    @api.model
    def _delivery_free_pickings(self, moves):
        pickings = self.env["stock.picking"].search([("delivery_invoice_id", "in", moves.ids)])
        if pickings:
            pickings.write({"delivery_invoice_id": False})

    def action_view_delivery_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("stock.action_picking_tree_all")
        pickings = self.delivery_picking_ids
        if len(pickings) == 1:
            action.update(
                views=[(self.env.ref("stock.view_picking_form").id, "form")], res_id=pickings.id
            )
        else:
            action["domain"] = [("id", "in", pickings.ids)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------ progress invoicing

    @api.depends(
        "amount_residual",
        "billing_retention_amount",
        "line_ids.amount_residual_currency",
        "line_ids.date_maturity",
        "state",
    )
    def _compute_billing_amount_due_now(self):
        today = fields.Date.context_today(self)
        for move in self:
            if not move.billing_retention_amount:
                move.billing_amount_due_now = move.amount_residual
                continue
            if move.state == "draft":
                held = move.billing_retention_amount
            else:
                held = abs(
                    sum(
                        move.line_ids.filtered(
                            lambda line: line.billing_is_retention
                            and not line.reconciled
                            and (not line.date_maturity or line.date_maturity > today)
                        ).mapped("amount_residual_currency")
                    )
                )
            residual = move.amount_residual if move.state != "draft" else move.amount_total
            move.billing_amount_due_now = max(residual - held, 0.0)

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

    # ------------------------------------------------------------------ both features

    def _post(self, soft=True):
        # EXTENDS account:
        # - progress invoicing: a situation invoice bills exactly what its situation states
        #   (checked before posting);
        # - delivery invoicing: posting the reversal of a delivery invoice frees its deliveries
        #   (a credit note of a return is tied to the return, not to the delivery).
        self.filtered(
            lambda move: move.billing_situation_id and move.move_type == "out_invoice"
        )._billing_check_situation_amounts()
        posted = super()._post(soft=soft)
        reversals = posted.filtered(lambda m: m.move_type == "out_refund" and m.reversed_entry_id)
        for reversal in reversals:
            pickings = reversal.line_ids.delivery_picking_id.filtered(
                lambda p, r=reversal: p.delivery_invoice_id == r.reversed_entry_id
            )
            if pickings:
                pickings.write({"delivery_invoice_id": False})
        return posted
