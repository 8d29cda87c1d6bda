#!/usr/bin/env python3
"""Sending N invoices to the local platform (PA) and polling N lifecycle statuses.

Creates a French company (French chart of accounts), a complete customer, a platform
pointing at Prism (the AFNOR XP Z12-013 OpenAPI files served on localhost, started here
when tests/run did not export its URLs) and N draft invoices, then measures in one
transaction, rolled back at the end:

1. Odoo's own flow as the reference: posting the invoices (``action_post``), which also
   queues one flow per invoice (our share is measured apart: queries of the enqueue);
2. the queue: ``billing.pa.flow._cron_billing_pa_send`` sends every flow (the EN16931 XML
   built and validated, the invoice's Factur-X PDF made by Odoo's Send & Print machinery,
   then ``POST /v1/flows``), claimed in the scheduled action's groups (10), each flow read
   again under lock before its call; the reference beside it is Odoo's own Send & Print
   of one invoice (PDF and Factur-X, nothing mailed: ``account.move.send``), timed on
   ``--print-sample`` other invoices of the same run, one at a time as a clerk does;
3. the lifecycle polling: ``POST /v1/flows/search`` pages of 100 with the cursor, until N
   flows were listed;
4. recording one CDAR 200 (Déposée) per invoice on it, as the poller does after each
   download (``account.move._billing_pa_record_cdar``: parsed, checked against the XSD and
   BR-FR-CDV, the invoice found, the status stored with its chatter note). Prism cannot serve
   a CDAR file, so the N CDARs are built beforehand with tools/cdar.py (not timed).

It prints time and SQL queries per invoice for each step and the ratio of sending to
Odoo's posting and to Odoo's Send & Print. The PDFs are real (wkhtmltopdf), rendered with
``report.url`` on a closed port, so unstyled, as in the tests: with a server answering the
assets, both sending and Send & Print take longer. HTTP goes to Prism on localhost: its
answer time is part of the figures.

Usage (a database where billing_fr_compliance is installed, e.g. kept by tests/run --keep-db):
    tests/bench/billing_pa_send.py --db paclient_bench [--count 1000]
"""

import argparse
import datetime
import importlib.util
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, french_company, start_odoo

CHUNK = 50


def load_prism():
    path = os.path.join(ROOT, "billing_fr_compliance", "tests", "afnor_prism.py")
    spec = importlib.util.spec_from_file_location("afnor_prism", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--count", type=int, default=1000, help="invoices and statuses")
    parser.add_argument(
        "--print-sample", type=int, default=50, help="invoices printed by Odoo's Send & Print"
    )
    args = parser.parse_args()

    urls = load_prism().prism_urls()
    if not urls:
        print("Prism is not installed (var/prism, see .ci/run): nothing to measure")
        return 1

    import logging

    import odoo
    from odoo import Command, api

    registry = start_odoo(args.db)
    # wkhtmltopdf without patched Qt warns at every PDF that it ignores the header switches
    logging.getLogger("odoo.addons.base.models.ir_actions_report").setLevel(logging.ERROR)
    # the queue commits between chunks; here everything stays in one transaction
    threading.current_thread().testing = True
    with registry.cursor() as cr:
        env, company = french_company(api.Environment(cr, odoo.SUPERUSER_ID, {}))
        env["ir.config_parameter"].set_param("billing_fr_compliance.pa_use_queue_job", "0")
        env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        platform = env["billing.pa.platform"].create(
            {
                "name": "Bench PA",
                "company_id": company.id,
                "flow_url": urls["flow"],
                "directory_url": urls["directory"],
                "bearer_token": "bench",
                "state": "ok",  # in service, as after its connection test
            }
        )
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
                "email": "factures@martin.example",
                "property_payment_term_id": env.ref("account.account_payment_term_30days").id,
            }
        )
        tax = env["account.chart.template"].ref("tva_normale")
        product = env["product.product"].create(
            {"name": "Rénovation", "type": "service", "taxes_id": [Command.set(tax.ids)]}
        )
        moves = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": "2026-03-10",
                    "invoice_line_ids": [
                        Command.create({"product_id": product.id, "quantity": 2, "price_unit": 80})
                    ],
                }
                for __ in range(args.count + CHUNK + args.print_sample)
            ]
        )
        env.flush_all()
        moves[:CHUNK].action_post()  # warm-up, not counted
        env["billing.pa.flow"]._cron_billing_pa_send(limit=CHUNK)
        sample = moves[CHUNK : CHUNK + args.print_sample]
        moves = moves[CHUNK + args.print_sample :]
        count = len(moves)

        def measure(step):
            env.flush_all()
            env.invalidate_all()
            queries = cr.sql_log_count
            start = time.perf_counter()
            result = step()
            env.flush_all()
            return result, time.perf_counter() - start, cr.sql_log_count - queries

        post_time = post_queries = 0.0
        for start_index in range(0, count, CHUNK):
            chunk = moves[start_index : start_index + CHUNK]
            __, seconds, queries = measure(chunk.action_post)
            post_time += seconds
            post_queries += queries
        flows = moves.billing_pa_flow_id

        # Odoo's Send & Print, invoice by invoice, on the sample (its flows stay queued)
        sample.action_post()

        def print_sample():
            for move in sample:
                env["account.move.send"]._generate_and_send_invoices(
                    move, sending_methods=[], invoice_edi_format="facturx"
                )

        __, print_time, print_queries = measure(print_sample)
        printed = sample.filtered("invoice_pdf_report_id")
        sample.billing_pa_flow_id.write({"state": "error", "error_code": "BENCH"})
        sent, send_time, send_queries = measure(
            lambda: env["billing.pa.flow"]._cron_billing_pa_send(limit=count)
        )
        states = {state: flows.filtered(lambda f, s=state: f.state == s) for state in ("sent",)}
        client = platform._billing_pa_client()

        def poll():
            listed, cursor, pages = 0, None, 0
            while listed < count and pages < count:
                results, cursor = client.search_lifecycle_flows(cursor=cursor)
                listed += len(results)
                pages += 1
            return listed, pages

        (listed, pages), poll_time, poll_queries = measure(poll)

        from odoo.addons.billing_fr_compliance.tools import cdar

        seller = {"ids": {"0002": company.siren}, "name": company.name, "role": "SE"}
        when = datetime.datetime(2026, 3, 11, 9, 0)
        cdars = [
            cdar.build(
                {
                    "document_id": f"{move.name}_200",
                    "issue_datetime": when,
                    "status_datetime": when,
                    "sender_role": "WK",
                    "issuer": {"name": "PA", "role": "WK"},
                    "recipients": [dict(seller, uri=company.siren)],
                    "invoice_number": move.name,
                    "invoice_type": "380",
                    "invoice_date": move.invoice_date,
                    "seller_siren": company.siren,
                    "code": "200",
                }
            )
            for move in moves
        ]

        def record():
            Move = env["account.move"]
            return sum(
                len(Move._billing_pa_record_cdar(xml, platform=platform, flow_id=f"lc-{index}"))
                for index, xml in enumerate(cdars)
            )

        recorded, record_time, record_queries = measure(record)

        print(f"invoices: {count}, flows queued: {len(flows)}, sent: {len(states['sent'])}")
        pdfs = flows.filtered(lambda f: (f.attachment_id.raw or b"").startswith(b"%PDF"))
        print(f"flows with a Factur-X PDF: {len(pdfs)}")
        print(
            f"Odoo posting (with the enqueue): {post_time / count * 1000:.1f} ms/invoice, "
            f"{post_queries / count:.1f} queries/invoice"
        )
        per_print = print_time / max(len(sample), 1)
        print(
            f"Odoo Send & Print, one invoice at a time ({len(printed)}/{len(sample)} PDFs): "
            f"{per_print * 1000:.1f} ms/invoice, "
            f"{print_queries / max(len(sample), 1):.1f} queries/invoice"
        )
        print(
            f"sending (XML checked, Factur-X PDF made, POST): {send_time / count * 1000:.1f} "
            f"ms/invoice, {send_queries / count:.1f} queries/invoice (ratio to posting "
            f"{send_time / post_time:.2f}, to Send & Print {send_time / count / per_print:.2f})"
        )
        print(
            f"polling: {listed} statuses listed in {pages} pages, "
            f"{poll_time / max(listed, 1) * 1000:.2f} ms/status, "
            f"{poll_queries / max(listed, 1):.2f} queries/status"
        )
        print(
            f"recording: {recorded} statuses 200 on their invoices, "
            f"{record_time / max(recorded, 1) * 1000:.1f} ms/status, "
            f"{record_queries / max(recorded, 1):.1f} queries/status"
        )
        cr.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main())
