#!/usr/bin/env python3
"""Speed of the unbilled backlog (billing.backlog.report) at scale, against Odoo's own lists.

Builds, in one transaction rolled back at the end, ``--orders`` confirmed and delivered sale
orders through the ORM (one delivery each, "To Invoice"), then copies their delivery notes and
moves in SQL until ``--deliveries`` deliveries are To Invoice, done over the past year (the
report reads the tables, so copies weigh as much as real deliveries). Then it times, cold
cache, as the web client asks them:

1. the backlog's first page (``web_search_read``, 80 rows, the list view's fields, sorted by
   age), its pivot (per customer and age, ``read_group``) and its graph (per salesperson);
2. Odoo's own lists on the same data: the deliveries' first page (stock.picking, done customer
   deliveries) and the sales orders "To Invoice" (sale.order, invoice_status).

It prints the time and query count of each, with the machine's load. Needs a database where
billing_project_link is installed, e.g.:

    tests/run --addons billing_project_link --db hl_bench --keep-db --skip-lint --skip-pytest
    nice -n -5 python3 tests/bench/billing_project_link_backlog.py --db hl_bench
"""

import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def build(env, customers, salespeople, count):
    product = env["product.product"].create(
        {
            "name": "Bench backlog good",
            "default_code": "BENCH-BACKLOG",
            "type": "consu",
            "invoice_policy": "delivery",
            "list_price": 12.5,
        }
    )
    orders = env["sale.order"].create(
        [
            {
                "partner_id": customers[i % len(customers)].id,
                "user_id": salespeople[i % len(salespeople)].id,
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 3})],
            }
            for i in range(count)
        ]
    )
    orders.action_confirm()
    orders.picking_ids.move_ids.write({"quantity": 3, "picked": True})
    orders.picking_ids.with_context(skip_backorder=True).button_validate()
    env.flush_all()
    return orders


def copy_deliveries(env, pickings, total):
    """Copy ``pickings`` (and their moves) in SQL until ``total`` deliveries exist."""
    cr = env.cr
    pickings.mapped("delivery_invoice_status")  # computed and written before the copies
    env.flush_all()
    copies = max(0, total - len(pickings))
    if not copies:
        return

    def columns(table, skip):
        cr.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = %s AND NOT (column_name = ANY(%s))",
            [table, skip],
        )
        return [row[0] for row in cr.fetchall()]

    picking_cols = columns("stock_picking", ["id", "name", "date_done"])
    move_cols = columns("stock_move", ["id", "picking_id"])
    cr.execute(
        """
        CREATE TEMP TABLE bench_copy ON COMMIT DROP AS
        SELECT nextval('stock_picking_id_seq') AS id, g,
               (%s::int[])[1 + g %% %s] AS template
          FROM generate_series(1, %s) g
        """,
        [list(pickings.ids), len(pickings), copies],
    )
    cols = ", ".join('"%s"' % c for c in picking_cols)
    tcols = ", ".join('t."%s"' % c for c in picking_cols)
    cr.execute(
        f"""
        INSERT INTO stock_picking (id, name, date_done, {cols})
        SELECT c.id, t.name || '-' || c.g, t.date_done - (c.g % 365) * INTERVAL '1 day',
               {tcols}
          FROM bench_copy c JOIN stock_picking t ON t.id = c.template
        """
    )
    mcols = ", ".join('"%s"' % c for c in move_cols)
    mtcols = ", ".join('m."%s"' % c for c in move_cols)
    cr.execute(
        f"""
        INSERT INTO stock_move (picking_id, {mcols})
        SELECT c.id, {mtcols}
          FROM bench_copy c JOIN stock_move m ON m.picking_id = c.template
        """
    )
    cr.execute("SELECT COUNT(*) FROM stock_picking WHERE delivery_invoice_status = 'to_invoice'")
    print("deliveries To Invoice after the copies: %d" % cr.fetchone()[0], flush=True)
    env.invalidate_all()


def timed(env, label, func):
    env.flush_all()
    env.invalidate_all()
    env.registry.clear_cache()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    load = os.getloadavg()
    print(
        "%-58s %7.3f s %5d queries  (load %.2f %.2f %.2f)"
        % (label, elapsed, env.cr.sql_log_count - queries, *load),
        flush=True,
    )
    return result


def first_page(env, model, domain, order, view="list"):
    """What the web client asks for a list's first page: the view's fields, 80 rows."""
    Model = env[model]
    arch = Model.get_views([(False, view)])["views"][view]["arch"]
    fields = [
        name
        for name in Model._fields
        if f'name="{name}"' in arch and Model._fields[name].type not in ("one2many", "many2many")
    ]
    spec = {
        name: ({"fields": {"display_name": {}}} if Model._fields[name].type == "many2one" else {})
        for name in fields
    }
    return Model.web_search_read(domain, spec, offset=0, limit=80, order=order, count_limit=10001)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--deliveries", type=int, default=10000)
    parser.add_argument("--customers", type=int, default=100)
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("--explain", action="store_true", help="print the query plan")
    args = parser.parse_args()

    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.tools import SQL

    if args.addons_path is None:
        odoo_root = os.path.dirname(os.path.dirname(odoo.__file__))
        args.addons_path = ",".join(
            [os.path.join(odoo_root, "odoo", "addons"), os.path.join(odoo_root, "addons"), ROOT]
        )
    odoo.tools.config.parse_config(
        ["--addons-path", args.addons_path, "-d", args.db, "--log-level", "warn"]
    )
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        if "billing.backlog.report" not in env:
            sys.exit("billing_project_link (with the backlog) is not installed in %s" % args.db)
        try:
            customers = env["res.partner"].create(
                [
                    {"name": "Bench customer %d" % i, "is_company": True}
                    for i in range(args.customers)
                ]
            )
            salespeople = env["res.users"].create(
                [{"name": "Bench seller %d" % i, "login": "bench_seller_%d" % i} for i in range(5)]
            )
            print("building %d delivered orders..." % args.orders, flush=True)
            orders = build(env, customers, salespeople, args.orders)
            copy_deliveries(env, orders.picking_ids, args.deliveries)
            Report = env["billing.backlog.report"]
            count = Report.search_count([])
            print("backlog items: %d (deliveries To Invoice)" % count, flush=True)
            cr.execute("ANALYZE stock_picking; ANALYZE stock_move")
            if args.explain:
                env.flush_all()
                cr.execute(
                    SQL(
                        "EXPLAIN ANALYZE SELECT * FROM (%s) r ORDER BY age_days DESC, id LIMIT 80",
                        Report._table_query,
                    )
                )
                print("\n".join(row[0] for row in cr.fetchall()))
            timed(
                env,
                "backlog first page (80 of %d, by age)" % count,
                lambda: first_page(env, "billing.backlog.report", [], "age_days desc, id"),
            )
            timed(
                env,
                "backlog pivot (customer x age)",
                lambda: Report.read_group(
                    [], ["amount:sum"], ["partner_id", "age_bucket"], lazy=False
                ),
            )
            timed(
                env,
                "backlog graph (salesperson x age)",
                lambda: Report.read_group(
                    [], ["amount:sum"], ["user_id", "age_bucket"], lazy=False
                ),
            )
            timed(
                env,
                "Odoo: deliveries first page (done, to customers)",
                lambda: first_page(
                    env,
                    "stock.picking",
                    [("picking_type_code", "=", "outgoing"), ("state", "=", "done")],
                    "date_done desc, id",
                ),
            )
            timed(
                env,
                "Odoo: sales orders To Invoice first page",
                lambda: first_page(
                    env, "sale.order", [("invoice_status", "=", "to invoice")], "id desc"
                ),
            )
        finally:
            cr.rollback()


if __name__ == "__main__":
    main()
