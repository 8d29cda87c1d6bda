#!/usr/bin/env python3
"""Installing the three addons into a database with years of history (issue 28).

Usage (PostgreSQL reachable, Odoo 18 importable; about 10 minutes at full size on 2 cores):

    python3 tests/bench/install_into_history.py --db-prefix hhist_bench
    python3 tests/bench/install_into_history.py --db-prefix hhist_bench --invoices 2000 \\
        --customers 1000 --reuse-base

It makes three databases from scratch (dropped first): ``<prefix>_base`` with Odoo's modules
the addons depend on (l10n_fr_account, account_edi_ubl_cii, sale_stock, sale_project,
sale_timesheet), and two copies of it, ``<prefix>_empty`` and ``<prefix>_hist``. In
``<prefix>_hist`` it builds a history before the addons exist:

- a French company (chart ``fr``), a goods and a service product, M customers (half of them
  with a phone number), ``--orders`` sale orders confirmed and delivered through Odoo, half of
  them invoiced;
- K invoices (``--clone-from``, default 500: goods, services or both) created and posted
  through Odoo, replicated by set-based SQL up to N invoices (``--invoices``) with the clone
  of the dunning bench (``billing_dunning_run.clone``): every column of ``account_move`` and
  ``account_move_line``, checked against Odoo's own computation (``check_clones``: residuals,
  balances, sequences, recomputed stored fields on a sample) before anything is measured.
  Invoice ``n`` goes to customer ``n % M`` and is 1 to 90 days overdue, so every customer has
  overdue invoices (the Payment Follow-up list has M rows);
- ``--paid`` of the K invoices paid through Odoo (payment entries).

Then it installs billing_fr_compliance, billing_dunning and billing_project_link from the
command line (as Apps does, one ``odoo -i`` process) into each database and prints for both:
the install time and peak memory (the process's max RSS), and the rows of
``account_move``, ``account_move_line``, ``res_partner``, ``sale_order`` and
``stock_picking`` that existed before the install and whose ``write_date`` it changed. In
the history database it then checks the SQL initial values of the stored fields
(``fr_operation_nature`` recomputed by the ORM on a sample: no change; none on payment
entries), runs the Factur-X scheduled action and counts the rows it changed, and times the
Payment Follow-up list (first page of 80 rows, as the web client reads it) on the M overdue
customers and restricted to 200 of them, with its queries and the follow-up records it
created, as the history stands (no dunning policy) and with a default policy (created for the
measure, rolled back). The databases are left for inspection (drop them with ``dropdb``).

``--list-only --repeat R`` times only the follow-up list, R reads of each, in the history
database of a previous run (``<prefix>_hist``), with the addons' code of this checkout:

    nice -n -5 python3 tests/bench/install_into_history.py --db-prefix hhist_bench \
        --list-only --repeat 3
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import billing_dunning_run as dunning_bench  # noqa: E402

DEPENDS = "l10n_fr_account,account_edi_ubl_cii,sale_stock,sale_project,sale_timesheet"
OURS = "billing_fr_compliance,billing_dunning,billing_project_link"
TABLES = ["account_move", "account_move_line", "res_partner", "sale_order", "stock_picking"]
LIST_SPEC = {
    "partner_id": {"fields": {"display_name": {}}},
    "overdue_amount": {},
    "overdue_count": {},
    "level_id": {"fields": {"display_name": {}}},
    "next_action": {},
    "next_date": {},
    "currency_id": {"fields": {}},
    "company_id": {"fields": {"display_name": {}}},
}

say = dunning_bench.say


def addons_path():
    import odoo

    root = os.path.dirname(os.path.dirname(odoo.__file__))
    paths = [os.path.join(root, "odoo", "addons")]
    if os.path.isdir(os.path.join(root, "addons")):
        paths.append(os.path.join(root, "addons"))
    paths.append(ROOT)
    return ",".join(paths)


def odoo_install(db, modules, log):
    """``odoo -i modules`` in its own process: (seconds, peak RSS in MB, exit code)."""
    cmd = [
        sys.executable,
        "-m",
        "odoo",
        "-d",
        db,
        "--addons-path",
        addons_path(),
        "-i",
        modules,
        "--without-demo",
        "all",
        "--stop-after-init",
        "--no-http",
        "--workers",
        "0",
        "--max-cron-threads",
        "0",
        "--log-level",
        "info",
        "--logfile",
        log,
    ]
    if os.environ.get("PGHOST"):
        cmd += ["--db_host", os.environ["PGHOST"]]
    # the peak RSS is measured by a small wrapper: a child forked from this process (which
    # has loaded a registry) would inherit its RSS as its max RSS (kept across execve)
    wrapper = (
        "import os, subprocess, sys; p = subprocess.Popen(sys.argv[1:]); "
        "_p, status, usage = os.wait4(p.pid, 0); "
        "sys.stderr.write('MAXRSS %d\\n' % usage.ru_maxrss); "
        "sys.exit(os.waitstatus_to_exitcode(status))"
    )
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd], cwd=ROOT, stderr=subprocess.PIPE, text=True
    )
    seconds = time.perf_counter() - start
    maxrss = int(proc.stderr.rsplit("MAXRSS ", 1)[1].split()[0])
    return seconds, maxrss / 1024, proc.returncode


def psql(db, query):
    out = subprocess.run(
        ["psql", "-d", db, "-At", "-c", query], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def snapshot(db):
    """(database time, {table: max id}) before an install."""
    now = psql(db, "SELECT clock_timestamp()")
    return now, {t: int(psql(db, f"SELECT coalesce(max(id), 0) FROM {t}")) for t in TABLES}


def rewritten(db, before):
    now, max_ids = before
    return {
        t: int(
            psql(
                db,
                f"SELECT count(*) FROM {t} WHERE id <= {max_ids[t]} AND write_date >= '{now}'",
            )
        )
        for t in TABLES
    }


def build_history(db, n_invoices, n_customers, n_orm, n_orders, paid):
    """The history described in the module docstring, committed in ``db``."""
    import odoo
    from odoo import Command, fields

    odoo.tools.config.parse_config(
        ["--addons-path", addons_path(), "-d", db, "--log-level", "error"]
    )
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env["res.company"].create(
            {
                "name": "Menuiserie Historique SAS",
                "country_id": env.ref("base.fr").id,
                "currency_id": env.ref("base.EUR").id,
                "street": "3 rue des Tanneurs",
                "zip": "69001",
                "city": "Lyon",
            }
        )
        env.user.company_ids |= company
        env.user.company_id = company
        env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        env["account.chart.template"].try_loading("fr", company, install_demo=False)
        Product = env["product.product"]
        goods = Product.create(
            {"name": "Chaise", "type": "consu", "is_storable": True, "lst_price": 80.0}
        )
        service = Product.create({"name": "Pose", "type": "service", "lst_price": 300.0})
        customers = env["res.partner"].create(
            [
                {
                    "name": f"Client historique {i}",
                    "is_company": True,
                    "country_id": env.ref("base.fr").id,
                    "email": f"client{i}@example.com",
                    **({"phone": f"04 72 {i % 100:02d} {i // 100 % 100:02d} 00"} if i % 2 else {}),
                }
                for i in range(n_customers)
            ]
        )
        say(f"history: {n_customers} customers")
        # orders delivered through Odoo, half of them invoiced
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", company.id)], limit=1
        ) or env["stock.warehouse"].create(
            {"name": "Lyon", "code": "LYO", "company_id": company.id}
        )
        env["stock.quant"]._update_available_quantity(goods, warehouse.lot_stock_id, 1e6)
        for i in range(n_orders):
            order = (
                env["sale.order"]
                .with_company(company)
                .create(
                    {
                        "partner_id": customers[i % n_customers].id,
                        "order_line": [
                            Command.create({"product_id": goods.id, "product_uom_qty": 2})
                        ],
                    }
                )
            )
            order.action_confirm()
            for picking in order.picking_ids:
                for move in picking.move_ids:
                    move.quantity = move.product_uom_qty
                    move.picked = True
                picking.button_validate()
            if i % 2:
                order._create_invoices().action_post()
        say(f"history: {n_orders} orders delivered, {n_orders // 2} invoiced")
        # K invoices through Odoo, cloned by SQL to N
        days, amounts = dunning_bench.plan_invoices(n_invoices)
        today = fields.Date.context_today(env["account.move"])
        products = [[goods], [service], [goods, service]]
        vals = []
        for i in range(n_orm):
            due = today - timedelta(days=days[i])
            vals.append(
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "partner_id": customers[i % n_customers].id,
                    "invoice_date": due,
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": 1,
                                "price_unit": amounts[i],
                                "tax_ids": [Command.clear()],
                            }
                        )
                        for product in products[i % 3]
                    ],
                }
            )
        templates = env["account.move"].create(vals)
        templates.action_post()
        say(f"history: {n_orm} invoices posted through Odoo")
        clones = env["account.move"]
        if n_invoices > n_orm:
            clones = dunning_bench.clone(env, templates, customers, days, n_invoices)
            dunning_bench.check_clones(env, company, templates, clones, today, n_invoices)
            say(f"history: {len(clones)} clones by SQL, checked against Odoo's computation")
        # payments through Odoo
        to_pay = templates[: int(n_orm * paid)]
        if to_pay:
            env["account.payment.register"].with_context(
                active_model="account.move", active_ids=to_pay.ids
            ).create({"group_payment": False})._create_payments()
        say(f"history: {len(to_pay)} invoices paid through Odoo")
        cr.commit()
        cr.execute("SELECT count(*) FROM account_move_line")
        lines = cr.fetchone()[0]
        say(f"history: {len(templates) + len(clones)} invoices, {lines} journal items")
        return company.id, customers.ids


def after_install(db, company_id, customer_ids):
    """Checks and timings in the history database once the addons are installed."""
    import odoo

    registry = odoo.modules.registry.Registry.new(db)
    Timer = dunning_bench.Timer
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"allowed_company_ids": [company_id]})
        cr.execute(
            "SELECT count(*) FILTER (WHERE fr_operation_nature IS NOT NULL), count(*)"
            " FROM account_move WHERE move_type = 'entry'"
        )
        with_nature, entries = cr.fetchone()
        say(f"entries (payments, misc.) with an operation nature: {with_nature} of {entries}")
        cr.execute(
            "SELECT fr_facturx_state, count(*) FROM account_move"
            " WHERE move_type IN ('out_invoice', 'out_refund') GROUP BY 1 ORDER BY 1"
        )
        say(f"Factur-X state of the invoices: {dict(cr.fetchall())}")
        # the SQL initial values are what the ORM computes
        Move = env["account.move"]
        sample = Move.search([], order="id").sudo()
        sample = sample[:: max(1, len(sample) // 300)]
        before = dict(zip(sample.ids, sample.mapped("fr_operation_nature"), strict=True))
        env.add_to_compute(Move._fields["fr_operation_nature"], sample)
        env.flush_all()
        env.invalidate_all()
        changed = [m.id for m in sample if m.fr_operation_nature != before[m.id]]
        say(
            f"fr_operation_nature recomputed by the ORM on {len(sample)} entries: "
            f"{len(changed)} differ"
        )
        cr.rollback()
        # the Factur-X scheduled action
        cr.execute("SELECT clock_timestamp()")
        start = cr.fetchone()[0]
        with Timer(cr) as timer:
            env.ref("billing_fr_compliance.ir_cron_fr_facturx_check").method_direct_trigger()
            env.flush_all()
        counts = {}
        for table in ("account_move", "account_move_line"):
            cr.execute(f"SELECT count(*) FROM {table} WHERE write_date >= %s", [start])
            counts[table] = cr.fetchone()[0]
        say(f"Factur-X scheduled action: {timer.seconds:.2f} s, rows rewritten {counts}")
        cr.rollback()
        cr.rollback()
        followup_list(env, customer_ids)


def followup_list(env, customer_ids, repeat=1):
    """Time the Payment Follow-up list, first page of 80 rows as the web client reads it,
    ``repeat`` times (the caches emptied before each read), on every overdue customer and
    restricted to 200 of them; as the history stands (no dunning policy: every row says so),
    then with a default policy of three levels (penalties at the third), created for the
    measure and rolled back: the rows then show the level each customer reaches."""
    from odoo import Command

    cr = env.cr
    Customer = env["billing.dunning.customer"]
    for policy in ("no policy", "default policy"):
        if policy == "default policy":
            env["billing.dunning.policy"].create(
                {
                    "name": "Bench",
                    "company_id": env.company.id,
                    "is_default": True,
                    "level_ids": [
                        Command.create({"name": "L1", "sequence": 1, "delay_days": 5}),
                        Command.create({"name": "L2", "sequence": 2, "delay_days": 20}),
                        Command.create(
                            {
                                "name": "L3",
                                "sequence": 3,
                                "delay_days": 40,
                                "add_penalties": True,
                            }
                        ),
                    ],
                }
            )
            env.flush_all()
        for label, domain in (
            (f"{len(customer_ids)} customers", [("has_overdue", "=", True)]),
            (
                "200 customers",
                [("has_overdue", "=", True), ("partner_id", "in", customer_ids[:200])],
            ),
        ):
            for _run in range(repeat):
                env.invalidate_all()
                with dunning_bench.Timer(cr) as timer:
                    result = Customer.web_search_read(domain, LIST_SPEC, limit=80)
                cr.execute("SELECT count(*) FROM billing_dunning_followup")
                followups = cr.fetchone()[0]
                actions = {row["next_action"] for row in result["records"]}
                say(
                    f"Payment Follow-up list ({policy}), {label} overdue: "
                    f"{len(result['records'])} rows of {result['length']} in "
                    f"{timer.seconds:.3f} s, {timer.queries} queries, {followups} follow-up "
                    f"records, next actions {sorted(actions)}"
                )
    cr.rollback()


def list_only(db, repeat):
    """``--list-only``: the follow-up list timings on a history database already built and
    installed by a previous run (the addons' code of this checkout; ``odoo -u`` first if a
    change needs the database)."""
    import odoo

    odoo.tools.config.parse_config(["--addons-path", addons_path(), "-d", db])
    registry = odoo.modules.registry.Registry.new(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cr.execute("SELECT id FROM res_company WHERE name = 'Menuiserie Historique SAS'")
        company_id = cr.fetchone()[0]
        cr.execute("SELECT id FROM res_partner WHERE name LIKE 'Client historique %' ORDER BY id")
        customer_ids = [row[0] for row in cr.fetchall()]
        env = env(context={"allowed_company_ids": [company_id]})
        followup_list(env, customer_ids, repeat)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-prefix", required=True)
    parser.add_argument("--invoices", type=int, default=20000)
    parser.add_argument("--customers", type=int, default=10000)
    parser.add_argument("--clone-from", type=int, default=500)
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--paid", type=float, default=0.6)
    parser.add_argument("--reuse-base", action="store_true", help="keep <prefix>_base if any")
    parser.add_argument("--base", help="the base database (default <prefix>_base)")
    parser.add_argument(
        "--list-only",
        action="store_true",
        help="only time the follow-up list in <prefix>_hist, built by a previous run",
    )
    parser.add_argument("--repeat", type=int, default=1, help="follow-up list reads (--list-only)")
    args = parser.parse_args()
    if args.list_only:
        list_only(f"{args.db_prefix}_hist", args.repeat)
        return
    if args.clone_from < 90:
        parser.error("--clone-from must be at least 90 (a template per day overdue)")
    base, empty, hist = (f"{args.db_prefix}_{name}" for name in ("base", "empty", "hist"))
    base = args.base or base
    logdir = os.path.join(ROOT, "var")
    os.makedirs(logdir, exist_ok=True)
    exists = psql("postgres", f"SELECT count(*) FROM pg_database WHERE datname = '{base}'")
    if not (args.reuse_base and exists == "1"):
        subprocess.run(["dropdb", "--if-exists", base], check=True)
        seconds, _mb, code = odoo_install(base, DEPENDS, os.path.join(logdir, "bench-base.log"))
        if code:
            raise SystemExit(f"installing {DEPENDS} failed (var/bench-base.log)")
        say(f"base database {base}: {DEPENDS} in {seconds:.0f} s")
    for db in (empty, hist):
        subprocess.run(["dropdb", "--if-exists", db], check=True)
        subprocess.run(["createdb", "-T", base, db], check=True)
    company_id, customer_ids = build_history(
        hist, args.invoices, args.customers, args.clone_from, args.orders, args.paid
    )
    # what autovacuum does to a live database: the SQL copies leave no statistics
    psql(hist, "VACUUM ANALYZE")
    results = {}
    for label, db in (("empty database", empty), ("with history", hist)):
        before = snapshot(db)
        seconds, mb, code = odoo_install(db, OURS, os.path.join(logdir, f"bench-{db}.log"))
        if code:
            raise SystemExit(f"install into {db} failed (var/bench-{db}.log)")
        results[label] = (seconds, mb, rewritten(db, before))
    say("")
    say(f"install of {OURS}")
    for label, (seconds, mb, rows) in results.items():
        say(f"  {label:15} {seconds:7.1f} s  peak {mb:6.0f} MB  rows rewritten {rows}")
    (t0, m0, _r0), (t1, m1, _r1) = results.values()
    say(f"  ratio history/empty: time {t1 / t0:.2f}x, peak memory {m1 / m0:.2f}x")
    # the install's set-based initial values leave dead rows and no visibility map behind;
    # autovacuum (off on the bench's server) would clean them within a minute on a live one
    psql(hist, "VACUUM ANALYZE")
    after_install(hist, company_id, customer_ids)


if __name__ == "__main__":
    main()
