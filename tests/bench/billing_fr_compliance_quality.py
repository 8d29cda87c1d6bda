#!/usr/bin/env python3
"""Speed of the billing quality report (issue 22) and the gate's extra cost of recording a
refusal.

Usage (a database with l10n_fr_account and billing_fr_compliance installed):

    python3 -m odoo -d hqua_bench --addons-path <odoo addons>,$PWD \\
        -i l10n_fr_account,billing_fr_compliance --without-demo all --stop-after-init
    nice -n -5 python3 tests/bench/billing_fr_compliance_quality.py --db hqua_bench \\
        --invoices 200000 --refusals 20000

It creates a French company with Odoo's French chart, three operators and a customer, posts
K invoices (``--clone-from``, default 300) through Odoo as the operators (Odoo's own posting,
the reference), then replicates their headers by set-based SQL (the helpers of
billing_dunning_run.py) up to N posted documents over twelve months: every column of
``account_move`` copied, with a number of its own, an operator, a date; one in twenty is a
credit note of the document before it (half of them within 30 days). The report reads
headers only (no line), so lines are not cloned. Then R gate refusal events (one to three
missing mentions each) over the operators, months and documents.

It times, in the same transaction (rolled back at the end):

- Odoo: ``account.move`` grouped per salesperson and month (count, untaxed amount), as its
  own list and pivot of invoices read them, on the same rows;
- ours: the quality report per operator and month with every measure (the pivot's read);
- the gate's refusal of an incomplete draft (Odoo's posting attempt through our gate),
  with and without recording the refusal, and the recording alone: time and queries of the
  main cursor and of the cursor that writes it.
"""

import argparse
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--invoices", type=int, default=200000)
    parser.add_argument("--refusals", type=int, default=20000)
    parser.add_argument("--clone-from", type=int, default=300)
    parser.add_argument("--attempts", type=int, default=50)
    args = parser.parse_args()
    odoo = setup_odoo(args.db)
    from odoo import SUPERUSER_ID, api
    from odoo.exceptions import UserError
    from odoo.sql_db import Cursor

    say("load before: %.2f %.2f %.2f" % load())
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
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
        cr.execute("ANALYZE account_move; ANALYZE billing_fr_refusal")
        env.invalidate_all()

        Move = env["account.move"].with_company(company)
        odoo_s, odoo_q = best_of(
            cr,
            lambda: Move.read_group(
                [("move_type", "in", ("out_invoice", "out_refund")), ("state", "=", "posted")],
                ["amount_untaxed_signed:sum"],
                ["invoice_user_id", "invoice_date:month"],
                lazy=False,
            ),
        )
        say(
            f"Odoo: invoices per salesperson and month {odoo_s:8.3f} s  {odoo_q} queries"
            "  (load %.2f)" % load()[0]
        )
        Report = env["billing.fr.quality.report"].with_company(company)
        measures = [
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
        result = []
        ours_s, ours_q = best_of(
            cr,
            lambda: result.append(
                Report.read_group([], measures, ["user_id", "date:month"], lazy=False)
            ),
        )
        groups = result[-1]
        say(
            f"ours: quality report per operator and month {ours_s:8.3f} s  {ours_q} queries"
            f"  ({len(groups)} groups, {sum(g['invoice_count'] for g in groups)} invoices,"
            f" {sum(g['refusal_count'] for g in groups)} refusals)  (load %.2f)" % load()[0]
        )
        say(f"ratio quality report / Odoo's grouping {ours_s / odoo_s:8.2f}")

        # the gate: a draft lacking the customer's SIREN, refused again and again
        company.fr_gate_mode = "block"
        customer.siren = False
        draft = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "company_id": company.id,
                "partner_id": customer.id,
                "invoice_date": "2026-11-20",
                "invoice_line_ids": [(0, 0, {"name": "Bench", "price_unit": 10})],
            }
        )
        env.flush_all()
        clerk = draft.with_user(operators[0])
        other_queries = []
        real_execute = Cursor.execute

        def counting(self, query, params=None, log_exceptions=True):
            if self is not cr:
                other_queries.append(query)
            return real_execute(self, query, params, log_exceptions)

        def attempts(record):
            times, queries = [], []
            for _i in range(args.attempts):
                with Timer(cr) as t, patch.object(Cursor, "execute", counting):
                    try:
                        with cr.savepoint():
                            clerk._post(soft=False)
                    except UserError:
                        pass
                times.append(t.seconds)
                queries.append(t.queries)
            return statistics.median(times), statistics.median(queries)

        Move = type(env["account.move"])
        with patch.object(Move, "_fr_record_refusals", lambda self, refused: None):
            other_queries.clear()
            plain_s, plain_q = attempts(clerk)
        other_queries.clear()
        rec_s, rec_q = attempts(clerk)
        per_refusal_other = len(other_queries) / args.attempts
        say(f"gate: refused posting without recording {1000 * plain_s:7.2f} ms  {plain_q} queries")
        say(
            f"gate: refused posting with recording    {1000 * rec_s:7.2f} ms  {rec_q} queries"
            f" + {per_refusal_other:.0f} on the refusals' own cursor  (load %.2f)" % load()[0]
        )
        text = draft._fr_compliance_issues()
        alone = []
        for _i in range(args.attempts):
            start = time.perf_counter()
            clerk._fr_record_refusals(text)
            alone.append(time.perf_counter() - start)
        say(
            f"gate: recording one refusal alone       {1000 * statistics.median(alone):7.2f} ms"
            f"  (median of {args.attempts})"
        )
        say(f"gate: extra cost of recording           {1000 * (rec_s - plain_s):7.2f} ms")
        cr.rollback()
    say("load after: %.2f %.2f %.2f" % load())


if __name__ == "__main__":
    main()
