# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from ..tools import delivery as delivery_rules
from ..tools import situation as situation_rules


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # delivery invoicing
    delivery_invoice_extra_lines = fields.Selection(
        [
            ("first_delivery", "On the first delivery's invoice"),
            ("order", "From the order only"),
        ],
        string="Services and Ordered Quantities",
        default="first_delivery",
        help="When deliveries are invoiced one by one: products invoiced on ordered quantities "
        "and lines that are not delivered (services such as shipping) go on the first "
        "delivery's invoice, or are left to the order's own invoicing.",
    )  # not NOT NULL in the database (modules loaded before this one create orders); empty
    # reads as the default
    delivery_downpayment_rule = fields.Selection(
        [
            ("first", "On the first invoices"),
            ("proportional", "In proportion to each delivery"),
        ],
        string="Down Payments on Delivery Invoices",
        compute="_compute_delivery_downpayment_rule",
        store=True,
        readonly=False,
        precompute=True,
        help="How down payments are deducted when deliveries are invoiced one by one.",
    )
    delivery_picking_invoice_ids = fields.Many2many(
        "account.move",
        string="Delivery Invoices",
        compute="_compute_delivery_picking_invoice_ids",
        check_company=True,
    )

    # progress invoicing
    situation_ids = fields.One2many("billing.situation", "order_id", string="Situations")
    situation_count = fields.Integer(compute="_compute_situation_count")
    billing_retention_rate = fields.Float(
        string="Retention Rate (%)",
        digits=(5, 2),
        default=5.0,
        copy=True,
        help="Retenue de garantie held on each situation invoice's total incl. taxes, "
        "at most 5 % (French law of 16 July 1971).",
    )
    billing_bank_guarantee = fields.Boolean(
        string="Bank Guarantee Instead of Retention",
        help="The customer gave a bank guarantee (caution bancaire): no retention is held.",
    )
    billing_acceptance_date = fields.Date(
        string="Acceptance Date",
        copy=False,
        help="Date of the acceptance of the works (réception), start of the guarantee year.",
    )
    billing_retention_release_date = fields.Date(
        string="Retention Release Date",
        compute="_compute_billing_retention_release_date",
        store=True,
        readonly=False,
        copy=False,
        help="Date the retention becomes due: one year after acceptance by default.",
    )
    billing_retention_held = fields.Monetary(
        string="Retention Held",
        compute="_compute_billing_retention_held",
        help="Retention still held on the posted situation invoices.",
    )
    billing_retention_releasable = fields.Monetary(
        string="Retention Releasable Now",
        compute="_compute_billing_retention_held",
        help="Part of the retention held whose release date is reached: what Release "
        "Retention books.",
    )
    billing_retention_next_date = fields.Date(
        string="Retention Releasable From",
        compute="_compute_billing_retention_held",
        help="Earliest release date of the retention still held.",
    )

    # ------------------------------------------------------------------ delivery invoicing

    @api.depends("partner_id")
    def _compute_delivery_downpayment_rule(self):
        for order in self:
            order.delivery_downpayment_rule = (
                order.partner_id.commercial_partner_id.delivery_downpayment_rule or "first"
            )

    @api.depends("picking_ids.delivery_invoice_id")
    def _compute_delivery_picking_invoice_ids(self):
        for order in self:
            order.delivery_picking_invoice_ids = order.picking_ids.delivery_invoice_id

    def _delivery_downpayment_lines(self, amount, remaining):
        """[(down payment line, fraction to deduct)] on an invoice billing ``amount`` (untaxed)
        of this order; ``remaining`` ({sale line: qty to invoice}) is updated."""
        self.ensure_one()
        dp_lines = self.order_line.filtered(
            lambda line: line.is_downpayment
            and not line.display_type
            and remaining.get(line, 0.0) < 0
        )
        if not dp_lines:
            return []
        products = self.order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment
        )
        order_amount = sum(products.mapped("price_subtotal"))
        dp_amount = sum(line.price_unit * line.qty_invoiced for line in dp_lines)
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        is_last = all(
            line.qty_invoiced + line.qty_to_invoice - remaining.get(line, 0.0)
            >= line.product_uom_qty - 10**-digits
            for line in products
        )
        result = []
        for dp_line in dp_lines:
            fraction = delivery_rules.downpayment_fraction(
                self.delivery_downpayment_rule or "first",
                amount,
                order_amount,
                dp_amount,
                -remaining[dp_line],
                is_last,
                digits=digits,
            )
            if fraction > 0:
                remaining[dp_line] += fraction
                result.append((dp_line, fraction))
        return result

    # ------------------------------------------------------------------ progress invoicing

    def _compute_situation_count(self):
        counts = dict(
            self.env["billing.situation"]._read_group(
                [("order_id", "in", self.ids)], ["order_id"], ["__count"]
            )
        )
        for order in self:
            order.situation_count = counts.get(order, 0)

    @api.depends("billing_acceptance_date")
    def _compute_billing_retention_release_date(self):
        for order in self:
            if order.billing_acceptance_date:
                order.billing_retention_release_date = (
                    order.billing_acceptance_date + relativedelta(years=1)
                )
            elif not order.billing_retention_release_date:
                order.billing_retention_release_date = False

    def _compute_billing_retention_held(self):
        today = fields.Date.context_today(self)
        for order in self:
            lines = order._billing_retention_lines()
            due = lines.filtered(lambda line: line.date_maturity and line.date_maturity <= today)
            order.billing_retention_held = sum(lines.mapped("amount_residual"))
            order.billing_retention_releasable = sum(due.mapped("amount_residual"))
            dates = lines.filtered("date_maturity").mapped("date_maturity")
            order.billing_retention_next_date = min(dates) if dates else False

    @api.constrains("billing_retention_rate")
    def _check_billing_retention_rate(self):
        for order in self:
            problem = situation_rules.check_retention_rate(order.billing_retention_rate)
            if problem:
                raise ValidationError(
                    _(
                        "Order %(order)s: the retention rate %(rate)s %% must be between 0 and "
                        "5 %% (field Retention Rate).",
                        order=order.name,
                        rate=order.billing_retention_rate,
                    )
                )

    def write(self, vals):
        res = super().write(vals)
        if {"billing_acceptance_date", "billing_retention_release_date"} & set(vals):
            self._billing_update_retention_due_dates()
        return res

    # ------------------------------------------------------------- progress invoicing, actions

    def action_new_situation(self):
        """Open the draft situation of the order, creating it with the lines' progress."""
        self.ensure_one()
        if self.state != "sale":
            raise UserError(
                _("Order %(order)s must be confirmed before its first situation.", order=self.name)
            )
        if self.locked:
            raise UserError(
                _(
                    "Order %(order)s is locked (final statement done): no new situation.",
                    order=self.name,
                )
            )
        # the situation in progress (draft, or whose invoice is still a draft) is opened
        # rather than a second one made
        situation = self._billing_situation_in_progress()
        if not situation:
            situation = self.env["billing.situation"].create({"order_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "billing.situation",
            "res_id": situation.id,
            "views": [(False, "form")],
        }

    def action_view_situations(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Situations"),
            "res_model": "billing.situation",
            "views": [(False, "list"), (False, "form")],
            "domain": [("order_id", "=", self.id)],
            "context": {"default_order_id": self.id},
        }

    def action_release_retention(self):
        """Book the release of the held retention once its release date has passed.

        A journal entry moves the retention from the retention account back to the
        customer's receivable account, due today, and settles the retention lines.
        """
        self.ensure_one()
        today = fields.Date.context_today(self)
        held = self._billing_retention_lines()
        if not held:
            raise UserError(_("Order %(order)s holds no retention to release.", order=self.name))
        # The release date used is the one each situation invoice announced: the due date of
        # its retention line (the order's Retention Release Date once set, else one year
        # after the invoice), the same value the printed invoice shows.
        lines = held.filtered(lambda line: line.date_maturity and line.date_maturity <= today)
        if not lines:
            first_date = min(held.mapped("date_maturity"))
            raise UserError(
                _(
                    "Order %(order)s: the retention can only be released from its release date "
                    "(%(date)s, field Retention Release Date).",
                    order=self.name,
                    date=format_date(self.env, first_date),
                )
            )
        partner = self.partner_invoice_id.commercial_partner_id
        receivable = partner.with_company(self.company_id).property_account_receivable_id
        amount = sum(lines.mapped("amount_residual"))
        journal = lines.move_id.journal_id[:1]
        label = _("Release of the retention of %(order)s", order=self.name)
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "date": today,
                "ref": label,
                "line_ids": [
                    fields.Command.create(
                        {
                            "name": label,
                            "account_id": receivable.id,
                            "partner_id": partner.id,
                            "debit": amount,
                            "date_maturity": today,
                        }
                    ),
                    fields.Command.create(
                        {
                            "name": label,
                            "account_id": lines.account_id[:1].id,
                            "partner_id": partner.id,
                            "credit": amount,
                            "billing_is_retention_release": True,
                        }
                    ),
                ],
            }
        )
        move.action_post()
        (lines + move.line_ids.filtered("billing_is_retention_release")).reconcile()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": move.id,
            "views": [(False, "form")],
        }

    def action_invoice_reached_milestones(self):
        """Invoice only the order lines delivered by reached milestones."""
        lines = self.order_line.filtered(
            lambda line: line.qty_delivered_method == "milestones" and line.qty_to_invoice > 0
        )
        if not lines:
            raise UserError(
                _(
                    "%(orders)s: no reached milestone is left to invoice.",
                    orders=", ".join(self.mapped("name")),
                )
            )
        invoices = self.with_context(billing_milestones_only=True)._create_invoices()
        return self.action_view_invoice(invoices=invoices)

    # ------------------------------------------------------------- progress invoicing, business

    def _billing_situation_order_lines(self):
        """Order lines billed by situations: priced product lines, down payments aside."""
        return self.order_line.filtered(
            lambda line: not line.display_type
            and not line.is_downpayment
            and line.price_subtotal > 0
        )

    def _billing_situation_in_progress(self):
        """The order's situation not posted yet: draft, or invoiced with a draft invoice."""
        self.ensure_one()
        return self.situation_ids.filtered(lambda s: s.state in ("draft", "invoiced")).sorted(
            "number"
        )[:1]

    def _billing_effective_retention_rate(self):
        self.ensure_one()
        return 0.0 if self.billing_bank_guarantee else self.billing_retention_rate

    def _billing_retention_due_date(self, invoice_date):
        """Due date of a retention: the release date, else one year after the invoice."""
        self.ensure_one()
        return self.billing_retention_release_date or (
            fields.Date.to_date(invoice_date) + relativedelta(years=1)
        )

    def _billing_update_retention_due_dates(self):
        """Move the due date of the held retentions to the order's release date."""
        for order in self.filtered("billing_retention_release_date"):
            lines = order._billing_retention_lines()
            if lines:
                lines.with_context(skip_invoice_sync=True).write(
                    {"date_maturity": order.billing_retention_release_date}
                )
                lines.move_id.with_context(skip_invoice_sync=True).write(
                    {"billing_retention_date": order.billing_retention_release_date}
                )

    def _billing_retention_lines(self):
        """Open retention receivable lines of the order's posted situation invoices."""
        self.ensure_one()
        return self.situation_ids.invoice_id.line_ids.filtered(
            lambda line: line.billing_is_retention
            and line.parent_state == "posted"
            and not line.reconciled
        )

    def _get_invoiceable_lines(self, final=False):
        # EXTENDS sale: the lines billed by situations are left to their situations (see
        # billing.situation._create_situation_invoice); "Invoice reached milestones" keeps the
        # milestone lines only.
        lines = super()._get_invoiceable_lines(final=final)
        if self.env.context.get("billing_milestones_only"):
            lines = lines.filtered(lambda line: line.qty_delivered_method == "milestones")
        if self.situation_ids.filtered(lambda s: s.state != "cancel"):
            lines = lines.filtered(lambda line: not line.billing_situation_line_ids)
        return lines
