#!/usr/bin/env python3
"""Speed of the billing quality report (issue 22) and the gate's extra cost of recording a
refusal.

Usage (a database with l10n_fr_account and billing_fr_compliance installed):

    python3 -m odoo -d hx_quality_bench --addons-path <odoo addons>,$PWD \\
        -i l10n_fr_account,billing_fr_compliance --without-demo all --stop-after-init
    nice -n -5 python3 tests/bench/billing_fr_compliance_quality.py --db hx_quality_bench \\
        --invoices 200000 --refusals 20000 --clone-from 60

The first run builds the data and COMMITS it (a company "Quality bench"); the next runs on
the same database only measure (a few minutes): give the same --db.

The build: a French company with Odoo's French chart, three operators and a customer, K
invoices (``--clone-from``, default 300) posted through Odoo as the operators (Odoo's own
posting, the reference), their headers replicated by set-based SQL (the helpers of
billing_dunning_run.py) up to N posted documents over twelve months: every column of
``account_move`` copied, with a number of its own, an operator, a date; one in twenty is a
credit note of the document before it (half of them within 30 days). The report reads
headers only (no line), so lines are not cloned. Then R gate refusal events (one to three
missing mentions each) over the operators, months and documents, and a draft invoice of a
customer without SIREN for the gate to refuse.

The measures (``--rounds`` rounds, alternated):

- Odoo: ``account.move`` grouped per salesperson and month (count, untaxed amount), as its
  own list and pivot of invoices read them, on the same rows;
- ours: the quality report per operator and month with every measure (the pivot's read);
  ``--explain`` prints its plan (EXPLAIN ANALYZE); ``--jit-above-cost`` lowers PostgreSQL's
  threshold of JIT compilation as a larger database would pass it;
- the gate: a clerk's refused posting of the draft, each in a transaction of its own rolled
  back as the web client's request is, with and without recording the refusal (attempts
  alternated); time and queries of the posting's cursor and of the others.

To compare with another version of the addon, run this script from a copy of that version's
tree (its ROOT is the addons path) on the same database.
"""

import argparse
import importlib
import os
import statistics
import sys
import time
from unittest.mock import patch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from billing_dunning_run import Timer, copy_select, say, setup_odoo

CLONE_CHUNK = 20000
MENTIONS = ["buyer_siren", "delivery_address", "line_tax", "purchase_order", "credit_reason"]


def load():
    return os.getloadavg()


def build(env, n_orm):
    from odoo import Command

    company = env["res.company"].create(
        {
            "name": "Quality bench",
            "country_id": env.ref("base.fr").id,
            "currency_id": env.ref("base.EUR").id,
            "street": "1 rue du Banc",
            "zip": "69002",
            "city": "Lyon",
            "siren": "820419653",
            "siret": "82041965300010",
            "vat": "FR80820419653",
            "fr_legal_form": "SAS",
            "fr_share_capital": 10000,
            "fr_rcs_city": "Lyon",
        }
    )
    env.user.company_ids |= company
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    env["account.chart.template"].try_loading("fr", company, install_demo=False)
    operators = env["res.users"].create(
        [
            {
                "name": f"Operator {i}",
                "login": f"quality_bench_{i}",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set(env.ref("account.group_account_invoice").ids)],
            }
            for i in range(3)
        ]
    )
    customer = env["res.partner"].create(
        {
            "name": "Client du banc SAS",
            "is_company": True,
            "street": "4 avenue Jean Jaurès",
            "zip": "75019",
            "city": "Paris",
            "country_id": env.ref("base.fr").id,
            "siren": "552081317",
            "vat": "FR03552081317",
        }
    )
    company.fr_gate_mode = "off"  # the templates: Odoo's own posting, the reference
    moves = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "company_id": company.id,
                "partner_id": customer.id,
                "invoice_date": "2026-11-15",
                "invoice_line_ids": [
                    Command.create({"name": "Bench", "quantity": 1, "price_unit": 100 + i})
                ],
            }
            for i in range(n_orm)
        ]
    )
    return env, company, operators, customer, moves


def clone(env, templates, operators, n_docs):
    """Headers of ``n_docs`` posted documents, copied from ``templates`` by SQL."""
    from odoo.tools import SQL

    cr = env.cr
    env.flush_all()
    k = len(templates)
    ops = operators.ids
    columns, exprs = copy_select(
        cr,
        "account_move",
        "t",
        {
            "name": SQL("t.name || '-Q' || c.n"),
            "move_type": SQL("CASE WHEN mod(c.n, 20) = 0 THEN 'out_refund' ELSE 'out_invoice' END"),
            "invoice_date": SQL("DATE '2026-11-30' - (mod(c.n, 365))"),
            "date": SQL("DATE '2026-11-30' - (mod(c.n, 365))"),
            "billing_posted_uid": SQL("(%s::int[])[1 + mod(c.n, 3)]", ops),
            "reversed_entry_id": SQL("NULL::int"),
            "fr_credit_reason_id": SQL(
                "CASE WHEN mod(c.n, 20) = 0 THEN (SELECT min(id) FROM billing_fr_credit_reason) END"
            ),
            "amount_untaxed_signed": SQL(
                "CASE WHEN mod(c.n, 20) = 0 THEN -t.amount_untaxed_signed"
                " ELSE t.amount_untaxed_signed END"
            ),
            "sequence_number": SQL("t.sequence_number + 1000000 + c.n"),
            "payment_reference": SQL("t.name || '-Q' || c.n"),
        },
    )
    for start in range(k, n_docs, CLONE_CHUNK):
        stop = min(start + CLONE_CHUNK, n_docs)
        cr.execute(
            SQL(
                """
                INSERT INTO account_move (%s)
                SELECT %s
                  FROM (SELECT n, t0.partner_id
                          FROM generate_series(%s, %s) AS n
                          JOIN account_move t0 ON t0.id = %s) AS c
                  JOIN account_move t ON t.id = (%s::int[])[1 + mod(c.n, %s)]
                """,
                columns,
                exprs,
                start,
                stop - 1,
                templates[0].id,
                templates.ids,
                k,
            )
        )
    # a credit note corrects the document before it: (mod(c.n, 40) = 0) within 30 days
    cr.execute(
        SQL(
            """
            UPDATE account_move r
               SET reversed_entry_id = i.id,
                   invoice_date = CASE WHEN mod(i.id, 2) = 0 THEN i.invoice_date + 10
                                       ELSE i.invoice_date + 60 END
              FROM account_move i
             WHERE r.company_id = %s AND r.move_type = 'out_refund'
               AND i.id = r.id - 1 AND i.move_type = 'out_invoice'
            """,
            templates.company_id.id,
        )
    )
    cr.execute(
        SQL(
            "SELECT count(*), min(id), max(id) FROM account_move"
            " WHERE company_id = %s AND state = 'posted'",
            templates.company_id.id,
        )
    )
    return cr.fetchone()


def add_refusals(env, company, operators, first_id, last_id, n_refusals):
    from odoo.tools import SQL

    env.cr.execute(
        SQL(
            """
            INSERT INTO billing_fr_refusal (move_id, user_id, company_id, date, mentions)
            SELECT %(first)s + mod(g * 7919, %(last)s - %(first)s + 1),
                   (%(ops)s::int[])[1 + mod(g, 3)], %(company)s,
                   TIMESTAMP '2026-11-30 10:00' - mod(g, 365) * INTERVAL '1 day',
                   array_to_string(
                       (%(mentions)s::varchar[])[1 + mod(g, 5) : 1 + mod(g, 5) + mod(g, 3)], ','
                   )
              FROM generate_series(1, %(n)s) g
            """,
            first=first_id,
            last=last_id,
            ops=operators.ids,
            company=company.id,
            mentions=MENTIONS,
            n=n_refusals,
        )
    )


def best_of(cr, func, times=3):
    runs = []
    for _i in range(times):
        cr.execute("SELECT 1")
        with Timer(cr) as timer:
            func()
        runs.append(timer)
    best = min(runs, key=lambda t: t.seconds)
    return best.seconds, best.queries


MEASURES = [
    "invoice_count:sum",
    "first_time_right_count:sum",
    "first_time_right_rate:avg",
    "refused_count:sum",
    "amount_invoiced:sum",
    "refund_count:sum",
    "amount_credited:sum",
    "credit_share:avg",
    "refusal_count:sum",
    "mention_count:sum",
    "rejection_count:sum",
]


def build_all(env, args):
    """Build the bench data and commit it; returns the company."""
    cr = env.cr
    env, company, operators, customer, moves = build(env, args.clone_from)
    with Timer(cr) as post:
        for i, move in enumerate(moves):
            move.with_user(operators[i % 3]).action_post()
        env.flush_all()
    say(
        f"Odoo: posting {len(moves)} invoices {post.seconds:8.2f} s  {post.queries} queries"
        f"  ({1000 * post.seconds / len(moves):.1f} ms per invoice)"
    )
    with Timer(cr) as copy:
        count, first_id, last_id = clone(env, moves, operators, args.invoices)
    say(f"bench: {count} posted documents (clones by SQL) {copy.seconds:8.2f} s")
    add_refusals(env, company, operators, first_id, last_id, args.refusals)
    # the gate's draft: a customer without SIREN (the report's customer keeps its own)
    nosiren = customer.copy({"name": "Client sans SIREN SAS", "siren": False, "vat": False})
    company.fr_gate_mode = "block"
    env["account.move"].create(
        {
            "move_type": "out_invoice",
            "company_id": company.id,
            "partner_id": nosiren.id,
            "invoice_date": "2026-11-20",
            "ref": "quality-bench-gate",
            "invoice_line_ids": [(0, 0, {"name": "Bench", "price_unit": 10})],
        }
    )
    env.flush_all()
    cr.commit()
    cr.execute("ANALYZE account_move; ANALYZE billing_fr_refusal")
    cr.commit()
    return company


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--invoices", type=int, default=200000)
    parser.add_argument("--refusals", type=int, default=20000)
    parser.add_argument("--clone-from", type=int, default=300)
    parser.add_argument("--attempts", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--skip-report", action="store_true")
    parser.add_argument("--skip-gate", action="store_true")
    parser.add_argument(
        "--jit-above-cost",
        type=float,
        help="PostgreSQL's jit_above_cost for this session (default: the server's, 100000):"
        " lower it to see the report of a larger database, where JIT starts",
    )
    args = parser.parse_args()
    odoo = setup_odoo(args.db)
    from odoo import SUPERUSER_ID, api
    from odoo.exceptions import UserError
    from odoo.sql_db import Cursor

    say("code: %s" % os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    say("load before: %.2f %.2f %.2f" % load())
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env["res.company"].search([("name", "=", "Quality bench")], limit=1)
        if not company:
            company = build_all(env, args)
        env = env(context=dict(env.context, allowed_company_ids=company.ids))
        company = company.with_env(env)
        operators = env["res.users"].search([("login", "like", "quality_bench_%")], order="id")
        draft = env["account.move"].search(
            [("ref", "=", "quality-bench-gate"), ("company_id", "=", company.id)], limit=1
        )
        cr.execute(
            "SELECT count(*) FROM account_move WHERE company_id = %s AND state = 'posted'",
            [company.id],
        )
        say(f"bench data: {cr.fetchone()[0]} posted documents")

        if args.jit_above_cost is not None:
            # for the session: committed, so that the rollbacks between rounds keep it
            cr.execute(odoo.tools.SQL("SET jit_above_cost = %s", args.jit_above_cost))
            cr.commit()
        cr.execute("SHOW jit_above_cost")
        say(f"jit_above_cost: {cr.fetchone()[0]}")
        cr.rollback()
        Move = env["account.move"].with_company(company)
        Report = env["billing.fr.quality.report"].with_company(company)
        if args.explain:
            query = Report._table_query
            cr.execute(
                odoo.tools.SQL(
                    "EXPLAIN (ANALYZE, BUFFERS) SELECT user_id, date_trunc('month', date),"
                    " sum(invoice_count) FROM (%s) q GROUP BY 1, 2",
                    query,
                )
            )
            say("\n".join(row[0] for row in cr.fetchall()))
        result = []
        for rnd in range(args.rounds if not args.skip_report else 0):
            odoo_s, odoo_q = best_of(
                cr,
                lambda: Move.read_group(
                    [("move_type", "in", ("out_invoice", "out_refund")), ("state", "=", "posted")],
                    ["amount_untaxed_signed:sum"],
                    ["invoice_user_id", "invoice_date:month"],
                    lazy=False,
                ),
                times=1,
            )
            say(
                f"[{rnd}] Odoo: invoices per salesperson and month {odoo_s:8.3f} s"
                f"  {odoo_q} queries  (load %.2f)" % load()[0]
            )
            ours_s, ours_q = best_of(
                cr,
                lambda: result.append(
                    Report.read_group([], MEASURES, ["user_id", "date:month"], lazy=False)
                ),
                times=1,
            )
            groups = result[-1]
            say(
                f"[{rnd}] ours: quality report per operator and month {ours_s:8.3f} s"
                f"  {ours_q} queries  ({len(groups)} groups,"
                f" {sum(g['invoice_count'] for g in groups)} invoices,"
                f" {sum(g['first_time_right_count'] for g in groups)} first time right,"
                f" {sum(g['refusal_count'] for g in groups)} refusals)  (load %.2f)" % load()[0]
            )
            cr.rollback()
        if args.skip_gate:
            return

        # the gate: the clerk's refused posting, one transaction each, rolled back as the web
        # client's request is when the gate refuses (the refusal is recorded then)
        clerk = draft.with_user(operators[0])
        other_queries = []
        real_execute = Cursor.execute

        def counting(self, query, params=None, log_exceptions=True):
            if self is not cr:
                other_queries.append(query)
            return real_execute(self, query, params, log_exceptions)

        Model = type(env["account.move"])
        recording = Model._fr_record_refusals
        # the recording's own time, inside the refused posting: the gate's call, and the write
        # when it runs outside that call (after the rollback, where it is deferred)
        quality = importlib.import_module(
            "odoo.addons.billing_fr_compliance.models.account_move_quality"
        )
        real_write = quality._write_refusals
        spent, inside = [], []

        def timed_record(self, refused):
            inside.append(True)
            start = time.perf_counter()
            try:
                return recording(self, refused)
            finally:
                inside.pop()
                spent.append(time.perf_counter() - start)

        def timed_write(registry, rows):
            if inside:
                return real_write(registry, rows)
            start = time.perf_counter()
            try:
                return real_write(registry, rows)
            finally:
                spent.append(time.perf_counter() - start)

        def attempt(record):
            Model._fr_record_refusals = timed_record if record else (lambda self, refused: None)
            try:
                before = len(other_queries)
                spent.clear()
                with Timer(cr) as t, patch.object(Cursor, "execute", counting):
                    try:
                        clerk._post(soft=False)
                    except UserError:
                        pass
                    cr.rollback()
                return t.seconds, t.queries, len(other_queries) - before, sum(spent)
            finally:
                Model._fr_record_refusals = recording

        cr.execute("SELECT count(*) FROM billing_fr_refusal WHERE move_id = %s", [draft.id])
        already = cr.fetchone()[0]
        with patch.object(quality, "_write_refusals", timed_write):
            attempt(True)  # warm-up
            attempt(False)
            runs = {False: [], True: []}
            for _i in range(args.attempts):
                for record in (False, True):
                    runs[record].append(attempt(record))
        plain, rec = runs[False], runs[True]

        def med(values, k):
            return statistics.median(v[k] for v in values)

        say(
            f"gate: refused posting without recording {1000 * med(plain, 0):7.2f} ms"
            f"  {med(plain, 1):.0f} queries + {med(plain, 2):.0f} on other cursors"
        )
        say(
            f"gate: refused posting with recording    {1000 * med(rec, 0):7.2f} ms"
            f"  {med(rec, 1):.0f} queries + {med(rec, 2):.0f} on other cursors"
            "  (load %.2f)" % load()[0]
        )
        say(
            f"gate: recording, timed inside the gate  {1000 * med(rec, 3):7.2f} ms median,"
            f" {1000 * max(v[3] for v in rec):.2f} ms max (of {args.attempts})"
        )
        say(
            f"gate: difference of the medians         "
            f"{1000 * (med(rec, 0) - med(plain, 0)):7.2f} ms"
        )
        cr.execute("SELECT count(*) FROM billing_fr_refusal WHERE move_id = %s", [draft.id])
        say(f"gate: refusals recorded {cr.fetchone()[0] - already} (expected {args.attempts + 1})")
        cr.execute("DELETE FROM billing_fr_refusal WHERE move_id = %s", [draft.id])
        cr.commit()
    say("load after: %.2f %.2f %.2f" % load())


if __name__ == "__main__":
    main()
