#!/usr/bin/env python3
"""Posting customer invoices with the French compliance gate on vs off, in one run.

Creates a French company (French chart of accounts), a complete customer and 2 x N draft
invoices, then posts them in chunks of 50, alternating a chunk with the gate off (Odoo's own
posting plus the legal-data freeze) and a chunk with the gate on (mode "block"), and prints
the time ratio (goal <= 1.10) and the extra SQL queries per invoice (goal <= 3). Everything is
rolled back at the end.

Usage (a database where billing_fr_compliance is installed, e.g. kept by tests/run --keep-db):
    tests/bench/billing_fr_compliance_gate.py --db hg_dev [--count 500]
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import french_company, start_odoo

CHUNK = 50


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--count", type=int, default=500, help="invoices per mode")
    args = parser.parse_args()

    import odoo
    from odoo import Command, api

    registry = start_odoo(args.db)
    with registry.cursor() as cr:
        env, company = french_company(api.Environment(cr, odoo.SUPERUSER_ID, {}))
        customer = env["res.partner"].create(
            {
                "name": "Bâtiments Martin SARL",
                "is_company": True,
                "street": "4 avenue Jean Jaurès",
                "zip": "75019",
                "city": "Paris",
                "country_id": env.ref("base.fr").id,
                "siren": "552081317",
                "vat": "FR03552081317",
                "property_payment_term_id": env.ref("account.account_payment_term_30days").id,
            }
        )
        tax = env["account.chart.template"].ref("tva_normale")
        product = env["product.product"].create(
            {"name": "Chaise", "type": "consu", "taxes_id": [Command.set(tax.ids)]}
        )
        moves = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": "2026-03-10",
                    "invoice_line_ids": [
                        Command.create({"product_id": product.id, "quantity": 2, "price_unit": 80}),
                        Command.create(
                            {
                                "name": "Pose",
                                "quantity": 1,
                                "price_unit": 120,
                                "tax_ids": [Command.set(tax.ids)],
                            }
                        ),
                    ],
                }
                for __ in range(2 * args.count + CHUNK)
            ]
        )
        env.flush_all()
        # warm-up chunk, not counted: first sequence numbers, caches, JIT of the ORM paths
        moves[:CHUNK]._post(soft=False)
        moves = moves[CHUNK:]
        totals = {"off": [0.0, 0], "block": [0.0, 0]}
        chunks = [moves[i : i + CHUNK] for i in range(0, len(moves), CHUNK)]
        for index, chunk in enumerate(chunks):
            mode = "off" if index % 2 == 0 else "block"
            company.fr_gate_mode = mode
            env.flush_all()
            env.invalidate_all()
            queries = cr.sql_log_count
            start = time.perf_counter()
            chunk._post(soft=False)
            env.flush_all()
            totals[mode][0] += time.perf_counter() - start
            totals[mode][1] += cr.sql_log_count - queries
        posted = moves.filtered(lambda m: m.state == "posted")
        off_time, off_queries = totals["off"]
        on_time, on_queries = totals["block"]
        count = len(moves) // 2
        print(f"invoices posted per mode: {count} (total posted {len(posted)})")
        print(f"gate off: {off_time:.2f} s, {off_queries / count:.1f} queries/invoice")
        print(f"gate on : {on_time:.2f} s, {on_queries / count:.1f} queries/invoice")
        print(f"ratio on/off: {on_time / off_time:.3f} (goal <= 1.10)")
        print(f"extra queries per invoice: {(on_queries - off_queries) / count:+.2f} (goal <= 3)")
        cr.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main())
