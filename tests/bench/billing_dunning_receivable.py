#!/usr/bin/env python3
"""Speed of the receivables schedule, the cash-in forecast, DSO and the backtest on N open
receivable lines over M customers and P paid invoices.

Usage (a database with l10n_fr_account and billing_dunning installed):

    python3 tests/bench/billing_dunning_receivable.py --db hsched_db \\
        --open 10000 --customers 1000 --paid 10000
    python3 tests/bench/billing_dunning_receivable.py --db hsched_db \\
        --open 100000 --customers 10000 --paid 100000

It creates a French company, M customers, a few template invoices through Odoo (open ones,
and paid ones with their payment), then replicates them by set-based SQL (``INSERT ...
SELECT`` over ``generate_series``: every column of ``account_move`` and
``account_move_line``, and for the paid ones the partial reconciliation with the template's
payment line) for customer ``n % M``, with due dates spread from 300 days ago to 120 days
ahead (a fixed seed). It then times, in the same transaction, what the screens ask:

- the schedule's first page (``web_search_read``, 80 rows) and its default grouping by
  customer (``web_read_group``), its bucket totals, the 13-week forecast, the DSO months, the
  customers' DSO and the backtest;
- as the reference, Odoo's own ``account.move.line`` grouping of the same open receivable
  lines by customer (``read_group``).

It prints seconds, queries and the ratio to the reference. Everything is rolled back, unless
``--keep`` commits the data it built; ``--reuse`` then times that kept data again without
building it (a re-measure in a few minutes: the copies and the habits learnt from scratch take
most of a run at 100,000 lines).
"""

import argparse
import os
import random
import sys
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from billing_dunning_run import Timer, say, setup_odoo, table_columns

TEMPLATES = 10


def build(env, n_customers):
    from odoo import Command

    company = env["res.company"].create(
        {
            "name": "Schedule bench",
            "country_id": env.ref("base.fr").id,
            "currency_id": env.ref("base.EUR").id,
        }
    )
    env.user.company_ids |= company
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    env["account.chart.template"].try_loading("fr", company, install_demo=False)
    if "fr_gate_mode" in company._fields:
        company.fr_gate_mode = "off"
    env["billing.dunning.policy"].create(
        {
            "name": "Bench",
            "company_id": company.id,
            "is_default": True,
            "level_ids": [Command.create({"name": "L1", "sequence": 1, "delay_days": 5})],
        }
    )
    customers = env["res.partner"].create(
        [{"name": f"Schedule customer {i}", "is_company": True} for i in range(n_customers)]
    )
    today = (
        env["billing.dunning.receivable"]
        ._fields["date_maturity"]
        .context_today(env["billing.dunning.receivable"])
    )
    vals = [
        {
            "move_type": "out_invoice",
            "partner_id": customers[i].id,
            "invoice_date": today - timedelta(days=30),
            "invoice_date_due": today - timedelta(days=30),
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": "Bench",
                        "quantity": 1,
                        "price_unit": 100.0 * (i + 1),
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }
        for i in range(2 * TEMPLATES)
    ]
    moves = env["account.move"].create(vals)
    moves.action_post()
    open_moves, paid_moves = moves[:TEMPLATES], moves[TEMPLATES:]
    for move in paid_moves:
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"payment_date": today - timedelta(days=5)})._create_payments()
    env.flush_all()
    return env, company, customers, open_moves, paid_moves, today


def clone(env, templates, customers, count, seed, paid):
    """``count`` copies of ``templates`` by SQL, for customer ``n % M``, due dates shifted
    by a random number of days; a paid copy gets a partial reconciliation with its
    template's payment line."""
    from odoo.tools import SQL

    cr = env.cr
    rng = random.Random(seed)
    shifts = (
        [rng.randint(-300, -10) for _ in range(count)]
        if paid
        else [rng.randint(-270, 150) for _ in range(count)]
    )
    cr.execute("DROP TABLE IF EXISTS bench_map")
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_map AS
            SELECT g, (%(tmpl)s::int[])[mod(g, %(k)s) + 1] AS tmpl,
                   (%(partners)s::int[])[mod(g, %(m)s) + 1] AS partner,
                   (%(shifts)s::int[])[g + 1] AS shift,
                   nextval('account_move_id_seq') AS move_id
              FROM generate_series(0, %(last)s) g
            """,
            tmpl=templates.ids,
            k=len(templates),
            partners=customers.ids,
            m=len(customers),
            shifts=shifts,
            last=count - 1,
        )
    )
    move_cols = table_columns(cr, "account_move")
    overrides = {
        "name": SQL("t.name || '-' || %s || '-' || b.g", "P" if paid else "O"),
        "partner_id": SQL("b.partner"),
        "commercial_partner_id": SQL("b.partner"),
        "partner_shipping_id": SQL("b.partner"),
        "invoice_date": SQL("t.invoice_date + b.shift"),
        "invoice_date_due": SQL("t.invoice_date_due + b.shift"),
        "date": SQL("t.date + b.shift"),
    }
    cr.execute(
        SQL(
            "INSERT INTO account_move (id, %s) SELECT b.move_id, %s FROM bench_map b "
            "JOIN account_move t ON t.id = b.tmpl",
            SQL(", ").join(SQL.identifier(c) for c in move_cols),
            SQL(", ").join(overrides.get(c, SQL.identifier("t", c)) for c in move_cols),
        )
    )
    line_cols = table_columns(cr, "account_move_line")
    overrides = {
        "move_id": SQL("b.move_id"),
        "partner_id": SQL("CASE WHEN l.partner_id IS NOT NULL THEN b.partner END"),
        "date_maturity": SQL("l.date_maturity + b.shift"),
        "date": SQL("l.date + b.shift"),
        "invoice_date": SQL("l.invoice_date + b.shift"),
        "move_name": SQL("l.move_name || '-' || %s || '-' || b.g", "P" if paid else "O"),
    }
    cr.execute(
        SQL(
            "INSERT INTO account_move_line (%s) SELECT %s FROM bench_map b "
            "JOIN account_move_line l ON l.move_id = b.tmpl",
            SQL(", ").join(SQL.identifier(c) for c in line_cols),
            SQL(", ").join(overrides.get(c, SQL.identifier("l", c)) for c in line_cols),
        )
    )
    if paid:
        partial_cols = table_columns(cr, "account_partial_reconcile")
        overrides = {"debit_move_id": SQL("nl.id")}
        cr.execute(
            SQL(
                """
                INSERT INTO account_partial_reconcile (%s)
                SELECT %s
                  FROM bench_map b
                  JOIN account_move_line tl ON tl.move_id = b.tmpl
                  JOIN account_partial_reconcile p ON p.debit_move_id = tl.id
                  JOIN account_move_line nl
                    ON nl.move_id = b.move_id AND nl.account_id = tl.account_id
                """,
                SQL(", ").join(SQL.identifier(c) for c in partial_cols),
                SQL(", ").join(overrides.get(c, SQL.identifier("p", c)) for c in partial_cols),
            )
        )
    cr.execute("ANALYZE account_move")
    cr.execute("ANALYZE account_move_line")
    cr.execute("ANALYZE account_partial_reconcile")
    env.invalidate_all()


def load():
    return "load " + ", ".join(f"{x:.1f}" for x in os.getloadavg())


def timed(env, label, func, reference=None, runs=3):
    """``runs`` runs (caches emptied before each): min and median seconds, queries."""
    timers = []
    for _run in range(runs):
        env.invalidate_all()
        with Timer(env.cr) as timer:
            result = func()
        timers.append(timer)
    timers.sort(key=lambda t: t.seconds)
    best, median = timers[0], timers[len(timers) // 2]
    ratio = f"  ratio {median.seconds / reference.seconds:6.2f}" if reference else ""
    say(
        f"{label:<42} min {best.seconds:7.3f} s  median {median.seconds:7.3f} s  "
        f"{median.queries:3d} queries{ratio}  ({load()})"
    )
    return median, result


def explain(env, label, func):
    """EXPLAIN (ANALYZE, BUFFERS) of each report query ``func`` runs (caches emptied)."""
    from odoo.tools import SQL

    cr = env.cr
    seen = []
    execute = cr.execute

    def record(query, params=None, log_exceptions=True):
        if isinstance(query, SQL):
            query, params = query.code, query.params
        if query.lstrip().upper().startswith(("SELECT", "WITH")) and "billing_dunning" in query:
            seen.append((query, params))
        return execute(query, params, log_exceptions)

    env.invalidate_all()
    cr.execute = record
    try:
        func()
    finally:
        cr.execute = execute
    for query, params in seen:
        cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + query, params)
        say(f"{label}:\n" + "\n".join(row[0] for row in cr.fetchall()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--open", type=int, default=10000)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--paid", type=int, default=10000)
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument(
        "--keep", action="store_true", help="commit the data built (for --reuse), time it"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="time the data a run with --keep left, build none"
    )
    args = parser.parse_args()
    odoo = setup_odoo(args.db)
    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if args.reuse:
            company = env["res.company"].search(
                [("name", "=", "Schedule bench")], order="id desc", limit=1
            )
            if not company:
                say("bench: no data kept in this database (run once with --keep)")
                return 1
            env = env(context=dict(env.context, allowed_company_ids=[company.id]))
            paid_moves = env["account.move"].search(
                [
                    ("company_id", "=", company.id),
                    ("move_type", "=", "out_invoice"),
                    ("billing_paid_date", "!=", False),
                ],
                order="id",
                limit=1,
            )
            Habit = env["billing.dunning.habit"]
            say(f"bench: reusing the data kept for company {company.id}")
        else:
            say(
                f"Creating {args.open} open lines and {args.paid} paid invoices over "
                f"{args.customers} customers (templates through Odoo, copies by SQL)..."
            )
            env, company, customers, open_moves, paid_moves, today = build(env, args.customers)
            with Timer(cr) as copy:
                clone(env, open_moves, customers, args.open, 1, paid=False)
                clone(env, paid_moves, customers, args.paid, 2, paid=True)
            say(f"bench: copies by SQL {copy.seconds:8.2f} s")
            Habit = env["billing.dunning.habit"]
            with Timer(cr) as learn:
                Habit._refresh_all()
            # the statistics autovacuum keeps (the habits are a new table)
            cr.execute("ANALYZE account_move")
            cr.execute("ANALYZE billing_dunning_habit")
            say(
                f"bench: every customer's habit learnt (install, daily cron) "
                f"{learn.seconds:8.2f} s  {learn.queries} queries  ({load()})"
            )
            if args.keep:
                cr.commit()
                say(f"bench: data kept (company {company.id}): time it again with --reuse")
        one = paid_moves[:1]
        timed(
            env,
            "ours: habit refresh after one payment",
            lambda: (
                # as if just paid: the stored date is cleared, then learnt again
                cr.execute(
                    "UPDATE account_move SET billing_paid_date = NULL WHERE id = %s", one.ids
                ),
                Habit._refresh_moves(one.ids),
            ),
        )
        say(f"bench: {Habit.search_count([])} customer habits")
        Line = env["account.move.line"]
        Schedule = env["billing.dunning.receivable"]
        open_domain = [
            ("company_id", "=", company.id),
            ("account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", "!=", 0),
        ]
        say(f"bench: {load()}")
        count = Schedule.search_count([])
        say(f"bench: {count} open lines in the schedule")
        ref, _groups = timed(
            env,
            "Odoo: open receivable lines by customer",
            lambda: Line.read_group(open_domain, ["amount_residual:sum"], ["partner_id"], limit=80),
        )
        spec = {
            name: {}
            for name in [
                "partner_id",
                "name",
                "date_maturity",
                "amount_residual",
                "days_overdue",
                "bucket",
                "level_id",
                "held_reason",
                "expected_date",
                "expected_explanation",
                "currency_id",
                "company_id",
            ]
        }
        timed(
            env,
            "ours: schedule first page (80 rows)",
            lambda: Schedule.web_search_read([], spec, limit=80, count_limit=10001),
            ref,
        )
        timed(
            env,
            "ours: schedule grouped by customer",
            lambda: Schedule.web_read_group([], ["amount_residual:sum"], ["partner_id"], limit=80),
            ref,
        )
        timed(
            env,
            "ours: bucket totals",
            lambda: Schedule.read_group([], ["amount_residual:sum"], ["bucket"]),
            ref,
        )
        timed(
            env,
            "ours: 13-week forecast",
            lambda: Schedule.read_group(
                [("amount_residual", ">", 0)],
                ["amount_residual:sum"],
                ["forecast_period:day", "forecast_state"],
                lazy=False,
            ),
            ref,
        )
        timed(
            env,
            "ours: DSO, 12 months",
            lambda: env["billing.dunning.dso"].search_read([], ["dso", "payment_delay"]),
            ref,
        )
        timed(
            env,
            "ours: customer DSO and delays",
            lambda: env["billing.dunning.partner.dso"].search_read([], ["dso", "payment_delay"]),
            ref,
        )
        _timer, rows = timed(
            env,
            "ours: backtest",
            lambda: env["billing.dunning.backtest"].search_read(
                [], ["invoice_count", "expected_error", "due_error"]
            ),
            ref,
        )
        for row in rows:
            say(
                f"bench: backtest over {row['invoice_count']} paid invoices: expected "
                f"{row['expected_error']:.1f} days, due date {row['due_error']:.1f} days"
            )
        if args.explain:
            explain(env, "first page", lambda: Schedule.web_search_read([], spec, limit=80))
            explain(
                env,
                "bucket totals",
                lambda: Schedule.read_group([], ["amount_residual:sum"], ["bucket"]),
            )
            explain(
                env,
                "13-week forecast",
                lambda: Schedule.read_group(
                    [("amount_residual", ">", 0)],
                    ["amount_residual:sum"],
                    ["forecast_period:day", "forecast_state"],
                    lazy=False,
                ),
            )
            explain(
                env,
                "DSO",
                lambda: env["billing.dunning.dso"].search_read([], ["dso", "payment_delay"]),
            )
        cr.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main())
