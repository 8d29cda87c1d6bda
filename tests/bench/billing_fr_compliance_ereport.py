#!/usr/bin/env python3
"""E-reporting (flux 10): preparing one month of N B2C invoices (3 lines each: goods 20 %,
services 10 %, books 5.5 %) and N/4 payments.

Creates a French company (French chart of accounts, VAT regime "quarterly": one month per
period), a platform (registration number 0042) and a private customer, then K invoices
(``--clone-from``, default 200) created and posted through Odoo (``action_post``, in chunks:
the scale reference, its time per invoice extrapolated to N), replicated by set-based SQL up
to N with the dunning bench's ``clone`` (every column of the moves and lines, taxes and tags;
invoice ``n`` dated as template ``n % 30``, the day of the month being the key that function
matches dates by) and checked with its ``recompute_changes`` (recomputing the stored amounts,
states and line fields of a sample of clones changes nothing), and N/4 invoices
paid through Odoo's wizard, one grouped payment a day (N/4 reconciliations, which is what
10.4 reads). It then times, in the same transaction (rolled
back at the end):

1. Odoo's own posting of the K invoices (reference, per invoice);
2. preparing the transactions report of the month (``billing.fr.ereport.action_prepare``:
   10.3 lines from the posted moves, reconciliation to the ledger per rate, the FRR file
   built and checked against the XSD and the PPF schematron);
3. preparing the payments report of the month (10.4 from the reconciliations).

It prints time and SQL queries for each step, per invoice, and the ratio to Odoo's posting.

Building the data takes long on a loaded machine (paying 5,000 invoices through Odoo's wizard
alone took 13 minutes): ``--keep`` commits the data (a company "Bench Boutique SAS (N)"), with
the figures of Odoo's posting, and measures; ``--reuse`` measures again on the data kept
(the reference figures are those stored at ``--keep``), a few minutes in all. The reports
are always rolled back.

Usage (a database where billing_fr_compliance is installed, e.g. kept by tests/run --keep-db):
    nice -n -5 tests/bench/billing_fr_compliance_ereport.py --db hrep_bench --count 20000
    nice -n -5 tests/bench/billing_fr_compliance_ereport.py --db hrep_bench --count 20000 --keep
    nice -n -5 tests/bench/billing_fr_compliance_ereport.py --db hrep_bench --count 20000 --reuse
"""

import argparse
import json
import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import billing_dunning_run as dunning_bench  # noqa: E402
from common import french_company, start_odoo  # noqa: E402

CHUNK = 500


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--count", type=int, default=2000, help="B2C invoices")
    parser.add_argument(
        "--clone-from",
        type=int,
        default=200,
        help="invoices created and posted through Odoo; the others are SQL clones",
    )
    parser.add_argument("--paid", type=int, help="invoices paid (default: N/4)")
    parser.add_argument(
        "--profile", action="store_true", help="print where preparing each report spends"
    )
    parser.add_argument(
        "--keep", action="store_true", help="commit the data built (for --reuse), then measure"
    )
    parser.add_argument(
        "--dump",
        help="write what the two reports hold (lines, reconciliation, problems, file) to this "
        "JSON file, to compare two versions of the code on the same data",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure on the data --keep committed for this --count (no build, no posting)",
    )
    args = parser.parse_args()
    if args.paid is None:
        args.paid = args.count // 4

    import odoo
    from odoo import api

    registry = start_odoo(args.db, "--db_host", os.environ.get("PGHOST", "127.0.0.1"))
    threading.current_thread().testing = True
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        name = f"Bench Boutique SAS ({args.count})"
        param = f"billing_bench.ereport.{args.count}"
        company = env["res.company"].search([("name", "=", name)])
        if args.reuse:
            if not company:
                raise SystemExit(f"--reuse: no company {name!r}: run with --keep first")
            reference = json.loads(env["ir.config_parameter"].get_param(param))
            env = env(context={"allowed_company_ids": [company.id]})
        else:
            if company:
                raise SystemExit(f"{name!r} exists (kept): use --reuse")
            company, reference = build(env, args, name)
            env = env(context={"allowed_company_ids": [company.id]})
            if args.keep:
                env["ir.config_parameter"].set_param(param, json.dumps(reference))
                cr.commit()
                print(f"data committed: company {name!r}; measure again with --reuse")
        measure_reports(env, args, company, reference)
        cr.rollback()


def measure(env, step):
    env.flush_all()
    env.invalidate_all()
    cr = env.cr
    queries = cr.sql_log_count
    start = time.perf_counter()
    result = step()
    env.flush_all()
    return result, time.perf_counter() - start, cr.sql_log_count - queries


def build(env, args, name):
    """The company, its platform and customer, the invoices (posted through Odoo then cloned)
    and the payments; returns the company and the reference figures of Odoo's posting."""
    from odoo import Command
    from odoo.tools import SQL

    env, company = french_company(env, name, fr_gate_mode="off", billing_ereport_regime="quarterly")
    # payments reconciled at once with their invoice (an outstanding receipts account, as
    # Odoo's own tests set): each payment gives a reconciliation, hence 10.4 lines
    bank = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
    )
    bank.inbound_payment_method_line_ids[:1].payment_account_id = env["account.account"].create(
        {
            "name": "Encaissements à rapprocher",
            "code": "511900",
            "reconcile": True,
            "account_type": "asset_current",
        }
    )
    env["billing.pa.platform"].create(
        {
            "name": "Bench PA",
            "company_id": company.id,
            "flow_url": "http://127.0.0.1:9",
            "bearer_token": "bench",
            "billing_ereport_matricule": "0042",
            "state": "ok",
        }
    )
    private = env["res.partner"].create(
        {
            "name": "Claire Moreau",
            "street": "7 impasse des Lilas",
            "zip": "33000",
            "city": "Bordeaux",
            "country_id": env.ref("base.fr").id,
        }
    )
    ref = env["account.chart.template"].ref
    for xmlid in ("tva_normale", "tva_intermediaire", "tva_reduite"):
        ref(xmlid).active = True  # the French chart ships the reduced rates inactive
    products = [
        env["product.product"].create(
            {"name": name, "type": kind, "taxes_id": [Command.set(ref(tax).ids)]}
        )
        for name, kind, tax in (
            ("Chaise", "consu", "tva_normale"),
            ("Rénovation", "service", "tva_intermediaire"),
            ("Livre", "consu", "tva_reduite"),
        )
    ]
    moves = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": private.id,
                "invoice_date": "2026-11-%02d" % (1 + n % 30),
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": p.id, "quantity": 1 + n % 3, "price_unit": 10 + n % 97}
                    )
                    for p in products
                ],
            }
            for n in range(min(args.clone_from, args.count))
        ]
    )

    post_time = post_queries = 0.0
    for index in range(0, len(moves), CHUNK):
        __, seconds, queries = measure(env, moves[index : index + CHUNK].action_post)
        post_time += seconds
        post_queries += queries
    posted = len(moves)
    if args.count > posted:
        # the day of the month is the key the dunning bench's clone matches dates by
        days = [1 + n % 30 for n in range(args.count)]
        start = time.perf_counter()
        moves |= dunning_bench.clone(env, moves, private, days, args.count)
        clone_time = time.perf_counter() - start
        changes = dunning_bench.recompute_changes(env, moves[posted:])
        if changes:
            raise SystemExit(f"clones differ from what Odoo computes: {changes[:5]}")
        print(f"cloned {args.count - posted} invoices by SQL in {clone_time:.1f} s, checked")
    # N/4 invoices paid, grouped per day (one payment a day of the month through Odoo's
    # wizard, reconciled with that day's invoices): N/4 reconciliations, which is what
    # 10.4 reads; one payment per invoice through the wizard would take Odoo about 0.5 s
    # each on this machine (40 minutes for 5,000), measuring Odoo rather than the report
    start = time.perf_counter()
    paid = moves[: args.paid]
    days_paid = {}
    for n, move in enumerate(paid):
        days_paid.setdefault(1 + n % 30, []).append(move.id)
    for day, ids in sorted(days_paid.items()):
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=ids
        ).create({"payment_date": "2026-11-%02d" % day, "group_payment": True})._create_payments()
    paid_time = time.perf_counter() - start
    print(
        f"{len(paid)} invoices paid ({len(days_paid)} grouped payments through Odoo's "
        f"wizard) in {paid_time:.0f} s"
    )

    # the statistics a database has once its autovacuum went by (this machine's PostgreSQL
    # runs without it): without them the planner takes the invoices of a month for one row
    for table in (
        "account_move",
        "account_move_line",
        "account_move_line_account_tax_rel",
        "account_partial_reconcile",
        "account_payment",
    ):
        env.cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    return company, {
        "posted": posted,
        "post_time": post_time,
        "post_queries": post_queries,
        "clone_time": clone_time if args.count > posted else 0.0,
        "paid_time": paid_time,
    }


def measure_reports(env, args, company, reference):
    """Prepare the sales and the payments report of November, timed (rolled back after)."""
    Report = env["billing.fr.ereport"]
    period = {
        "company_id": company.id,
        "date_start": "2026-11-01",
        "date_end": "2026-11-30",
        "deadline": "2026-12-10",
    }
    sales = Report.create(dict(period, kind="transactions"))
    payments = Report.create(dict(period, kind="payments"))
    __, sales_time, sales_queries = measure(env, profiled(args, sales.action_prepare))
    __, pay_time, pay_queries = measure(env, profiled(args, payments.action_prepare))
    # prepared again (after a fix, or by the daily run): its lines replaced
    __, again_time, again_queries = measure(env, sales.action_prepare)
    assert sales.state == "ready", sales.problems
    assert payments.state == "ready", payments.problems
    if args.dump:
        dump(env, args.dump, sales | payments)
    count = args.count
    paid = env["billing.fr.ereport.line"].search_count(
        [("report_id", "=", payments.id), ("section", "=", "10.4")]
    )
    posted = reference["posted"]
    post_time, post_queries = reference["post_time"], reference["post_queries"]
    post_each = post_time / posted
    print(f"load: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}")
    print(f"B2C invoices: {count}, lines: {3 * count}, 10.4 payment lines: {paid}")
    print(
        f"Odoo posting (reference, {posted} invoices through Odoo"
        f"{', measured at --keep' if args.reuse else ''}): "
        f"{post_each * 1000:.1f} ms and {post_queries / posted:.1f} queries per invoice, "
        f"{post_each * count:.0f} s extrapolated to {count}"
    )
    print(
        f"e-report sales (10.3, {len(sales.line_ids)} lines, file checked): "
        f"{sales_time:.1f} s, {sales_queries} queries, "
        f"{sales_time / count * 1000:.2f} ms per invoice, "
        f"ratio to posting them {sales_time / (post_each * count):.3f}"
    )
    print(
        f"e-report payments (10.4, {len(payments.line_ids)} lines, file checked): "
        f"{pay_time:.1f} s, {pay_queries} queries"
    )
    print(
        f"e-report sales prepared again (its {len(sales.line_ids)} lines replaced): "
        f"{again_time:.1f} s, {again_queries} queries"
    )
    print(
        f"sales + payments: {sales_time + pay_time:.1f} s (goal: 20 s), "
        f"{sales_queries + pay_queries} queries"
    )


def dump(env, path, reports):
    """What ``reports`` hold, as plain data sorted the same whatever the code's order: the
    lines (without their ids), the reconciliation, the problems, the file's XML (without
    its issue time)."""
    import base64
    import re

    from odoo.tools import SQL

    data = {}
    for report in reports:
        rows = env.execute_query(
            SQL(
                """
                SELECT section, move_id, move_line_id, partial_id, undo_of_id, date::text,
                       category, vat_category, rate::float, base::float, tax::float,
                       amount::float, reason
                  FROM billing_fr_ereport_line WHERE report_id = %s
                """,
                report.id,
            )
        )
        xml = base64.b64decode(report.file).decode()
        data[report.kind] = {
            "lines": sorted([list(row) for row in rows], key=repr),
            "reconciliation": report.reconciliation,
            "problems": report.problems,
            "tolerated": report.tolerated,
            "file": re.sub(
                r"<IssueDateTime>.*?</IssueDateTime>|FRR-\d+-[TP]-\d+-(IN|RE)\d+",
                "",
                xml,
                flags=re.S,
            ),
        }
    with open(path, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=1, sort_keys=True)
    print(f"content written to {path}")


def profiled(args, step):
    """``step`` under cProfile when --profile: the 25 costliest functions, by own time and
    by cumulated time."""
    if not args.profile:
        return step

    def run():
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        try:
            return step()
        finally:
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("tottime").print_stats(25)
            stats.sort_stats("cumulative").print_stats(25)

    return run


if __name__ == "__main__":
    main()
