# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
# (billing.fr.ereport in files of one concern each: see billing_fr_ereport.py)
from collections import defaultdict

from odoo import _, fields, models
from odoo.tools import SQL, float_compare, float_round

from ..tools import facturx_data, frr


def _sql_value(value):
    return None if value is None or value is False or value == "" else value


class BillingFrEreport(models.Model):
    """The collection of an e-report's content from the posted moves: the sales (per
    invoice line, set-based) and the payments received, with the reconciliation to the
    ledger per VAT rate."""

    _inherit = "billing.fr.ereport"

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
                        "G1.32): it cannot be e-reported. Set the invoice it corrects on its "
                        "line of the Left Out tab (Corrected Invoice), then prepare again.",
                        move=move["name"],
                    )
                )
                # on the report, where the user sets it (billing.fr.ereport.line)
                vals.append(
                    {
                        "report_id": self.id,
                        "section": "left_out",
                        "move_id": move["id"],
                        "date": move["date"],
                        "base": -sum(line["balance"] for line in move["lines"]),
                        "reason": "no_origin",
                    }
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
