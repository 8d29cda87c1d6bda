# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import formatLang

from ..tools import situation as rules


class BillingSituationLine(models.Model):
    _name = "billing.situation.line"
    _description = "Situation Invoice Line"
    _order = "situation_id, sequence, id"
    _check_company_auto = True

    situation_id = fields.Many2one(
        "billing.situation", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="situation_id.company_id", store=True)
    currency_id = fields.Many2one(related="situation_id.currency_id")
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Order Line",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    sequence = fields.Integer(related="sale_line_id.sequence", store=True)
    name = fields.Text(related="sale_line_id.name", string="Description")
    contract_amount = fields.Monetary(
        string="Contract",
        readonly=True,
        help="Untaxed amount of the order line.",
    )
    previous_percent = fields.Float(string="Previous (%)", digits=(5, 2), readonly=True)
    previous_amount = fields.Monetary(string="Previously Invoiced", readonly=True)
    percent = fields.Float(
        string="Cumulative Progress (%)",
        digits=(5, 2),
        help="Progress of the line since the start of the works, 0 to 100.",
    )
    cumulative_amount = fields.Monetary(compute="_compute_amounts", store=True)
    amount = fields.Monetary(string="This Situation", compute="_compute_amounts", store=True)
    invoice_line_ids = fields.One2many(
        "account.move.line", "billing_situation_line_id", string="Invoice Lines"
    )

    _sql_constraints = [
        (
            "sale_line_uniq",
            "unique(situation_id, sale_line_id)",
            "An order line appears once per situation.",
        ),
    ]

    @api.depends("contract_amount", "percent", "previous_amount")
    def _compute_amounts(self):
        for line in self:
            values = rules.situation_line(line.contract_amount, line.percent, line.previous_amount)
            line.cumulative_amount = float(values["cumulative"])
            line.amount = float(values["amount"])

    @api.constrains("percent", "previous_percent")
    def _check_progress(self):
        for line in self:
            problem = rules.check_progress(line.percent, line.previous_percent)
            if problem:
                raise ValidationError(line._progress_message(problem))

    def _progress_message(self, problem):
        names = {
            "situation": self.situation_id.display_name,
            "line": self.sale_line_id.display_name,
            "percent": self.percent,
            "previous": self.previous_percent,
        }
        if problem == rules.PROGRESS_NEGATIVE:
            return _(
                "%(situation)s, line %(line)s: the cumulative progress cannot be negative "
                "(field Cumulative Progress).",
                **names,
            )
        if problem == rules.PROGRESS_ABOVE_100:
            return _(
                "%(situation)s, line %(line)s: the cumulative progress %(percent)s %% is "
                "above 100 %% (field Cumulative Progress).",
                **names,
            )
        return _(
            "%(situation)s, line %(line)s: the cumulative progress %(percent)s %% is below "
            "the %(previous)s %% of the last situation; issue a credit note for that "
            "situation to go back (field Cumulative Progress).",
            **names,
        )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.situation_id._check_draft()
        return lines

    def write(self, vals):
        self.situation_id._check_draft()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_draft(self):
        for line in self:
            if line.situation_id.state != "draft":
                raise UserError(
                    _(
                        "%(situation)s is already invoiced: its lines cannot be deleted.",
                        situation=line.situation_id.display_name,
                    )
                )

    def _prepare_invoice_line_values(self):
        """What this situation line bills, given to the order line's
        ``_prepare_invoice_line``: this situation's amount as one unit."""
        self.ensure_one()
        situation = self.situation_id
        # the label is written on the invoice: in its partner's language, with its number format
        lang = situation.order_id.partner_invoice_id.lang or self.env.lang
        line = self.with_context(lang=lang)
        return {
            "quantity": 1.0,
            "price_unit": self.amount,
            "discount": 0.0,
            "billing_situation_line_id": self.id,
            "name": line.env._(
                "%(name)s\nSituation %(number)s: %(percent)s %% cumulative "
                "(previously %(previous)s %%)",
                name=line.sale_line_id.name,
                number=situation.number,
                percent=formatLang(line.env, self.percent, digits=2),
                previous=formatLang(line.env, self.previous_percent, digits=2),
            ),
        }

    def _refresh_previous(self, start=False):
        """Read the contract and what earlier live situations billed, per order line.

        ``start``: a new situation, whose progress starts at the previous one.
        """
        for line in self:
            previous = self.search(
                [
                    ("sale_line_id", "=", line.sale_line_id.id),
                    ("situation_id.state", "in", ("invoiced", "posted")),
                    ("situation_id", "!=", line.situation_id.id),
                ],
                order="id desc",
            )
            values = {
                "contract_amount": line.sale_line_id.price_subtotal,
                "previous_percent": max(previous.mapped("percent"), default=0.0),
                "previous_amount": sum(previous.mapped("amount")),
            }
            if start:
                values["percent"] = values["previous_percent"]
            if any(line[name] != value for name, value in values.items()):
                line.write(values)
