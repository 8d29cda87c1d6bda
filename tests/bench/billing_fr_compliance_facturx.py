#!/usr/bin/env python3
"""Factur-X cost: 200 invoice PDFs rendered by Odoo, plain vs Factur-X, in the same run.

    tests/bench/billing_fr_compliance_facturx.py --db hf_bench [--count 200]

The database must have l10n_fr_account and billing_fr_compliance installed, e.g.
``python3 -m odoo -d hf_bench -i l10n_fr_account,billing_fr_compliance --stop-after-init
--without-demo all --addons-path <odoo>/odoo/addons,<odoo>/addons,$PWD``.

Inside one transaction that is rolled back at the end: a French company (chart ``fr``), its
customers and ``--count`` posted invoices; then

1. Odoo's plain invoice PDF: ``ir.actions.report._render_qweb_pdf('account.account_invoices')``
   with the Factur-X embedding switched off;
2. the same rendering with Factur-X on: for each invoice the XML is built from the posted
   move, checked (XSD + Factur-X EN16931 + BR-FR schematrons) and embedded with
   ``facturx.generate_from_binary``.

Both are timed over the same invoices, alternating, one PDF per invoice (the unpatched-qt
wkhtmltopdf of Debian cannot render several invoices in one call; ``--batch`` changes it);
the script
prints both times and the ratio Factur-X / plain (goal: at most 1.5). wkhtmltopdf fetches the
report assets over HTTP, so the script serves them on a free port while it runs.
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


def make_invoices(env, company, bank, count):
    customer = env["res.partner"].create(
        {
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
    )
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
    moves = env["account.move"].create(
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
    moves.action_post()
    return moves


def render(env, moves, facturx_on):
    report = env["ir.actions.report"].with_context(fr_facturx_no_embed=not facturx_on)
    return report._render_qweb_pdf("account.account_invoices", res_ids=moves.ids)[0]


def measure(env, moves, batch):
    """Plain and Factur-X renderings alternate batch by batch, so that a change of load on
    the machine weighs on both; the Factur-X step alone (build + validate + embed on the plain
    PDF) is timed too."""
    plain = facturx_on = step = 0.0
    embed = env["ir.actions.report"]._fr_facturx_embed
    for start in range(0, len(moves), batch):
        chunk = moves[start : start + batch]
        started = time.perf_counter()
        pdf = render(env, chunk, False)
        plain += time.perf_counter() - started
        started = time.perf_counter()
        render(env, chunk, True)
        facturx_on += time.perf_counter() - started
        if batch == 1:
            started = time.perf_counter()
            xml, __ = chunk._fr_facturx_build()
            embed(pdf, xml)
            step += time.perf_counter() - started
    return plain, facturx_on, step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--batch", type=int, default=1, help="invoices per wkhtmltopdf call")
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
        moves = make_invoices(env, company, bank, args.count)
        render(env, moves[:1], True)  # warm up: wkhtmltopdf, assets, schematron compilation
        plain, facturx_time, step = measure(env, moves, args.batch)
        valid = sum(1 for move in moves if move.fr_facturx_state == "valid")
        cr.rollback()
    print("invoices: %d (Factur-X valid: %d)" % (len(moves), valid))
    print("Odoo plain invoice PDF: %.2f s (%.1f ms / invoice)" % (plain, 1000 * plain / len(moves)))
    print(
        "Factur-X build + validate + embed: %.2f s (%.1f ms / invoice)"
        % (facturx_time, 1000 * facturx_time / len(moves))
    )
    if step:
        print(
            "of which Factur-X alone (build + validate + embed): %.1f ms / invoice"
            % (1000 * step / len(moves))
        )
    print("ratio Factur-X / plain: %.2f (goal <= 1.5)" % (facturx_time / plain))
    return 0


if __name__ == "__main__":
    sys.exit(main())
