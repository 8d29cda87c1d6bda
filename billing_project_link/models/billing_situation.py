# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

import psycopg2

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools import situation as rules

_logger = logging.getLogger(__name__)

DEMO_ORDER = "billing_project_link.demo_order_situation"
DEMO_PROGRESS = [[30.0, 0.0], [55.0, 40.0]]

# Fields of a situation that freeze once its invoice exists.
FROZEN_FIELDS = {"order_id", "date", "line_ids", "is_final", "retention_rate", "number"}


class BillingSituation(models.Model):
    _name = "billing.situation"
    _description = "Situation Invoice (progress billing)"
    _order = "order_id, number desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    number = fields.Integer(
        string="Situation No.",
        readonly=True,
        copy=False,
        help="Rank of the situation on its order (situation n°k).",
    )
    order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="order_id.currency_id", store=True)
    partner_id = fields.Many2one(related="order_id.partner_id", store=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    is_final = fields.Boolean(
        string="Final Statement",
        help="Décompte définitif: every line at 100 %, the remaining down payment deducted "
        "and the order closed.",
    )
    global_percent = fields.Float(
        string="Overall Progress to Apply",
        digits=(5, 2),
        help="Cumulative progress to apply to every line at once.",
    )
    line_ids = fields.One2many("billing.situation.line", "situation_id", string="Lines")
    invoice_id = fields.Many2one("account.move", readonly=True, copy=False, check_company=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("invoiced", "Invoiced"),
            ("posted", "Posted"),
            ("cancel", "Cancelled"),
        ],
        compute="_compute_state",
        store=True,
        index=True,
        help="Cancelled: the invoice was cancelled or fully reversed by a credit note.",
    )
    retention_rate = fields.Float(
        string="Retention Rate (%)", digits=(5, 2), readonly=True, copy=False
    )
    # Contract, cumulative, previous and progress describe the order at each situation: added
    # up over several situations they mean nothing (two situations of a 120,000 contract are
    # not a 240,000 contract), so they have no aggregate in lists and reports. What each
    # situation bills (this situation, deduction, retention) adds up.
    amount_contract = fields.Monetary(
        string="Contract", compute="_compute_amounts", store=True, aggregator=None
    )
    amount_cumulative = fields.Monetary(
        string="Cumulative Amount", compute="_compute_amounts", store=True, aggregator=None
    )
    amount_previous = fields.Monetary(
        string="Previously Invoiced", compute="_compute_amounts", store=True, aggregator=None
    )
    amount_situation = fields.Monetary(
        string="This Situation", compute="_compute_amounts", store=True
    )
    progress = fields.Float(
        string="Overall Progress (%)",
        digits=(5, 2),
        compute="_compute_amounts",
        store=True,
        aggregator=None,
    )
    works_amount_total = fields.Monetary(
        string="Works incl. Taxes",
        readonly=True,
        copy=False,
        help="This situation's works incl. taxes, base of the retention.",
    )
    down_payment_deduction = fields.Monetary(readonly=True, copy=False)
    retention_amount = fields.Monetary(string="Retention", readonly=True, copy=False)

    _sql_constraints = [
        (
            "number_uniq",
            "EXCLUDE (order_id WITH =, number WITH =) WHERE (state != 'cancel')",
            "Two live situations of an order cannot have the same number.",
        ),
    ]

    @api.depends("number", "order_id.name")
    def _compute_name(self):
        for situation in self:
            if not situation.number:  # numbered when saved (New on the Situations list)
                situation.name = _("New Situation")
                continue
            situation.name = _(
                "Situation %(number)s - %(order)s",
                number=situation.number,
                order=situation.order_id.name or "",
            )

    @api.depends("invoice_id.state", "invoice_id.payment_state")
    def _compute_state(self):
        for situation in self:
            invoice = situation.invoice_id
            if not invoice:
                situation.state = "draft"
            elif invoice.state == "cancel" or invoice.payment_state == "reversed":
                situation.state = "cancel"
            elif invoice.state == "posted":
                situation.state = "posted"
            else:
                situation.state = "invoiced"

    @api.depends(
        "line_ids.contract_amount", "line_ids.cumulative_amount", "line_ids.previous_amount"
    )
    def _compute_amounts(self):
        for situation in self:
            lines = situation.line_ids
            contract = sum(lines.mapped("contract_amount"))
            cumulative = sum(lines.mapped("cumulative_amount"))
            situation.amount_contract = contract
            situation.amount_cumulative = cumulative
            situation.amount_previous = sum(lines.mapped("previous_amount"))
            situation.amount_situation = sum(lines.mapped("amount"))
            situation.progress = float(rules.overall_percent(cumulative, contract))

    @api.constrains("global_percent")
    def _check_global_percent(self):
        for situation in self:
            if rules.check_progress(situation.global_percent):
                raise ValidationError(
                    _(
                        "%(situation)s: the overall progress must be between 0 and 100 %% "
                        "(field Overall Progress to Apply).",
                        situation=situation.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        # A situation created without a number (New on the Situations list, or New Situation
        # on the order) starts from the order: next number, one line per order line at the
        # previous situation's progress.
        situations = super().create(vals_list)
        for situation in situations.filtered(lambda s: not s.number):
            situation._start()
        return situations

    def write(self, vals):
        if FROZEN_FIELDS & set(vals):
            self._check_draft()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_draft(self):
        self._check_draft()

    # ------------------------------------------------------------------ actions

    def action_apply_global_percent(self):
        """Set every line to the overall progress (never below its previous progress)."""
        for situation in self:
            situation._check_draft()
            situation.line_ids.write({"percent": situation.global_percent})

    def action_create_invoice(self):
        """Create the situation invoice through the order's invoicing machinery."""
        self.ensure_one()
        situation = self.with_company(self.company_id)
        situation._check_draft()
        order = situation.order_id
        situation._lock_order()
        if order.state != "sale":
            raise UserError(
                _("Order %(order)s is not confirmed: it cannot be invoiced.", order=order.name)
            )
        pending = order.situation_ids.filtered(lambda s: s.state == "invoiced" and s != situation)
        if pending:
            raise UserError(
                _(
                    "%(pending)s still has a draft invoice: post or cancel it before "
                    "invoicing %(situation)s.",
                    pending=pending[0].display_name,
                    situation=situation.display_name,
                )
            )
        situation.line_ids._refresh_previous()
        if situation.is_final:
            situation.line_ids.write({"percent": 100.0})
        situation.line_ids._check_progress()
        deductions = situation._down_payment_deductions()
        if not any(situation.line_ids.mapped("amount")) and not any(deductions.values()):
            raise UserError(
                _(
                    "%(situation)s bills nothing: raise the cumulative progress of a line.",
                    situation=situation.display_name,
                )
            )
        invoice = situation._create_situation_invoice(deductions)
        works_lines = invoice.invoice_line_ids.filtered(
            lambda line: line.display_type == "product" and not line.is_downpayment
        )
        works_total = sum(works_lines.mapped("price_total"))
        retention = situation._retention_for(works_total)
        super(BillingSituation, situation).write(
            {
                "invoice_id": invoice.id,
                "retention_rate": order._billing_effective_retention_rate(),
                "works_amount_total": works_total,
                "down_payment_deduction": sum(deductions.values()),
                "retention_amount": retention,
            }
        )
        invoice.write(
            {
                "billing_situation_id": situation.id,
                "billing_retention_amount": retention,
                "billing_retention_date": order._billing_retention_due_date(
                    invoice.invoice_date or situation.date
                ),
            }
        )
        if situation.is_final:
            order.action_lock()
        return situation.action_view_invoice()

    def action_view_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.invoice_id.id,
            "views": [(self.env.ref("account.view_move_form").id, "form")],
            "context": {"default_move_type": "out_invoice"},
        }

    # ------------------------------------------------------------------ business

    def _create_situation_invoice(self, deductions):
        """Create the invoice of this situation with the order's own invoicing hooks.

        Like sale's ``_create_invoices`` (same access rule, same ``_prepare_invoice``,
        ``_prepare_invoice_line`` and ``_create_account_invoices``), but the lines and their
        amounts are this situation's, passed as arguments: ``deductions`` is
        {down payment order line id: untaxed amount deducted now}.
        """
        self.ensure_one()
        order = self.order_id.with_company(self.company_id)
        if not self.env["account.move"].has_access("create"):
            order.check_access("write")  # as sale: who may change the order may invoice it
        if order.partner_invoice_id.lang:
            order = order.with_context(lang=order.partner_invoice_id.lang)
        situation = self.with_env(order.env)
        invoice_vals = order._prepare_invoice()
        sequence = 0
        commands = []
        for sit_line in situation.line_ids.filtered("amount").sorted(
            lambda line: (line.sale_line_id.sequence, line.sale_line_id.id)
        ):
            sequence += 1
            commands.append(
                Command.create(
                    sit_line.sale_line_id._prepare_invoice_line(
                        sequence=sequence, **sit_line._prepare_invoice_line_values()
                    )
                )
            )
        dp_lines = order.order_line.browse([int(line_id) for line_id in deductions])
        if dp_lines:
            sequence += 1
            commands.append(
                Command.create(order._prepare_down_payment_section_line(sequence=sequence))
            )
            for dp_line in dp_lines:
                sequence += 1
                commands.append(
                    Command.create(
                        dp_line._prepare_invoice_line(
                            sequence=sequence,
                            quantity=-1.0,
                            price_unit=deductions[dp_line.id],
                            discount=0.0,
                            name=situation._down_payment_line_name(),
                        )
                    )
                )
        invoice_vals["invoice_line_ids"] = commands
        invoice = order._create_account_invoices([invoice_vals], False)
        invoice._billing_message_post_with_source(
            "mail.message_origin_link",
            render_values={"self": invoice, "origin": order},
            subtype_xmlid="mail.mt_note",
        )
        return invoice

    def _start(self):
        """Number a new situation and give it the order's lines at their previous progress;
        refused while another situation of the order is not posted."""
        self.ensure_one()
        order = self.order_id
        if order.state != "sale":
            raise UserError(
                _("Order %(order)s must be confirmed before its first situation.", order=order.name)
            )
        if order.locked:
            raise UserError(
                _(
                    "Order %(order)s is locked (final statement done): no new situation.",
                    order=order.name,
                )
            )
        other = order.situation_ids.filtered(
            lambda s: s.state in ("draft", "invoiced") and s != self
        )
        if other:
            raise UserError(
                _(
                    "Order %(order)s already has %(situation)s in progress (draft, or with a "
                    "draft invoice): open it, or post or cancel its invoice, before a new "
                    "situation.",
                    order=order.name,
                    situation=other[0].display_name,
                )
            )
        live = order.situation_ids.filtered(lambda s: s.state != "cancel" and s != self)
        self.write(
            {
                "number": max(live.mapped("number"), default=0) + 1,
                "line_ids": [
                    Command.create({"sale_line_id": line.id})
                    for line in order._billing_situation_order_lines()
                    if line not in self.line_ids.sale_line_id
                ],
            }
        )
        self.line_ids._refresh_previous(start=True)

    def _down_payment_line_name(self):
        """Label of a down payment deduction, in the language of ``self.env``."""
        self.ensure_one()
        return _(
            "Down payment deducted in proportion to progress (%(progress)s %%)",
            progress=self.progress,
        )

    def _lock_order(self):
        """Lock the order row so that two users never invoice its situations at once."""
        order = self.order_id
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM sale_order WHERE id = %s FOR NO KEY UPDATE NOWAIT",
                        order.id,
                    )
                )
        except psycopg2.errors.LockNotAvailable:
            raise UserError(
                _(
                    "Order %(order)s is being invoiced by another user: try again in a moment.",
                    order=order.name,
                )
            ) from None

    def _check_draft(self):
        for situation in self:
            if situation.state != "draft":
                raise UserError(
                    _(
                        "%(situation)s is already invoiced: its progress can no longer change. "
                        "Issue a credit note for its invoice to go back.",
                        situation=situation.display_name,
                    )
                )

    def _previous_situations(self):
        """Live situations of the same order before this one (invoiced or posted)."""
        self.ensure_one()
        return self.order_id.situation_ids.filtered(
            lambda s: s.state in ("invoiced", "posted") and s.id != self.id
        )

    def _down_payment_deductions(self):
        """{down payment order line id: amount to deduct now} (proportional to progress)."""
        self.ensure_one()
        order = self.order_id
        contract = sum(self.line_ids.mapped("contract_amount"))
        cumulative = sum(self.line_ids.mapped("cumulative_amount"))
        deductions = {}
        for dp_line in order.order_line.filtered(
            lambda line: line.is_downpayment and not line.display_type
        ):
            paid_in = dp_line._billing_down_payment_amount()
            if not paid_in:
                continue
            still = dp_line._billing_net_invoiced()
            deducted = rules.cents(paid_in) - rules.cents(still)
            amount = rules.down_payment_deduction(
                paid_in, contract, cumulative, deducted, self.is_final
            )
            if amount:
                deductions[dp_line.id] = float(amount)
        return deductions

    def _retention_for(self, works_total):
        """Retention of this situation on the cumulative works incl. taxes."""
        self.ensure_one()
        rate = self.order_id._billing_effective_retention_rate()
        if not rate:
            return 0.0
        previous = self._previous_situations()
        cumulative = sum(previous.mapped("works_amount_total")) + works_total
        retained = sum(previous.mapped("retention_amount"))
        return float(rules.retention(rate, cumulative, retained))

    @api.model
    def _billing_demo_company(self):
        """Demo data: the company of the demo orders. l10n_fr's demo company when l10n_fr is
        installed with its demo (l10n_fr_account gives it the French chart of accounts, and
        billing_fr_compliance its French identity), else the main company."""
        return self.env.ref("base.demo_company_fr", raise_if_not_found=False) or self.env.ref(
            "base.main_company"
        )

    @api.model
    def _billing_demo_setup(self):
        """Demo data: French installed (the demo customers speak it) and a warehouse for the
        demo company (stock gives one to the first company of the database only)."""
        self.env["res.lang"]._billing_demo_install_french()
        company = self._billing_demo_company()
        warehouses = self.env["stock.warehouse"].with_context(active_test=False)
        if not warehouses.search_count([("company_id", "=", company.id)], limit=1):
            warehouses.create(
                {
                    "name": company.name,
                    "code": "WH",
                    "company_id": company.id,
                    "partner_id": company.partner_id.id,
                }
            )

    @api.model
    def _billing_demo_situations(self, order_xmlid=DEMO_ORDER):
        """Demo data: confirm the demo order and post its situations.

        Called by the demo file, or once the chart of accounts is loaded when it comes after
        this module (see account_chart_template.py).
        """
        order = self.env.ref(order_xmlid, raise_if_not_found=False)
        if not order or not order.company_id.chart_template or order.situation_ids:
            _logger.info("Demo situations of %s skipped.", order_xmlid)
            return
        progress = DEMO_PROGRESS
        if order.billing_retention_rate:
            try:
                order.company_id._billing_retention_account()
            except UserError:
                # installed alone on a company whose chart has no retention account (not the
                # French chart): the demo contract holds no retention
                order.billing_retention_rate = 0.0
        # the demo order may be created before the chart of accounts gave a default sale tax
        untaxed = order.order_line.filtered(lambda line: not line.tax_id)
        if untaxed and order.company_id.account_sale_tax_id:
            untaxed.tax_id = order.company_id.account_sale_tax_id
        if order.state != "sale":
            order.action_confirm()
        for percents in progress:
            action = order.action_new_situation()
            situation = self.browse(action["res_id"])
            for line, percent in zip(situation.line_ids, percents, strict=False):
                line.percent = percent
            situation.action_create_invoice()
            situation.invoice_id.action_post()
