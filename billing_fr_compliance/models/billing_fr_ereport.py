# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import logging
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_round

from ..tools import facturx_data, frr

_logger = logging.getLogger(__name__)

FRAMEWORK = {"goods": "B1", "services": "S1", "mixed": "M1"}
STATES = [
    ("to_prepare", "To prepare"),
    ("ready", "Ready"),
    ("sent", "Sent"),
    ("accepted", "Accepted"),
    ("rejected", "Rejected"),
    ("corrected", "Corrected"),
]


def _sql_value(value):
    return None if value is None or value is False or value == "" else value


class BillingFrEreport(models.Model):
    """One e-reporting file (flux 10) of a company for one period: the sales to private and
    foreign customers (transactions, 10.1 + 10.3) or the payments received on those whose
    VAT is due on receipt (payments, 10.2 + 10.4)."""

    _name = "billing.fr.ereport"
    _description = "E-reporting (flux 10)"
    _inherit = ["mail.thread"]
    _check_company_auto = True
    _order = "date_start desc, kind, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    kind = fields.Selection(
        selection=[("transactions", "Sales"), ("payments", "Payments")],
        required=True,
        default="transactions",
    )
    date_start = fields.Date(string="From", required=True)
    date_end = fields.Date(string="To", required=True)
    deadline = fields.Date(required=True, tracking=True)
    type_code = fields.Selection(
        selection=[("IN", "Initial"), ("RE", "Rectificative")],
        string="Type",
        required=True,
        default="IN",
    )
    state = fields.Selection(
        selection=STATES, default="to_prepare", required=True, index=True, tracking=True
    )
    corrected_id = fields.Many2one(
        "billing.fr.ereport",
        string="Replaces",
        readonly=True,
        check_company=True,
        help="The report of the same period this rectificative report replaces.",
    )
    line_ids = fields.One2many("billing.fr.ereport.line", "report_id", string="Content")
    reported_line_ids = fields.One2many(
        "billing.fr.ereport.line",
        "report_id",
        domain=[("section", "!=", "left_out")],
        string="Reported",
    )
    left_out_line_ids = fields.One2many(
        "billing.fr.ereport.line",
        "report_id",
        domain=[("section", "=", "left_out")],
        string="Left Out",
    )
    problems = fields.Text(
        readonly=True, help="What stops this report from being sent, and what to fix."
    )
    reconciliation = fields.Json(readonly=True)
    reconciliation_html = fields.Html(
        string="Reconciliation to the Ledger", compute="_compute_reconciliation_html"
    )
    tolerated = fields.Text(
        string="Known Rule Bugs",
        readonly=True,
        help="Rules the file fires that are known bugs of the official rules (France_RFE #60: "
        "negative payment amounts), tolerated.",
    )
    file = fields.Binary(attachment=True, readonly=True, copy=False)
    file_name = fields.Char(readonly=True, copy=False)
    prepared_date = fields.Datetime(readonly=True, copy=False)
    flow_ids = fields.One2many("billing.pa.flow", "ereport_id", string="Flows")
    platform_message = fields.Text(readonly=True, copy=False)
    amount_base = fields.Monetary(string="Untaxed", compute="_compute_amounts")
    amount_tax = fields.Monetary(string="VAT", compute="_compute_amounts")
    amount_received = fields.Monetary(string="Received", compute="_compute_amounts")

    @api.depends("kind", "date_start", "date_end", "type_code")
    def _compute_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for report in self:
            report.name = "%s %s – %s%s" % (
                kinds.get(report.kind, ""),
                report.date_start or "",
                report.date_end or "",
                " (RE)" if report.type_code == "RE" else "",
            )

    @api.depends("line_ids.base", "line_ids.tax", "line_ids.amount")
    def _compute_amounts(self):
        totals = {
            report.id: (base, tax, amount)
            for report, base, tax, amount in self.env["billing.fr.ereport.line"]._read_group(
                [("report_id", "in", self.ids), ("section", "!=", "left_out")],
                ["report_id"],
                ["base:sum", "tax:sum", "amount:sum"],
            )
        }
        for report in self:
            base, tax, amount = totals.get(report.id, (0.0, 0.0, 0.0))
            report.amount_base, report.amount_tax, report.amount_received = base, tax, amount

    def _compute_reconciliation_html(self):
        for report in self:
            rows = report.reconciliation or []
            if not rows:
                report.reconciliation_html = False
                continue
            body = "".join(
                "<tr class='%s'><td>%s %%</td><td class='text-end'>%.2f</td>"
                "<td class='text-end'>%.2f</td><td class='text-end'>%.2f</td></tr>"
                % (
                    "text-danger" if abs(row["difference"]) >= 0.005 else "",
                    row["rate"],
                    row["report"],
                    row["ledger"],
                    row["difference"],
                )
                for row in rows
            )
            report.reconciliation_html = (
                "<table class='table table-sm'><thead><tr><th>%s</th><th class='text-end'>%s"
                "</th><th class='text-end'>%s</th><th class='text-end'>%s</th></tr></thead>"
                "<tbody>%s</tbody></table>"
                % (_("VAT rate"), _("Report"), _("Ledger"), _("Difference"), body)
            )

    # ------------------------------------------------------------------ actions
    def action_prepare(self):
        for report in self:
            if report.state not in ("to_prepare", "ready", "rejected"):
                raise UserError(
                    _(
                        "%(report)s was already sent: a correction is a rectificative report.",
                        report=report.display_name,
                    )
                )
            report._billing_ereport_prepare()
        return True

    def action_send(self):
        """A billing manager releases the report: it is queued for the platform."""
        if not self.env.user.has_group("account.group_account_manager"):
            raise UserError(_("Only a billing manager can send an e-reporting file."))
        for report in self:
            report._billing_ereport_send()
        return True

    def action_correct(self):
        """A rectificative report (RE) of the same period, replacing this one."""
        self.ensure_one()
        if self.state not in ("sent", "accepted"):
            raise UserError(
                _(
                    "%(report)s was not sent: prepare it again instead of correcting it.",
                    report=self.display_name,
                )
            )
        report = self._billing_ereport_rectificative()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": report.id,
            "view_mode": "form",
        }

    def action_open_moves(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Documents"),
            "res_model": "account.move",
            "domain": [("id", "in", self.line_ids.move_id.ids)],
            "view_mode": "list,form",
        }

    # ------------------------------------------------------------------ preparation
    def _billing_ereport_company_problems(self):
        company = self.company_id
        problems = []
        if not company._fr_is_french():
            problems.append(
                _(
                    "%(company)s is not a French company: it has no e-reporting.",
                    company=company.name,
                )
            )
        if not company.siren:
            problems.append(
                _("%(company)s: fill in the SIREN (Settings > Companies).", company=company.name)
            )
        if not company.billing_ereport_regime:
            problems.append(
                _(
                    "%(company)s: choose the VAT regime for e-reporting (Settings > Invoicing).",
                    company=company.name,
                )
            )
        return problems

    def _billing_ereport_prepare(self):
        self.ensure_one()
        problems = self._billing_ereport_company_problems()
        self.env.flush_all()
        self.env.execute_query(
            SQL("DELETE FROM billing_fr_ereport_line WHERE report_id = %s", self.id)
        )
        self.env["billing.fr.ereport.line"].invalidate_model()
        self.invalidate_recordset(["line_ids", "reported_line_ids", "left_out_line_ids"])
        vals, reconciliation = [], []
        if not problems:
            if self.kind == "transactions":
                vals, move_problems, reconciliation = self._billing_ereport_transaction_lines()
            else:
                vals, move_problems = self._billing_ereport_payment_lines()
            problems += move_problems
        self._billing_ereport_insert_lines(vals)
        self.write(
            {
                "reconciliation": reconciliation,
                "prepared_date": fields.Datetime.now(),
                "file": False,
                "file_name": False,
                "tolerated": False,
            }
        )
        if not problems:
            problems += self._billing_ereport_build_file()
        self.write(
            {
                "problems": "\n".join(problems) or False,
                "state": "ready" if not problems else "to_prepare",
            }
        )

    def _billing_ereport_insert_lines(self, vals_list, chunk=20000):
        """Store the lines set-based (a month of a shop's sales is tens of thousands of
        invoice lines; the ORM's create would cost more than everything else): one INSERT
        per chunk from arrays, then the caches are dropped."""
        columns = [
            ("report_id", "int4"),
            ("section", "varchar"),
            ("move_id", "int4"),
            ("move_line_id", "int4"),
            ("partial_id", "int4"),
            ("undo_of_id", "int4"),
            ("date", "date"),
            ("category", "varchar"),
            ("vat_category", "varchar"),
            ("rate", "numeric"),
            ("base", "numeric"),
            ("tax", "numeric"),
            ("amount", "numeric"),
            ("reason", "varchar"),
        ]
        uid, now = self.env.uid, fields.Datetime.now()
        for index in range(0, len(vals_list), chunk):
            part = vals_list[index : index + chunk]
            # False (an empty Many2one or Char) is NULL; 0.0 is an amount (0.0 == False)
            arrays = [[_sql_value(vals.get(name)) for vals in part] for name, __ in columns]
            self.env.execute_query(
                SQL(
                    "INSERT INTO billing_fr_ereport_line (%s, company_id, create_uid, "
                    "write_uid, create_date, write_date) SELECT *, %s, %s, %s, %s, %s FROM "
                    "unnest(%s)",
                    SQL(", ").join(SQL.identifier(name) for name, __ in columns),
                    self.company_id.id,
                    uid,
                    uid,
                    now,
                    now,
                    SQL(", ").join(
                        SQL("%s::%s[]", array, SQL(kind))
                        for array, (__, kind) in zip(arrays, columns, strict=True)
                    ),
                )
            )
        self.env["billing.fr.ereport.line"].invalidate_model()
        self.invalidate_recordset(["line_ids", "reported_line_ids", "left_out_line_ids"])

    def _billing_ereport_moves(self):
        return self.env["account.move"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("invoice_date", ">=", self.date_start),
                ("invoice_date", "<=", self.date_end),
            ],
            order="invoice_date, name, id",
        )

    def _billing_ereport_platform_extracts(self):
        platform = self.env["billing.pa.platform"].sudo()._billing_pa_for_company(self.company_id)
        return bool(platform) and platform.billing_ereport_reporter == "platform"

    def _billing_ereport_transaction_lines(self):
        """The lines of a transactions report (one per invoice line: 10.1 foreign business,
        10.3 private customer; left out: domestic B2B, out of scope), the problems (each
        naming its move), and the reconciliation per VAT rate.

        Set-based for the bulk (the sales to private customers, thousands a day for a shop):
        the invoice lines, their first tax and the VAT booked per move and rate are read in
        two queries; the few sales to foreign businesses (and down payments) go through the
        ORM helpers the Factur-X uses (``_billing_ereport_move_lines``)."""
        vals, problems = [], []
        report_tax = defaultdict(float)
        ledger_tax = defaultdict(float)

        def account(name, move_vals, move_ledger):
            move_report = defaultdict(float)
            for line in move_vals:
                move_report[line["rate"]] += line["tax"]
            for rate in set(move_report) | set(move_ledger):
                ledger = move_ledger.get(rate, 0.0)
                if float_compare(move_report[rate], ledger, precision_digits=2):
                    problems.append(
                        self.env._(
                            "%(move)s: the VAT at %(rate)s %% reported (%(report).2f) differs "
                            "from the VAT booked (%(ledger).2f).",
                            move=name,
                            rate=rate,
                            report=move_report[rate],
                            ledger=ledger,
                        )
                    )
                report_tax[rate] += move_report[rate]
                ledger_tax[rate] += ledger

        moves, ledgers = self._billing_ereport_rows()
        orm_moves = []
        for move in moves.values():
            section, reason = self._billing_ereport_row_section(move)
            if not section:
                vals.append(
                    {
                        "report_id": self.id,
                        "section": "left_out",
                        "move_id": move["id"],
                        "date": move["date"],
                        "base": -sum(line["balance"] for line in move["lines"]),
                        "reason": reason,
                    }
                )
                continue
            if move["move_type"] == "out_refund" and not move["reversed_entry_id"]:
                problems.append(
                    _(
                        "Credit note %(move)s does not say which invoice it corrects (rule "
                        "G1.32): it cannot be e-reported. Fill in the invoice it reverses.",
                        move=move["name"],
                    )
                )
                continue
            if move["foreign_currency"] and not move["currency_rate"]:
                problems.append(
                    _(
                        "%(move)s: its currency %(currency)s has no rate.",
                        move=move["name"],
                        currency=move["currency"],
                    )
                )
                continue
            if section == "10.1" or move["down_payment"]:
                orm_moves.append((move["id"], section))
                continue
            try:
                move_vals = self._billing_ereport_row_lines(move, ledgers.get(move["id"], {}))
            except frr.FrrError as error:
                problems.append(_("%(move)s: %(error)s", move=move["name"], error=error))
                continue
            account(move["name"], move_vals, ledgers.get(move["id"], {}))
            vals += move_vals
        for move_id, section in orm_moves:
            move = self.env["account.move"].browse(move_id)
            try:
                move_vals, move_ledger = self._billing_ereport_move_lines(move, section)
            except frr.FrrError as error:
                problems.append(_("%(move)s: %(error)s", move=move.name, error=error))
                continue
            account(move.name, move_vals, move_ledger)
            vals += move_vals
        reconciliation = [
            {
                "rate": rate,
                "report": float_round(report_tax[rate], 2),
                "ledger": float_round(ledger_tax[rate], 2),
                "difference": float_round(report_tax[rate] - ledger_tax[rate], 2),
            }
            for rate in sorted(set(report_tax) | set(ledger_tax))
        ]
        return vals, problems, reconciliation

    def _billing_ereport_rows(self):
        """The customer invoices and credit notes posted in the period, with their invoice
        lines (balance, product type, first tax), and the VAT booked per move and rate."""
        company = self.company_id
        where = SQL(
            "m.company_id = %s AND m.state = 'posted' AND m.move_type IN ('out_invoice', "
            "'out_refund') AND m.invoice_date BETWEEN %s AND %s",
            company.id,
            self.date_start,
            self.date_end,
        )
        rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT m.id, m.name, m.invoice_date AS date, m.move_type, m.reversed_entry_id,
                       m.currency_id != %(currency)s AS foreign_currency,
                       m.invoice_currency_rate AS currency_rate, cur.name AS currency,
                       COALESCE(p.is_company, FALSE) AS is_company, c.code AS country,
                       l.id AS line_id, l.balance, pt.type AS product_type,
                       COALESCE(l.billing_vat_out_of_scope, FALSE) AS out_of_scope,
                       tax.amount AS rate, tax.fr_facturx_category AS explicit
                  FROM account_move m
                  JOIN account_move_line l ON l.move_id = m.id AND l.display_type = 'product'
                  JOIN res_currency cur ON cur.id = m.currency_id
                  LEFT JOIN res_partner p ON p.id = m.commercial_partner_id
                  LEFT JOIN res_country c ON c.id = p.country_id
                  LEFT JOIN product_product pp ON pp.id = l.product_id
                  LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  LEFT JOIN LATERAL (
                        SELECT t.amount, t.fr_facturx_category
                          FROM account_move_line_account_tax_rel r
                          JOIN account_tax t ON t.id = r.account_tax_id
                         WHERE r.account_move_line_id = l.id
                      ORDER BY t.amount_type = 'percent' DESC, t.sequence, t.id
                         LIMIT 1
                  ) tax ON TRUE
                 WHERE %(where)s
              ORDER BY m.invoice_date, m.name, m.id, l.id
                """,
                currency=company.currency_id.id,
                where=where,
            )
        )
        down_payment = set()
        if "sale_line_ids" in self.env["account.move.line"]._fields:
            down_payment = {
                row[0]
                for row in self.env.execute_query(
                    SQL(
                        """
                        SELECT DISTINCT l.move_id
                          FROM account_move_line l
                          JOIN account_move m ON m.id = l.move_id
                          JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = l.id
                          JOIN sale_order_line sol ON sol.id = rel.order_line_id
                         WHERE sol.is_downpayment AND %s
                        """,
                        where,
                    )
                )
            }
        moves = {}
        for row in rows:
            move = moves.get(row["id"])
            if move is None:
                move = moves[row["id"]] = dict(
                    row, lines=[], down_payment=row["id"] in down_payment
                )
            move["lines"].append(row)
        ledgers = defaultdict(dict)
        for move_id, rate, balance in self.env.execute_query(
            SQL(
                """
                SELECT l.move_id,
                       CASE WHEN t.amount_type = 'percent' THEN t.amount ELSE 0 END,
                       SUM(l.balance)
                  FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
                  JOIN account_tax t ON t.id = l.tax_line_id
                 WHERE %s
              GROUP BY 1, 2
                """,
                where,
            )
        ):
            ledgers[move_id][rate] = float_round(-balance, 2)
        return moves, ledgers

    def _billing_ereport_row_section(self, move):
        """account.move._billing_ereport_section on a row of ``_billing_ereport_rows``: the
        same rule as ``_billing_pa_processing_rule`` (set-based)."""
        if move["lines"] and all(line["out_of_scope"] for line in move["lines"]):
            return "", "out_of_scope"
        if not move["is_company"]:
            return "10.3", ""
        if move["country"] in self.company_id._fr_country_codes():
            return "", "domestic_b2b"
        return "10.1", ""

    def _billing_ereport_row_lines(self, move, ledger):
        """``_billing_ereport_move_lines`` for a sale to a private customer, from its rows."""
        result = []
        by_rate = defaultdict(list)
        for line in move["lines"]:
            goods = line["product_type"] == "consu"
            vat_category, rate = facturx_data.tax_category(
                rate=line["rate"] or 0.0,
                explicit=line["explicit"],
                seller_country="FR",
                buyer_country=line["country"] or "FR",
                goods=goods,
            )
            frr.rate(rate)  # G1.24: a rate the platform refuses stops here, named
            if line["rate"] is None or vat_category == "O":
                category = "TNT1"
            else:
                category = "TLB1" if goods else "TPS1"
            base = -line["balance"]
            vals = {
                "report_id": self.id,
                "section": "10.3",
                "move_id": move["id"],
                "move_line_id": line["line_id"],
                "date": move["date"],
                "category": category,
                "vat_category": vat_category,
                "rate": rate,
                "base": base,
                "tax": float_round(base * rate / 100.0, 2),
            }
            by_rate[rate].append(vals)
            result.append(vals)
        self._billing_ereport_allocate(by_rate, ledger)
        return result

    def _billing_ereport_allocate(self, by_rate, ledger):
        """Each rate's VAT is the VAT booked: the cent of rounding goes on the largest line."""
        for rate, items in by_rate.items():
            difference = float_round(ledger.get(rate, 0.0) - sum(v["tax"] for v in items), 2)
            if difference and items:
                largest = max(items, key=lambda v: abs(v["base"]))
                largest["tax"] = float_round(largest["tax"] + difference, 2)

    def _billing_ereport_move_lines(self, move, section):
        """One line per invoice line (company currency, signed: a credit note is negative),
        each with its share of the VAT booked at its rate; and the VAT booked per rate."""
        ledger = defaultdict(float)
        for tax_line in move.line_ids.filtered("tax_line_id"):
            rate = (
                tax_line.tax_line_id.amount
                if tax_line.tax_line_id.amount_type == "percent"
                else 0.0
            )
            ledger[rate] -= tax_line.balance
        lines = move.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        result = []
        by_rate = defaultdict(list)
        for line in lines:
            goods = move._billing_pa_line_is_goods(line)
            vat_category, rate = move._fr_facturx_tax(line.tax_ids, goods)
            frr.rate(rate)  # G1.24: a rate the platform refuses stops here, named
            if not line.tax_ids or vat_category == "O":
                category = "TNT1"
            else:
                category = "TLB1" if goods else "TPS1"
            base = -line.balance
            vals = {
                "report_id": self.id,
                "section": section,
                "move_id": move.id,
                "move_line_id": line.id,
                "date": move.invoice_date,
                "category": category,
                "vat_category": vat_category,
                "rate": rate,
                "base": base,
                "tax": float_round(base * rate / 100.0, 2),
            }
            by_rate[rate].append(vals)
            result.append(vals)
        self._billing_ereport_allocate(by_rate, ledger)
        return result, {rate: float_round(amount, 2) for rate, amount in ledger.items()}

    def _billing_ereport_payment_lines(self):
        """10.2 / 10.4: what the customers paid in the period on sales whose VAT is due on
        receipt, per VAT rate, from the reconciliations (account.partial.reconcile)."""
        vals, problems = [], []
        partials = self.env["account.partial.reconcile"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("max_date", ">=", self.date_start),
                ("max_date", "<=", self.date_end),
            ],
            order="max_date, id",
        )
        for partial in partials:
            for invoice_line, counterpart in (
                (partial.debit_move_id, partial.credit_move_id),
                (partial.credit_move_id, partial.debit_move_id),
            ):
                invoice = invoice_line.move_id
                if invoice.move_type not in ("out_invoice", "out_refund"):
                    continue
                if invoice.state != "posted":
                    continue
                payment = counterpart.move_id
                if not (payment.origin_payment_id or payment.statement_line_id):
                    continue
                section, __ = invoice._billing_ereport_section()
                if not section:
                    continue
                for item in invoice._billing_pa_received_amounts(partial.amount):
                    vals.append(
                        {
                            "report_id": self.id,
                            "section": "10.2" if section == "10.1" else "10.4",
                            "move_id": invoice.id,
                            "partial_id": partial.id,
                            "date": partial.max_date,
                            "rate": item["rate"],
                            "amount": item["amount"],
                        }
                    )
        vals += self._billing_ereport_undone_payments()
        return vals, problems

    def _billing_ereport_undone_payments(self):
        """A payment reported in a sent report, then taken off its invoice (its
        reconciliation deleted): the opposite amount, in the first payments report prepared
        after (XP Z12-014 annex A case 43)."""
        undone = self.env["billing.fr.ereport.line"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("section", "in", ("10.2", "10.4")),
                ("partial_id", "=", False),
                ("amount", ">", 0),
                ("report_id.state", "in", ("sent", "accepted")),
                ("report_id", "!=", self.id),
            ]
        )
        taken = self.env["billing.fr.ereport.line"].search(
            [("undo_of_id", "in", undone.ids), ("report_id", "!=", self.id)]
        )
        return [
            {
                "report_id": self.id,
                "section": line.section,
                "move_id": line.move_id.id,
                "undo_of_id": line.id,
                "date": self.date_end,
                "rate": line.rate,
                "amount": -line.amount,
            }
            for line in undone - taken.undo_of_id
        ]

    # ------------------------------------------------------------------ the file
    def _billing_ereport_platform(self):
        return self.env["billing.pa.platform"].sudo()._billing_pa_for_company(self.company_id)

    def _billing_ereport_report_id(self):
        return "FRR-%s-%s-%s-%s" % (
            self.company_id.siren,
            "T" if self.kind == "transactions" else "P",
            self.date_start.strftime("%Y%m%d"),
            self.type_code + str(self.id),
        )

    def _billing_ereport_data(self):
        """The plain data of tools/frr.build."""
        company = self.company_id
        platform = self._billing_ereport_platform()
        data = {
            "id": self._billing_ereport_report_id(),
            "issue_datetime": fields.Datetime.now(),
            "type_code": self.type_code,
            "sender": {
                "id": platform.billing_ereport_matricule or "",
                "name": platform.name or "",
                "role": "WK",
            },
            "issuer": {"siren": company.siren, "name": company.name, "role": "SE"},
            "kind": self.kind,
            "start": self.date_start,
            "end": self.date_end,
        }
        if self.kind == "transactions":
            lines = self.line_ids.filtered(lambda line: line.section == "10.1")
            data["invoices"] = [
                self._billing_ereport_invoice_data(
                    move, lines.filtered(lambda line, m=move: line.move_id == m)
                )
                for move in lines.move_id
            ]
            # 10.3: per day, category and rate, summed in SQL (tens of thousands of lines)
            per_day = defaultdict(list)
            for day, category, rate, base, tax in self.env.execute_query(
                SQL(
                    "SELECT date, category, rate, SUM(base), SUM(tax) "
                    "FROM billing_fr_ereport_line WHERE report_id = %s AND section = '10.3' "
                    "GROUP BY date, category, rate ORDER BY date, category, rate",
                    self.id,
                )
            ):
                per_day[(day, category)].append(
                    {"rate": rate, "base": Decimal(str(base)), "tax": Decimal(str(tax))}
                )
            counts = {
                (day, category): count
                for day, category, count in self.env.execute_query(
                    SQL(
                        "SELECT date, category, COUNT(DISTINCT move_id) "
                        "FROM billing_fr_ereport_line WHERE report_id = %s AND section = '10.3' "
                        "GROUP BY date, category",
                        self.id,
                    )
                )
            }
            data["transactions"] = [
                {
                    "date": day,
                    "category": category,
                    "count": counts[(day, category)],
                    "subtotals": subtotals,
                }
                for (day, category), subtotals in sorted(per_day.items())
            ]
        else:
            lines = self.line_ids.filtered(lambda line: line.section != "left_out")
            invoices = defaultdict(lambda: defaultdict(Decimal))
            days = defaultdict(lambda: defaultdict(Decimal))
            for line in lines:
                if line.section == "10.2":
                    invoices[(line.move_id, line.date)][line.rate] += Decimal(str(line.amount))
                else:
                    days[line.date][line.rate] += Decimal(str(line.amount))
            data["invoices"] = [
                {
                    "number": move.name,
                    "date": move.invoice_date,
                    "payment_date": day,
                    "subtotals": [{"rate": r, "amount": a} for r, a in sorted(rates.items())],
                }
                for (move, day), rates in sorted(
                    invoices.items(), key=lambda i: (i[0][1], i[0][0].id)
                )
            ]
            data["transactions"] = [
                {
                    "date": day,
                    "subtotals": [{"rate": r, "amount": a} for r, a in sorted(rates.items())],
                }
                for day, rates in sorted(days.items())
            ]
        return data

    def _billing_ereport_invoice_data(self, move, lines):
        company = self.company_id
        partner = move.commercial_partner_id
        eu = partner.country_id in self.env.ref("base.europe").country_ids
        sign = -1 if move.move_type == "out_refund" else 1
        subtotals = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for line in lines:
            subtotals[(line.vat_category, line.rate)][0] += Decimal(str(sign * line.base))
            subtotals[(line.vat_category, line.rate)][1] += Decimal(str(sign * line.tax))
        origin = move.reversed_entry_id or move._fr_facturx_corrected_invoice()
        return {
            "number": move.name,
            "date": move.invoice_date,
            "type_code": move._fr_facturx_type_code(),
            "due_date": move.invoice_date_due,
            "framework": FRAMEWORK.get(move.fr_operation_nature or "services", "S1"),
            "origins": [(origin.name, origin.invoice_date)] if origin else [],
            "seller": {"siren": company.siren, "vat": company.vat, "country": "FR"},
            "buyer": {
                "id": partner.vat or partner.company_registry or "",
                "scheme": "0223" if eu else "0227",
                "vat": partner.vat if eu else None,
                "country": partner.country_id.code,
            },
            "subtotals": [
                {
                    "base": base,
                    "tax": tax,
                    "rate": rate,
                    "category": category,
                    "exemption_code": facturx_data.EXEMPTIONS.get(category, (None, None))[0],
                    "exemption_reason": facturx_data.EXEMPTIONS.get(category, (None, None))[1],
                }
                for (category, rate), (base, tax) in sorted(subtotals.items())
            ],
        }

    def _billing_ereport_build_file(self):
        """Build and check the file; the problems it meets (empty: the file is stored)."""
        platform = self._billing_ereport_platform()
        if not platform:
            return [_("%(company)s has no e-invoicing platform.", company=self.company_id.name)]
        if self._billing_ereport_platform_extracts():
            return [
                _(
                    "The platform %(platform)s reports these sales itself (see its form): "
                    "no e-reporting file is sent.",
                    platform=platform.name,
                )
            ]
        for move in self.line_ids.filtered(lambda line: line.section == "10.1").move_id:
            partner = move.commercial_partner_id
            if not (partner.vat or partner.company_registry):
                return [
                    _(
                        "%(move)s: %(partner)s has no VAT number nor company registry, which "
                        "e-reporting requires for a foreign business (rule G6.28).",
                        move=move.name,
                        partner=partner.display_name,
                    )
                ]
        try:
            xml = frr.build(self._billing_ereport_data())
        except frr.FrrError as error:
            return [str(error)]
        fired = frr.check(xml)
        blocking = frr.blocking(fired)
        if blocking:
            return [
                _("The file breaks rule %(rule)s: %(text)s", rule=item["rule"], text=item["text"])
                for item in blocking
            ]
        self.write(
            {
                "file": base64.b64encode(xml),
                "file_name": "%s.xml" % self._billing_ereport_report_id(),
                "tolerated": "\n".join(
                    "%s (%s): %s" % (item["rule"], item["tolerated"], item["location"])
                    for item in fired
                )
                or False,
            }
        )
        return []

    # ------------------------------------------------------------------ sending
    def _billing_ereport_send(self):
        self.ensure_one()
        if self.state != "ready" or self.problems or not self.file:
            raise UserError(
                _(
                    "%(report)s is not ready to send: %(problems)s",
                    report=self.display_name,
                    problems=self.problems or _("prepare it first."),
                )
            )
        if self.flow_ids.filtered(lambda flow: flow.state in ("to_send", "sent")):
            return self.flow_ids[:1]
        platform = self._billing_ereport_platform()
        flow = (
            self.env["billing.pa.flow"]
            .sudo()
            .create(
                {
                    "platform_id": platform.id,
                    "company_id": self.company_id.id,
                    "ereport_id": self.id,
                    "flow_type": "ereport",
                    "file_name": self.file_name,
                    "flow_syntax": "FRR",
                    "processing_rule": "NotApplicable",
                }
            )
        )
        flow._billing_pa_store_content(base64.b64decode(self.file))
        self._billing_message_post(
            body=_("Queued for the platform %(platform)s.", platform=platform.name)
        )
        cron = self.env.ref("billing_fr_compliance.ir_cron_billing_pa_send", False)
        if cron:
            cron.sudo()._trigger()
        return flow

    def _billing_ereport_flow_changed(self):
        """The platform's answer lands on the report: sent when it took the file, rejected
        (never counted as sent) when it refused it."""
        for report in self:
            flow = report.flow_ids.sorted("id", reverse=True)[:1]
            if flow.state == "sent" and report.state in ("ready", "rejected"):
                report.write({"state": "sent", "platform_message": False})
                if report.corrected_id:
                    report.corrected_id.state = "corrected"
            elif flow.state == "error":
                report.write(
                    {
                        "state": "rejected",
                        "platform_message": "%s %s"
                        % (flow.error_code or "", flow.error_message or ""),
                    }
                )

    def _billing_ereport_platform_status(self, accepted, message=None):
        """A lifecycle answer of the platform about this report."""
        for report in self:
            report.write(
                {
                    "state": "accepted" if accepted else "rejected",
                    "platform_message": message or False,
                }
            )

    # ------------------------------------------------------------------ corrections
    def _billing_ereport_rectificative(self):
        """RE: the full content of the period again, replacing the report sent (as Odoo's
        public sample FFE1025A_..294 does against ..292: same period, every item repeated
        with the corrected amounts). Never "CO", which rule G8.01 rejects."""
        self.ensure_one()
        existing = self.search(
            [
                ("corrected_id", "=", self.id),
                ("state", "in", ("to_prepare", "ready", "rejected")),
            ],
            limit=1,
        )
        if existing:
            existing._billing_ereport_prepare()
            return existing
        report = self.create(
            {
                "company_id": self.company_id.id,
                "kind": self.kind,
                "date_start": self.date_start,
                "date_end": self.date_end,
                "deadline": self.deadline,
                "type_code": "RE",
                "corrected_id": self.id,
            }
        )
        report._billing_ereport_prepare()
        return report

    def _billing_ereport_changed(self):
        """A sent report whose period now gives other content (a late invoice, a payment
        changed): its lines and what a preparation today gives differ."""
        self.ensure_one()
        if self.kind == "transactions":
            fresh, __, __ = self._billing_ereport_transaction_lines()
        else:
            fresh, __ = self._billing_ereport_payment_lines()

        def key(values):
            return (
                values.get("section"),
                values.get("move_id"),
                round(values.get("base") or 0.0, 2),
                round(values.get("tax") or 0.0, 2),
                round(values.get("amount") or 0.0, 2),
            )

        sent = sorted(
            key(
                {
                    "section": line.section,
                    "move_id": line.move_id.id,
                    "base": line.base,
                    "tax": line.tax,
                    "amount": line.amount,
                }
            )
            for line in self.line_ids
            if line.section != "left_out"
        )
        return sent != sorted(key(values) for values in fresh if values["section"] != "left_out")

    # ------------------------------------------------------------------ scheduled action
    @api.model
    def _cron_billing_ereport(self):
        """Prepare each report whose period has closed, correct sent ones whose period
        changed, and send the ready ones due soon where the platform sends automatically.
        Each report in its own savepoint: one that fails is recorded, the others go on."""
        today = fields.Date.context_today(self)
        companies = self.env["res.company"].search([("billing_ereport_regime", "!=", False)])
        for company in companies.filtered(lambda c: c._fr_is_french()):
            platform = self.env["billing.pa.platform"].sudo()._billing_pa_for_company(company)
            if platform and platform.billing_ereport_reporter == "platform":
                continue
            self.with_company(company)._billing_ereport_create_due(company, today)
            reports = self.search([("company_id", "=", company.id)])
            for report in reports:
                try:
                    with self.env.cr.savepoint():
                        if report.state == "to_prepare" and report.date_end < today:
                            report._billing_ereport_prepare()
                        elif (
                            report.state in ("sent", "accepted")
                            and report._billing_ereport_changed()
                        ):
                            report._billing_ereport_rectificative()
                        if (
                            report.state == "ready"
                            and platform.billing_ereport_auto_send
                            and report.deadline
                            - timedelta(days=company.billing_ereport_days_before)
                            <= today
                        ):
                            report._billing_ereport_send()
                except Exception as error:  # recorded on the report, the others go on
                    _logger.info("e-report %s: %s", report.id, error)
                    report.problems = str(error)

    def _billing_ereport_create_due(self, company, today):
        start = company.billing_ereport_start_date
        if not start or start >= today:
            return
        existing = {
            (r.kind, r.date_start)
            for r in self.search([("company_id", "=", company.id), ("type_code", "=", "IN")])
        }
        vals = []
        for kind in frr.KINDS:
            for period_start, end, deadline in company._billing_ereport_periods(
                kind, start, today - timedelta(days=1)
            ):
                if end >= today or (kind, period_start) in existing:
                    continue
                vals.append(
                    {
                        "company_id": company.id,
                        "kind": kind,
                        "date_start": period_start,
                        "date_end": end,
                        "deadline": deadline,
                    }
                )
        if vals:
            self.create(vals)
