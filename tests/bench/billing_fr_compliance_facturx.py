#!/usr/bin/env python3
"""Factur-X cost: posting and Send & Print of French invoices, with and without Factur-X,
in the same run.

    tests/bench/billing_fr_compliance_facturx.py --db hf_bench [--count 200]

The database must have l10n_fr_account and billing_fr_compliance installed, e.g.
``python3 -m odoo -d hf_bench -i l10n_fr_account,billing_fr_compliance --stop-after-init
--without-demo all --addons-path <odoo>/odoo/addons,<odoo>/addons,$PWD``.

Inside one transaction that is rolled back at the end: a French company (chart ``fr``), two
identical customers, one whose eInvoice format is none (plain PDF) and one Factur-X; then

1. posting: ``--count`` invoices of each customer, in alternate chunks of 20 (``--chunk``);
   the Factur-X ones are built and checked (XSD + Factur-X EN16931 + BR-FR schematrons) as
   they are posted when a chunk has at most 10 documents, else marked "To Check" for the
   scheduled action, which the script then runs and times;
2. Send & Print (``account.move.send._generate_and_send_invoices``, download only) of the
   Factur-X invoices, one at a time, against Odoo's plain invoice PDF of the same invoice
   (``ir.actions.report._render_qweb_pdf``, what Send & Print renders), alternating. Send &
   Print builds our XML (its check is reused from posting: the same XML is not checked
   twice), Odoo embeds it and makes the PDF/A-3.

It prints the times and the ratios (goal for Send & Print: at most 1.5). wkhtmltopdf fetches
the report assets over HTTP, so the script serves them on a free port while it runs.
"""

import argparse
import os
import socket
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def setup_company(env):
    vals = {
        "name": "Bench Atelier SAS",
        "country_id": env.ref("base.fr").id,
        "currency_id": env.ref("base.EUR").id,
        "street": "12 rue de la République",
        "zip": "69002",
        "city": "Lyon",
        "email": "compta@bench.example",
    }
    if "iap_enrich_auto_done" in env["res.company"]._fields:
        vals["iap_enrich_auto_done"] = True  # no call to Odoo's partner autocompletion service
    company = env["res.company"].create(vals)
    env.user.company_ids |= company
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    env["account.chart.template"].try_loading("fr", company, install_demo=False)
    company.write(
        {
            "siren": "820419653",
            "siret": "82041965300010",
            "vat": "FR80820419653",
            "fr_legal_form": "SAS",
            "fr_share_capital": 50000,
            "fr_rcs_city": "Lyon",
            "fr_gate_mode": "off",
        }
    )
    bank = env["res.partner.bank"].create(
        {"acc_number": "FR7630006000011234567890189", "partner_id": company.partner_id.id}
    )
    return env, company, bank


def make_customers(env):
    vals = {
        "name": "Bâtiments Martin SARL",
        "is_company": True,
        "street": "3 avenue Foch",
        "zip": "75016",
        "city": "Paris",
        "country_id": env.ref("base.fr").id,
        "siret": "73282932000074",
        "vat": "FR44732829320",
        "email": "factures@martin.example",
    }
    plain, facturx = env["res.partner"].create([vals, vals])
    plain.invoice_edi_format = False
    facturx.invoice_edi_format = "facturx"
    return plain, facturx


def make_invoices(env, company, bank, customer, count):
    tax = env["account.tax"].search(
        [
            ("company_id", "=", company.id),
            ("type_tax_use", "=", "sale"),
            ("amount", "=", 20.0),
            ("price_include", "=", False),
        ],
        limit=1,
    )
    products = env["product.product"].create(
        [
            {"name": "Chaise", "type": "consu", "lst_price": 80.0},
            {"name": "Pose", "type": "service", "lst_price": 50.0},
        ]
    )
    return env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": "2026-10-01",
                "partner_bank_id": bank.id,
                "ref": "PO-%d" % index,
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "quantity": 1 + index % 5,
                            "price_unit": product.lst_price,
                            "discount": 5.0 if index % 3 == 0 else 0.0,
                            "tax_ids": [(6, 0, tax.ids)],
                        },
                    )
                    for product in products
                ],
            }
            for index in range(count)
        ]
    )


def measure_posting(plain_moves, facturx_moves, chunk=20):
    plain = facturx_time = 0.0
    for start in range(0, len(plain_moves), chunk):
        started = time.perf_counter()
        plain_moves[start : start + chunk].action_post()
        plain += time.perf_counter() - started
        started = time.perf_counter()
        facturx_moves[start : start + chunk].action_post()
        facturx_time += time.perf_counter() - started
    return plain, facturx_time


def measure_sending(env, moves):
    """Odoo's plain invoice PDF and Send & Print with Factur-X alternate invoice by invoice, so
    that a change of load on the machine weighs on both."""
    plain = facturx_time = 0.0
    report = env["ir.actions.report"]
    send = env["account.move.send"]
    for move in moves:
        started = time.perf_counter()
        report._render_qweb_pdf("account.account_invoices", res_ids=move.ids)
        plain += time.perf_counter() - started
        started = time.perf_counter()
        send._generate_and_send_invoices(move, sending_methods=["manual"])
        facturx_time += time.perf_counter() - started
    return plain, facturx_time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--chunk", type=int, default=20, help="invoices posted at once")
    parser.add_argument(
        "--no-assets",
        action="store_true",
        help="do not serve the report assets (wkhtmltopdf renders unstyled PDFs, faster: the "
        "ratio is then a pessimistic bound)",
    )
    args = parser.parse_args()

    import odoo
    from odoo.service.server import ThreadedServer

    odoo_dir = os.path.dirname(os.path.dirname(odoo.__file__))
    addons_path = [os.path.join(odoo_dir, "odoo", "addons"), os.path.join(odoo_dir, "addons"), ROOT]
    port = free_port()
    odoo.tools.config.parse_config(
        [
            "--addons-path",
            ",".join(p for p in addons_path if os.path.isdir(p)),
            "--http-port",
            str(port),
            "--log-level",
            "warn",
        ]
    )
    odoo.tools.config["db_name"] = args.db
    if not args.no_assets:
        ThreadedServer(odoo.http.root).http_spawn()
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        report_url = "http://127.0.0.1:%d" % (9 if args.no_assets else port)
        env["ir.config_parameter"].set_param("report.url", report_url)
        env, company, bank = setup_company(env)
        plain_customer, facturx_customer = make_customers(env)
        plain_moves = make_invoices(env, company, bank, plain_customer, args.count)
        facturx_moves = make_invoices(env, company, bank, facturx_customer, args.count)
        # warm up: wkhtmltopdf, assets, schematron compilation
        warm = make_invoices(env, company, bank, facturx_customer, 1)
        warm.action_post()
        measure_sending(env, warm)
        post_plain, post_facturx = measure_posting(plain_moves, facturx_moves, args.chunk)
        pending = sum(1 for move in facturx_moves if move.fr_facturx_state == "pending")
        started = time.perf_counter()
        env["account.move"]._cron_fr_facturx_check(batch=len(facturx_moves))
        deferred = time.perf_counter() - started
        send_plain, send_facturx = measure_sending(env, facturx_moves)
        valid = sum(1 for move in facturx_moves if move.fr_facturx_state == "valid")
        embedded = sum(1 for move in facturx_moves if move.ubl_cii_xml_id)
        cr.rollback()
    count = args.count
    print("invoices: %d per arm (Factur-X valid: %d, sent with XML: %d)" % (count, valid, embedded))
    print(
        "posting, plain PDF customer: %.2f s (%.1f ms / invoice)"
        % (post_plain, 1000 * post_plain / count)
    )
    print(
        "posting, Factur-X customer (checked at posting): %.2f s (%.1f ms / invoice)"
        % (post_facturx, 1000 * post_facturx / count)
    )
    print("ratio posting Factur-X / plain: %.2f" % (post_facturx / post_plain))
    print(
        "checks left to the scheduled action: %d, which took %.2f s (%.1f ms / invoice)"
        % (pending, deferred, 1000 * deferred / max(pending, 1))
    )
    print(
        "Odoo plain invoice PDF: %.2f s (%.1f ms / invoice)"
        % (send_plain, 1000 * send_plain / count)
    )
    print(
        "Send & Print with Factur-X: %.2f s (%.1f ms / invoice)"
        % (send_facturx, 1000 * send_facturx / count)
    )
    print(
        "ratio Send & Print Factur-X / plain PDF: %.2f (goal <= 1.5)" % (send_facturx / send_plain)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
