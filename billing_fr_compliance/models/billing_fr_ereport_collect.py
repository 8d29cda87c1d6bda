# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
# (billing.fr.ereport in files of one concern each: see billing_fr_ereport.py)
from collections import defaultdict

from odoo import _, fields, models
from odoo.tools import SQL, float_round

from ..tools import cdar, facturx_data, frr


def _sql_value(value):
    return None if value is None or value is False or value == "" else value


# the columns of the 10.3 lines the query of _billing_ereport_bulk gives
BULK_COLUMNS = (
    "section",
    "move_id",
    "move_line_id",
    "date",
    "category",
    "vat_category",
    "rate",
    "base",
    "tax",
)


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

    def _billing_ereport_period_where(self):
        """SQL on ``m`` (account_move): the customer invoices and credit notes of the
        company posted in the report's period."""
        return SQL(
            "m.company_id = %s AND m.state = 'posted' AND m.move_type IN ('out_invoice', "
            "'out_refund') AND m.invoice_date BETWEEN %s AND %s",
            self.company_id.id,
            self.date_start,
            self.date_end,
        )

    def _billing_ereport_transaction_lines(self):
        """The content of a transactions report (one line per invoice line: 10.1 foreign
        business, 10.3 private customer; left out: domestic B2B, out of scope) and the
        problems (each naming its move), as ``(vals, bulk, problems, accounted)``:

        - ``vals``: the lines made here, in Python: what is left out (one per move), and the
          few sales to foreign businesses and down payments (10.1), through the ORM helpers
          the Factur-X uses (``_billing_ereport_move_lines``);
        - ``bulk``: an SQL query of the 10.3 lines (``BULK_COLUMNS``), computed in the
          database: a shop's month is tens of thousands of invoice lines, which are never
          loaded in Python (``_billing_ereport_bulk``);
        - ``accounted``: the ids of the moves whose lines are reported, whose VAT the
          reconciliation to the ledger compares (``_billing_ereport_reconcile``)."""
        company = self.company_id
        where = self._billing_ereport_period_where()
        moves = self._billing_ereport_move_rows(where)
        down_payment = self._billing_ereport_down_payments(where)
        french = company._fr_country_codes()
        mapping = self._billing_ereport_categories({move["country"] or "" for move in moves})
        vals, problems, bulk_ids, orm_moves = [], [], [], []
        for move in moves:
            section, reason = self._billing_ereport_row_section(move, french)
            left_out = {
                "report_id": self.id,
                "section": "left_out",
                "move_id": move["id"],
                "date": move["date"],
                "base": move["base"],
            }
            if not section:
                vals.append(dict(left_out, reason=reason))
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
                vals.append(dict(left_out, reason="no_origin"))
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
            if section == "10.1" or move["id"] in down_payment:
                orm_moves.append((move["id"], section))
                continue
            bulk_ids.append(move["id"])
        if bulk_ids and any(entry[-1] for entry in mapping):
            # a tax of the company has a rate the PPF refuses: its sales are named, left out
            refused = self._billing_ereport_refused(bulk_ids, mapping)
            names = {move["id"]: move["name"] for move in moves}
            for move_id in bulk_ids:
                if move_id in refused:
                    problems.append(
                        _("%(move)s: %(error)s", move=names[move_id], error=refused[move_id])
                    )
            bulk_ids = [move_id for move_id in bulk_ids if move_id not in refused]
        accounted = list(bulk_ids)
        for move_id, section in orm_moves:
            move = self.env["account.move"].browse(move_id)
            try:
                move_vals, __ = self._billing_ereport_move_lines(move, section)
            except frr.FrrError as error:
                problems.append(_("%(move)s: %(error)s", move=move.name, error=error))
                continue
            accounted.append(move_id)
            vals += move_vals
        bulk = self._billing_ereport_bulk(bulk_ids, mapping) if bulk_ids else None
        return vals, bulk, problems, accounted

    def _billing_ereport_move_rows(self, where):
        """The customer invoices and credit notes ``where`` selects (SQL on ``m``) that have
        invoice lines, one row each in the report's order, with what classifies them
        (``_billing_ereport_row_section``) and what may stop their report."""
        return self.env.execute_query_dict(
            SQL(
                """
                SELECT m.id, m.name, m.invoice_date AS date, m.move_type, m.reversed_entry_id,
                       m.currency_id != %(currency)s AS foreign_currency,
                       m.invoice_currency_rate AS currency_rate, cur.name AS currency,
                       m.amount_total,
                       COALESCE(p.is_company, FALSE) AS is_company, c.code AS country,
                       BOOL_AND(COALESCE(l.billing_vat_out_of_scope, FALSE)) AS out_of_scope,
                       -SUM(l.balance) AS base
                  FROM account_move m
                  JOIN account_move_line l ON l.move_id = m.id AND l.display_type = 'product'
                  JOIN res_currency cur ON cur.id = m.currency_id
                  LEFT JOIN res_partner p ON p.id = m.commercial_partner_id
                  LEFT JOIN res_country c ON c.id = p.country_id
                 WHERE %(where)s
              GROUP BY m.id, cur.name, p.is_company, c.code
              ORDER BY m.invoice_date, m.name, m.id
                """,
                currency=self.company_id.currency_id.id,
                where=where,
            )
        )

    def _billing_ereport_down_payments(self, where):
        """The ids of the moves ``where`` selects with a down payment line of a sale order
        (only when sale is installed)."""
        if "sale_line_ids" not in self.env["account.move.line"]._fields:
            return set()
        return {
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

    def _billing_ereport_row_section(self, move, french=None):
        """account.move._billing_ereport_section on a row of ``_billing_ereport_move_rows``:
        the same rule as ``_billing_pa_processing_rule`` (set-based)."""
        if move["out_of_scope"]:
            return "", "out_of_scope"
        if not move["is_company"]:
            return "10.3", ""
        if move["country"] in (french or self.company_id._fr_country_codes()):
            return "", "domestic_b2b"
        return "10.1", ""

    def _billing_ereport_categories(self, countries):
        """The 10.3 category, VAT category and rate of every (tax, goods or services,
        buyer's country) a sale to a private customer may meet: each tax that exists (and
        none) for each country of the period's buyers, through the Python rules the Factur-X
        uses (``facturx_data.tax_category``) and the rates the PPF accepts (``frr.rate``,
        G1.24: the refusal's text, else None). A few hundred entries, whatever the number of
        invoices: the lines meet them in the database."""
        taxes = self.env.execute_query(
            SQL(
                "SELECT DISTINCT amount, COALESCE(fr_facturx_category, '') FROM account_tax "
                "WHERE company_id = ANY(%s) ORDER BY 1, 2",
                self.company_id.parent_ids.ids,
            )
        )
        entries = []
        for has_tax, tax_rate, explicit in [(False, 0.0, "")] + [(True, *t) for t in taxes]:
            for goods in (False, True):
                for country in sorted(countries):
                    vat_category, rate = facturx_data.tax_category(
                        rate=tax_rate or 0.0,
                        explicit=explicit or None,
                        seller_country="FR",
                        buyer_country=country or "FR",
                        goods=goods,
                    )
                    try:
                        frr.rate(rate)
                        refused = None
                    except frr.FrrError as error:
                        refused = str(error)
                    if not has_tax or vat_category == "O":
                        category = "TNT1"
                    else:
                        category = "TLB1" if goods else "TPS1"
                    entries.append(
                        (
                            has_tax,
                            tax_rate,
                            explicit,
                            goods,
                            country,
                            category,
                            vat_category,
                            rate,
                            refused,
                        )
                    )
        return entries

    def _billing_ereport_category_cte(self, mapping):
        """``category AS (...)``: the entries of ``_billing_ereport_categories`` as a table."""
        columns = (
            ("has_tax", "bool"),
            ("tax_rate", "numeric"),
            ("explicit", "varchar"),
            ("goods", "bool"),
            ("country", "varchar"),
            ("category", "varchar"),
            ("vat_category", "varchar"),
            ("rate", "numeric"),
            ("refused", "varchar"),
        )
        return SQL(
            "category (%s) AS (SELECT * FROM unnest(%s))",
            SQL(", ").join(SQL.identifier(name) for name, __ in columns),
            SQL(", ").join(
                SQL("%s::%s[]", [entry[index] for entry in mapping], SQL(kind))
                for index, (__, kind) in enumerate(columns)
            ),
        )

    def _billing_ereport_refused(self, move_ids, mapping):
        """``{move id: text}``: the moves of ``move_ids`` with a line at a VAT rate the PPF
        refuses (G1.24), the text of their first such line."""
        return dict(
            self.env.execute_query(
                SQL(
                    """
                    WITH %s
                    SELECT DISTINCT ON (line.move_id) line.move_id, line.refused
                      FROM line
                     WHERE line.refused IS NOT NULL
                  ORDER BY line.move_id, line.id
                    """,
                    self._billing_ereport_line_cte(move_ids, mapping),
                )
            )
        )

    def _billing_ereport_line_cte(self, move_ids, mapping):
        """The CTEs of the invoice lines of ``move_ids`` with their 10.3 category, VAT
        category and rate (``_billing_ereport_categories``): ``category``, ``bulk_move``
        (the moves), ``product_line``, ``first_tax`` (the first tax of each line, percent
        first, as the Factur-X reads it) and ``line``.

        Each step is materialized and joined by hash on the whole set (the first taxes in
        one pass over the lines' taxes, not one look-up per line): the planner cannot guess
        the size of the list of moves, and its nested loops cost seconds at 60,000 lines."""
        return SQL(
            """
            %(category)s,
            bulk_move AS MATERIALIZED (
                SELECT m.id, m.invoice_date, m.name, COALESCE(c.code, '') AS country
                  FROM unnest(%(moves)s::int[]) AS bulk(id)
                  JOIN account_move m ON m.id = bulk.id
                  LEFT JOIN res_partner p ON p.id = m.commercial_partner_id
                  LEFT JOIN res_country c ON c.id = p.country_id
            ),
            product_line AS MATERIALIZED (
                SELECT l.id, l.move_id, l.balance, COALESCE(pt.type = 'consu', FALSE) AS goods
                  FROM bulk_move
                  JOIN account_move_line l
                    ON l.move_id = bulk_move.id AND l.display_type = 'product'
                  LEFT JOIN product_product pp ON pp.id = l.product_id
                  LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
            ),
            first_tax AS MATERIALIZED (
                SELECT DISTINCT ON (r.account_move_line_id)
                       r.account_move_line_id AS line_id, t.amount, t.fr_facturx_category
                  FROM product_line
                  JOIN account_move_line_account_tax_rel r
                    ON r.account_move_line_id = product_line.id
                  JOIN account_tax t ON t.id = r.account_tax_id
              ORDER BY r.account_move_line_id, t.amount_type = 'percent' DESC, t.sequence,
                       t.id
            ),
            line AS MATERIALIZED (
                SELECT l.id, l.move_id, bulk_move.invoice_date, bulk_move.name,
                       -l.balance AS base, category.category, category.vat_category,
                       category.rate, category.refused,
                       ROUND(-l.balance * category.rate / 100, 2) AS tax
                  FROM product_line l
                  JOIN bulk_move ON bulk_move.id = l.move_id
                  LEFT JOIN first_tax tax ON tax.line_id = l.id
                  JOIN category ON category.has_tax = (tax.amount IS NOT NULL)
                   AND category.tax_rate = COALESCE(tax.amount, 0)
                   AND category.explicit = COALESCE(tax.fr_facturx_category, '')
                   AND category.goods = l.goods
                   AND category.country = bulk_move.country
            )
            """,
            category=self._billing_ereport_category_cte(mapping),
            moves=move_ids,
        )

    def _billing_ereport_bulk(self, move_ids, mapping):
        """The query of the 10.3 lines of ``move_ids`` (sales to private customers): one per
        invoice line (a mixed invoice gives its goods and its services lines), in company
        currency, signed (a credit note is negative), with its category, VAT category and
        rate (``_billing_ereport_line_cte``) and its VAT: the untaxed amount at the rate,
        rounded to the cent, and each rate's VAT of a move equal to the VAT booked at that
        rate on the move, the cent of rounding on its largest line (as
        ``_billing_ereport_allocate``)."""
        return SQL(
            """
            WITH %(lines)s,
            ledger AS MATERIALIZED (
                SELECT l.move_id,
                       CASE WHEN t.amount_type = 'percent' THEN t.amount ELSE 0 END AS rate,
                       ROUND(-SUM(l.balance), 2) AS tax
                  FROM bulk_move
                  JOIN account_move_line l
                    ON l.move_id = bulk_move.id AND l.tax_line_id IS NOT NULL
                  JOIN account_tax t ON t.id = l.tax_line_id
              GROUP BY 1, 2
            )
            SELECT '10.3' AS section, line.move_id, line.id AS move_line_id,
                   line.invoice_date AS date, line.category, line.vat_category, line.rate,
                   line.base,
                   line.tax + CASE
                       WHEN ROW_NUMBER() OVER (
                           PARTITION BY line.move_id, line.rate
                           ORDER BY ABS(line.base) DESC, line.id
                       ) = 1
                       THEN COALESCE(ledger.tax, 0)
                            - SUM(line.tax) OVER (PARTITION BY line.move_id, line.rate)
                       ELSE 0
                   END AS tax
              FROM line
              LEFT JOIN ledger ON ledger.move_id = line.move_id AND ledger.rate = line.rate
          ORDER BY line.invoice_date, line.name, line.move_id, line.id
            """,
            lines=self._billing_ereport_line_cte(move_ids, mapping),
        )

    def _billing_ereport_insert_bulk(self, bulk):
        """Store the lines of the query ``bulk`` (``BULK_COLUMNS``) in one INSERT."""
        uid, now = self.env.uid, fields.Datetime.now()
        self.env.execute_query(
            SQL(
                "INSERT INTO billing_fr_ereport_line (%s, report_id, company_id, create_uid, "
                "write_uid, create_date, write_date) SELECT *, %s, %s, %s, %s, %s, %s "
                "FROM (%s) bulk",
                SQL(", ").join(SQL.identifier(name) for name in BULK_COLUMNS),
                self.id,
                self.company_id.id,
                uid,
                uid,
                now,
                now,
                bulk,
            )
        )
        self.env["billing.fr.ereport.line"].invalidate_model()
        self.invalidate_recordset(["line_ids", "reported_line_ids", "left_out_line_ids"])

    def _billing_ereport_reconcile(self, accounted):
        """The reconciliation to the ledger of this report's stored sales lines: per VAT
        rate, the VAT reported and the VAT booked on the moves ``accounted``, and a problem
        naming each move whose VAT at a rate differs from its booking (a tax booked at a
        rate no line has). Computed in the database, from what the report holds."""
        rows = self.env.execute_query(
            SQL(
                """
                WITH report AS (
                    SELECT move_id, rate, SUM(tax) AS tax
                      FROM billing_fr_ereport_line
                     WHERE report_id = %(report)s AND section IN ('10.1', '10.3')
                  GROUP BY 1, 2
                ),
                ledger AS (
                    SELECT l.move_id,
                           CASE WHEN t.amount_type = 'percent' THEN t.amount ELSE 0 END AS rate,
                           ROUND(-SUM(l.balance), 2) AS tax
                      FROM unnest(%(moves)s::int[]) AS accounted(id)
                      JOIN account_move_line l
                        ON l.move_id = accounted.id AND l.tax_line_id IS NOT NULL
                      JOIN account_tax t ON t.id = l.tax_line_id
                  GROUP BY 1, 2
                ),
                pair AS (
                    SELECT COALESCE(report.move_id, ledger.move_id) AS move_id,
                           COALESCE(report.rate, ledger.rate) AS rate,
                           COALESCE(report.tax, 0) AS report, COALESCE(ledger.tax, 0) AS ledger
                      FROM report
                      FULL JOIN ledger
                        ON ledger.move_id = report.move_id AND ledger.rate = report.rate
                )
                SELECT * FROM (
                    SELECT NULL::varchar AS name, NULL::date AS date, NULL::int AS id, rate,
                           SUM(report), SUM(ledger)
                      FROM pair GROUP BY rate
                    UNION ALL
                    SELECT m.name, m.invoice_date, m.id, pair.rate, pair.report, pair.ledger
                      FROM pair JOIN account_move m ON m.id = pair.move_id
                     WHERE ROUND(pair.report - pair.ledger, 2) != 0
                ) result
              ORDER BY result.id IS NOT NULL, result.date, result.name, result.id, result.rate
                """,
                report=self.id,
                moves=accounted,
            )
        )
        reconciliation, problems = [], []
        for name, __, move_id, rate, report, ledger in rows:
            if move_id is None:
                reconciliation.append(
                    {
                        "rate": rate,
                        "report": float_round(report, 2),
                        "ledger": float_round(ledger, 2),
                        "difference": float_round(report - ledger, 2),
                    }
                )
            else:
                problems.append(
                    self.env._(
                        "%(move)s: the VAT at %(rate)s %% reported (%(report).2f) differs "
                        "from the VAT booked (%(ledger).2f).",
                        move=name,
                        rate=rate,
                        report=report,
                        ledger=ledger,
                    )
                )
        return reconciliation, problems

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
        receipt, per VAT rate, from the reconciliations (account.partial.reconcile).

        Set-based (a shop's month is thousands of payments): the reconciliations of the
        period with their invoice side, the invoices' classification and the lines whose VAT
        is due on receipt are read in three queries whatever their number; each payment is
        split per rate by the 212's own computation (``cdar.received_per_rate``, as
        ``account.move._billing_pa_received_amounts`` does). Down payment invoices (whose
        goods lines are due on receipt: the order decides) go through that ORM method."""
        company = self.company_id
        partials = self.env.execute_query(
            SQL(
                """
                SELECT p.id, p.max_date, p.amount, inv.id
                  FROM account_partial_reconcile p
                 CROSS JOIN LATERAL (VALUES (p.debit_move_id, p.credit_move_id, 0),
                                            (p.credit_move_id, p.debit_move_id, 1))
                       AS side(invoice_line, other_line, rank)
                  JOIN account_move_line il ON il.id = side.invoice_line
                  JOIN account_move inv ON inv.id = il.move_id
                  JOIN account_move_line ol ON ol.id = side.other_line
                  JOIN account_move pay ON pay.id = ol.move_id
                 WHERE p.company_id = %s AND p.max_date BETWEEN %s AND %s
                   AND inv.move_type IN ('out_invoice', 'out_refund') AND inv.state = 'posted'
                   AND (pay.origin_payment_id IS NOT NULL OR pay.statement_line_id IS NOT NULL)
              ORDER BY p.max_date, p.id, side.rank
                """,
                company.id,
                self.date_start,
                self.date_end,
            )
        )
        invoice_ids = sorted({row[3] for row in partials})
        where = SQL("m.id = ANY(%s)", invoice_ids)
        moves = {move["id"]: move for move in self._billing_ereport_move_rows(where)}
        down_payment = self._billing_ereport_down_payments(where)
        # the invoice lines whose VAT is due on receipt (_billing_pa_vat_on_receipts_lines):
        # services (no product: a service) taxed at a positive rate, unless the company
        # opted for paying VAT on debits; the rate is the line's highest percent tax
        on_receipts = defaultdict(list)
        if not company.fr_vat_on_debits:
            for move_id, rate, total in self.env.execute_query(
                SQL(
                    """
                    SELECT l.move_id, tax.rate, ABS(l.price_total)
                      FROM account_move_line l
                      JOIN account_move m ON m.id = l.move_id
                      LEFT JOIN product_product pp ON pp.id = l.product_id
                      LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
                      JOIN LATERAL (
                            SELECT MAX(t.amount) AS rate
                              FROM account_move_line_account_tax_rel r
                              JOIN account_tax t ON t.id = r.account_tax_id
                             WHERE r.account_move_line_id = l.id AND t.amount_type = 'percent'
                               AND t.active
                      ) tax ON tax.rate > 0
                     WHERE %s AND l.display_type = 'product'
                       AND COALESCE(pt.type, 'service') != 'consu'
                  ORDER BY l.move_id, l.id
                    """,
                    where,
                )
            ):
                on_receipts[move_id].append({"rate": rate, "total": total})
        vals = []
        for partial_id, day, paid, move_id in partials:
            move = moves.get(move_id)
            if move is None:  # no invoice line: nothing is due on receipt
                continue
            section, __ = self._billing_ereport_row_section(move)
            if not section:
                continue
            if move_id in down_payment:
                amounts = (
                    self.env["account.move"].browse(move_id)._billing_pa_received_amounts(paid)
                )
            else:
                sign = -1 if move["move_type"] == "out_refund" else 1
                amounts = cdar.received_per_rate(
                    on_receipts.get(move_id, []), abs(move["amount_total"]), sign * paid
                )
            vals += [
                {
                    "report_id": self.id,
                    "section": "10.2" if section == "10.1" else "10.4",
                    "move_id": move_id,
                    "partial_id": partial_id,
                    "date": day,
                    "rate": item["rate"],
                    "amount": item["amount"],
                }
                for item in amounts
            ]
        vals += self._billing_ereport_undone_payments()
        return vals, []

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
