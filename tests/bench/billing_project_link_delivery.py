#!/usr/bin/env python3
"""Speed of invoicing delivery notes in one batch against Odoo's own "Create invoices".

Builds, in one transaction that is rolled back at the end, sale orders over ``--customers``
customers, each delivered in one delivery note, then times:

1. Odoo's flow: ``sale.order._create_invoices()`` (the "Create invoices" button of the order
   list, one invoice per customer) on ``--deliveries`` orders;
2. this addon: the batch "Invoice deliveries" grouped per customer, on the deliveries of as
   many other, identical orders;
3. this addon again on twice as many deliveries, for the scaling.

It prints the times, the ratio batch / Odoo (goal <= 1.2) and the scaling 1x -> 2x
(goal <= 2.2). Needs a database where billing_project_link is installed, e.g.:

    tests/run --addons billing_project_link --db hl_bench --keep-db --skip-lint --skip-pytest
    python3 tests/bench/billing_project_link_delivery.py --db hl_bench
    python3 tests/bench/billing_project_link_delivery.py --db hl_bench \
        --deliveries 100 --customers 20
"""

import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def build(env, customers, count, tag):
    """``count`` confirmed orders over ``customers``, each fully delivered; returns them."""
    product = env["product.product"].search([("default_code", "=", "BENCH-DELIVERY")], limit=1)
    if not product:
        product = env["product.product"].create(
            {
                "name": "Bench good",
                "default_code": "BENCH-DELIVERY",
                "type": "consu",
                "invoice_policy": "delivery",
                "list_price": 12.5,
            }
        )
    orders = env["sale.order"].create(
        [
            {
                "partner_id": customers[i % len(customers)].id,
                "client_order_ref": "%s-%d" % (tag, i),
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 3})],
            }
            for i in range(count)
        ]
    )
    orders.action_confirm()
    moves = orders.picking_ids.move_ids
    moves.write({"quantity": 3, "picked": True})
    orders.picking_ids.with_context(skip_backorder=True).button_validate()
    env.flush_all()
    return orders


def timed(env, label, func):
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    result = func()
    env.flush_all()
    elapsed = time.perf_counter() - start
    print(
        "%-45s %8.2f s %7d queries %5d invoices"
        % (label, elapsed, env.cr.sql_log_count - queries, len(result)),
        flush=True,
    )
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--addons-path", default=None)
    args = parser.parse_args()

    import odoo
    from odoo import SUPERUSER_ID, api

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
        if (
            env["ir.module.module"].search_count(
                [("name", "=", "billing_project_link"), ("state", "=", "installed")]
            )
            != 1
        ):
            sys.exit("billing_project_link is not installed in %s" % args.db)
        try:
            customers = env["res.partner"].create(
                [
                    {"name": "Bench customer %d" % i, "is_company": True}
                    for i in range(args.customers)
                ]
            )
            n = args.deliveries
            print("building %d + %d + %d delivered orders..." % (n, n, 2 * n), flush=True)
            odoo_orders = build(env, customers, n, "odoo")
            ours_orders = build(env, customers, n, "ours")
            ours2_orders = build(env, customers, 2 * n, "ours2")

            t_odoo = timed(
                env, "Odoo Create invoices, %d orders" % n, lambda: odoo_orders._create_invoices()
            )
            pickings = ours_orders.picking_ids
            t_ours = timed(
                env,
                "Invoice deliveries, %d deliveries" % len(pickings),
                lambda: pickings._delivery_invoice_create(grouping="partner", skip_locked=True),
            )
            pickings2 = ours2_orders.picking_ids
            t_ours2 = timed(
                env,
                "Invoice deliveries, %d deliveries" % len(pickings2),
                lambda: pickings2._delivery_invoice_create(grouping="partner", skip_locked=True),
            )
            print("ratio batch / Odoo at %d: %.2f (goal <= 1.2)" % (n, t_ours / t_odoo))
            print("scaling %d -> %d: %.2fx (goal <= 2.2x)" % (n, 2 * n, t_ours2 / t_ours))
        finally:
            cr.rollback()


if __name__ == "__main__":
    main()
