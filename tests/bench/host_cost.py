#!/usr/bin/env python3
"""Cost of the three addons to the Odoo that hosts them: the same work with and without them.

Two databases, opened in one process:

- ``--db-odoo``: only Odoo's modules that the addons depend on (account, account_edi_ubl_cii,
  l10n_fr_account, sale_stock, sale_project, sale_timesheet);
- ``--db-addons``: the same modules plus billing_fr_compliance, billing_dunning and
  billing_project_link.

``--create`` (re)builds both without demo data. In each database, in one transaction that is
rolled back at the end, the same French company (chart ``fr``, EUR) and the same data are
created. The addons' database gets what its posting gate and its Factur-X checks ask for
(the company's legal identity, the customer's SIREN and VAT number, a 30-day payment term):
the gate stays in its default mode ("block") and Factur-X on, so that their real cost is
measured. Then three jobs, each in chunks that alternate between the databases (the order
flips every chunk), so that a change of load on the shared machine weighs on both:

1. posting ``--invoices`` customer invoices (``action_post``, two lines each);
2. validating ``--deliveries`` deliveries of confirmed sale orders (``button_validate``; the
   customer keeps the addons' default, deliveries invoiced manually);
3. Send & Print of ``--send`` posted invoices through the wizard of the invoice's *Send &
   Print* button (``account.move.send.wizard``, e-mail and PDF): Odoo's invoice PDF with the
   Factur-X XML that ``account_edi_ubl_cii`` embeds for a French customer, against the addons'
   Factur-X (built, validated by XSD and schematrons, embedded).

It prints each job's time per database and the ratio addons / Odoo (goals: <= 1.10 for
posting and validating, <= 1.5 for Send & Print), then each job's CPU time of this process
(Python, less sensitive to the machine's load than the wall clock; PostgreSQL's work is not in
it) and its queries per record on each side. ``--jobs`` runs only some jobs (e.g.
``--jobs validate``); ``--profile DIR`` runs them under cProfile and writes one
``<job>-<side>.prof`` per job and side, timed in CPU time (slower: for
``tests/bench/profile_diff.py``, not for the ratios). wkhtmltopdf fetches the report assets over
HTTP: the script serves them on a free port, 127.0.0.1 for one database, 127.0.0.2 for the
other.

    python3 tests/bench/host_cost.py --create
    python3 tests/bench/host_cost.py --invoices 200 --deliveries 200 --send 40  # smaller
"""

import argparse
import cProfile
import os
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ODOO_MODULES = [
    "account",
    "account_edi_ubl_cii",
    "l10n_fr_account",
    "sale_stock",
    "sale_project",
    "sale_timesheet",
]
ADDONS = ["billing_fr_compliance", "billing_dunning", "billing_project_link"]
HOSTS = {"odoo": "127.0.0.1", "addons": "127.0.0.2"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def addons_path():
    import odoo

    odoo_dir = os.path.dirname(os.path.dirname(odoo.__file__))
    paths = [os.path.join(odoo_dir, "odoo", "addons"), os.path.join(odoo_dir, "addons"), ROOT]
    return ",".join(p for p in paths if os.path.isdir(p))


def create_db(db, modules):
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    cmd = [
        sys.executable,
        "-m",
        "odoo",
        "-d",
        db,
        "--addons-path",
        addons_path(),
        "-i",
        ",".join(modules),
        "--without-demo",
        "all",
        "--stop-after-init",
        "--http-port",
        str(free_port()),
        "--log-level",
        "warn",
    ]
    print("$ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


class Side:
    """One database: its cursor, environment and the records of the bench."""

    def __init__(self, name, registry):
        self.name = name
        self.cr = registry.cursor()
        import odoo

        self.env = odoo.api.Environment(self.cr, odoo.SUPERUSER_ID, {})
        self.times = {}
        self.cpu = {}
        self.queries = {}
        self.profiles = {}  # job -> cProfile.Profile, when profiling

    def setup(self, port):
        env = self.env
        env["ir.config_parameter"].set_param(
            "report.url", "http://%s:%d" % (HOSTS[self.name], port)
        )
        fr = env.ref("base.fr")
        company_vals = {
            "name": "Bench Atelier SAS",
            "country_id": fr.id,
            "currency_id": env.ref("base.EUR").id,
            "street": "12 rue de la République",
            "zip": "69002",
            "city": "Lyon",
            "email": "compta@bench.example",
            "phone": "+33 4 78 00 00 00",
        }
        if "iap_enrich_auto_done" in env["res.company"]._fields:
            company_vals["iap_enrich_auto_done"] = True  # no call to Odoo's enrichment service
        company = env["res.company"].create(company_vals)
        env.user.company_ids |= company
        env.user.company_id = company
        env = self.env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        env["account.chart.template"].try_loading("fr", company, install_demo=False)
        # the legal identity: Odoo's own fields on both sides, the addons' where they exist
        identity = {
            "vat": "FR80820419653",
            "siret": "82041965300010",
            "company_registry": "820 419 653 R.C.S. Lyon",
            "siren": "820419653",
            "fr_legal_form": "SAS",
            "fr_share_capital": 50000,
            "fr_rcs_kind": "rcs",
            "fr_rcs_city": "Lyon",
        }
        fields = env["res.company"]._fields
        company.write({key: value for key, value in identity.items() if key in fields})
        self.company = company
        if not env["stock.warehouse"].search([("company_id", "=", company.id)]):
            env["stock.warehouse"].create({"name": "Lyon", "code": "LYO", "company_id": company.id})
        self.bank = env["res.partner.bank"].create(
            {"acc_number": "FR7630006000011234567890189", "partner_id": company.partner_id.id}
        )
        customer_vals = {
            "name": "Bâtiments Martin SARL",
            "is_company": True,
            "street": "3 avenue Foch",
            "zip": "75016",
            "city": "Paris",
            "country_id": fr.id,
            "siren": "732829320",
            "siret": "73282932000074",
            "vat": "FR44732829320",
            "email": "factures@martin.example",
            "property_payment_term_id": env.ref("account.account_payment_term_30days").id,
        }
        fields = env["res.partner"]._fields
        self.customer = env["res.partner"].create(
            {key: value for key, value in customer_vals.items() if key in fields}
        )
        self.tax = env["account.chart.template"].ref("tva_normale")
        self.products = env["product.product"].create(
            [
                {
                    "name": "Chaise",
                    "type": "consu",
                    "lst_price": 80.0,
                    "invoice_policy": "delivery",
                    "taxes_id": [(6, 0, self.tax.ids)],
                },
                {
                    "name": "Pose",
                    "type": "service",
                    "lst_price": 50.0,
                    "taxes_id": [(6, 0, self.tax.ids)],
                },
            ]
        )
        env.flush_all()

    def draft_invoices(self, count):
        moves = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_date": "2026-10-01",
                    "partner_bank_id": self.bank.id,
                    "ref": "PO-%d" % index,
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": product.id,
                                "quantity": 1 + index % 5,
                                "price_unit": product.lst_price,
                                "tax_ids": [(6, 0, self.tax.ids)],
                            },
                        )
                        for product in self.products
                    ],
                }
                for index in range(count)
            ]
        )
        self.env.flush_all()
        return moves

    def deliveries(self, count):
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": self.customer.id,
                    "client_order_ref": "SO-%d" % index,
                    "order_line": [
                        (0, 0, {"product_id": self.products[0].id, "product_uom_qty": 3})
                    ],
                }
                for index in range(count)
            ]
        )
        orders.action_confirm()
        pickings = orders.picking_ids
        pickings.move_ids.write({"quantity": 3, "picked": True})
        self.env.flush_all()
        return pickings

    # the jobs, one chunk each
    def post(self, moves):
        moves.action_post()

    def validate(self, pickings):
        for picking in pickings:
            picking.button_validate()

    def send(self, moves):
        # e-mails queued, as a server does under load (no SMTP in the bench)
        wizards = self.env["account.move.send.wizard"].with_context(mail_notify_force_send=False)
        for move in moves:
            wizard = wizards.with_context(active_model="account.move", active_ids=move.ids).create(
                {}
            )
            wizard.action_send_and_print()

    def timed(self, job, records, profile=False):
        self.env.invalidate_all()
        # CPU time of this process, not the wall clock: on the shared machine the wall clock
        # charges whatever function was running when the scheduler took the CPU away
        profiler = (
            self.profiles.setdefault(job, cProfile.Profile(time.process_time)) if profile else None
        )
        queries = self.cr.sql_log_count
        cpu = time.process_time()
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        getattr(self, job)(records)
        self.env.flush_all()
        if profiler:
            profiler.disable()
        self.times[job] = self.times.get(job, 0.0) + time.perf_counter() - started
        self.cpu[job] = self.cpu.get(job, 0.0) + time.process_time() - cpu
        self.queries[job] = self.queries.get(job, 0) + self.cr.sql_log_count - queries


def alternate(sides, job, records_by_side, chunk, profile=False):
    count = len(records_by_side[sides[0].name])
    for index, start in enumerate(range(0, count, chunk)):
        order = sides if index % 2 == 0 else sides[::-1]
        for side in order:
            side.timed(job, records_by_side[side.name][start : start + chunk], profile=profile)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-odoo", default="host_cost_odoo")
    parser.add_argument("--db-addons", default="host_cost_addons")
    parser.add_argument("--create", action="store_true", help="(re)create both databases")
    parser.add_argument("--invoices", type=int, default=500)
    parser.add_argument("--deliveries", type=int, default=500)
    parser.add_argument("--send", type=int, default=100)
    parser.add_argument("--chunk", type=int, default=50, help="posting and validating chunks")
    parser.add_argument("--send-chunk", type=int, default=10)
    parser.add_argument(
        "--jobs", default="post,validate,send", help="jobs to run, among post,validate,send"
    )
    parser.add_argument("--profile", metavar="DIR", help="run the jobs under cProfile")
    args = parser.parse_args()
    jobs = set(args.jobs.split(","))
    profile = bool(args.profile)

    import odoo
    from odoo import http
    from odoo.service.server import ThreadedServer

    if args.create:
        create_db(args.db_odoo, ODOO_MODULES)
        create_db(args.db_addons, ODOO_MODULES + ADDONS)
    port = free_port()
    odoo.tools.config.parse_config(
        [
            "--addons-path",
            addons_path(),
            "--http-port",
            str(port),
            "--log-level",
            "warn",
            "--log-handler",
            "factur-x:WARNING",
        ]
    )
    # wkhtmltopdf asks the server for the report assets: one loopback address per database
    by_host = {HOSTS["odoo"]: args.db_odoo, HOSTS["addons"]: args.db_addons}

    def db_filter(dbs, host=None):
        if host is None:
            host = http.request.httprequest.environ.get("HTTP_HOST", "")
        wanted = by_host.get(host.partition(":")[0])
        return [db for db in dbs if db == wanted]

    http.db_filter = db_filter
    ThreadedServer(http.root).http_spawn()

    sides = [
        Side("odoo", odoo.modules.registry.Registry(args.db_odoo)),
        Side("addons", odoo.modules.registry.Registry(args.db_addons)),
    ]
    installed = {}
    for side in sides:
        side.env.cr.execute("SELECT name FROM ir_module_module WHERE state = 'installed'")
        installed[side.name] = {name for (name,) in side.env.cr.fetchall()}
    extra = installed["addons"] - installed["odoo"]
    if extra != set(ADDONS):
        print("warning: the addons' database differs by more than the addons: %s" % sorted(extra))
    if not set(ADDONS) <= installed["addons"] or set(ADDONS) & installed["odoo"]:
        print("The databases do not have the expected modules: run with --create.")
        return 2
    try:
        for side in sides:
            side.setup(port)
        # warm-up on each side, not counted: sequences, caches, wkhtmltopdf, schematrons
        for side in sides:
            if jobs & {"post", "send"}:
                moves = side.draft_invoices(2)
                side.post(moves)
            if "validate" in jobs:
                side.validate(side.deliveries(1))
            if "send" in jobs:
                side.send(moves[:1])

        invoices = args.invoices if jobs & {"post", "send"} else 0
        drafts = {side.name: side.draft_invoices(invoices) for side in sides}
        if "post" in jobs:
            alternate(sides, "post", drafts, args.chunk, profile)
        elif "send" in jobs:
            for side in sides:  # posted, not timed: only what is sent matters
                side.post(drafts[side.name])
        deliveries = args.deliveries if "validate" in jobs else 0
        pickings = {side.name: side.deliveries(deliveries) for side in sides}
        if "validate" in jobs:
            alternate(sides, "validate", pickings, args.chunk, profile)
        to_send = {side.name: drafts[side.name][: args.send] for side in sides}
        if "send" in jobs:
            alternate(sides, "send", to_send, args.send_chunk, profile)

        odoo_side, addons_side = sides
        posted = {s.name: sum(m.state == "posted" for m in drafts[s.name]) for s in sides}
        done = {s.name: sum(p.state == "done" for p in pickings[s.name]) for s in sides}
        sent = {s.name: sum(bool(m.is_move_sent) for m in to_send[s.name]) for s in sides}
        print("posted %s, deliveries done %s, sent %s" % (posted, done, sent))
        if "delivery_invoice_status" in addons_side.env["stock.picking"]._fields:
            statuses = pickings["addons"].mapped("delivery_invoice_status")
            print(
                "addons: deliveries To Invoice %d of %d, invoices made from them %d"
                % (
                    statuses.count("to_invoice"),
                    len(statuses),
                    len(pickings["addons"].delivery_invoice_id),
                )
            )
        if "send" in jobs and "fr_facturx_state" in addons_side.env["account.move"]._fields:
            valid = sum(m.fr_facturx_state == "valid" for m in to_send["addons"])
            print(
                "addons: Factur-X valid on %d of %d sent invoices" % (valid, len(to_send["addons"]))
            )
        print("%-28s %10s %10s %8s %s" % ("job", "Odoo", "+ addons", "ratio", "goal"))
        rows = [
            (job, label, count, goal)
            for job, label, count, goal in (
                ("post", "post %d invoices" % args.invoices, args.invoices, 1.10),
                ("validate", "validate %d deliveries" % args.deliveries, args.deliveries, 1.10),
                ("send", "Send & Print %d invoices" % args.send, args.send, 1.5),
            )
            if job in jobs
        ]
        for job, label, count, goal in rows:
            base, ours = odoo_side.times[job], addons_side.times[job]
            ratio = ours / base
            print(
                "%-28s %9.2fs %9.2fs %8.3f <= %.2f %s (%.1f vs %.1f ms each)"
                % (
                    label,
                    base,
                    ours,
                    ratio,
                    goal,
                    "ok" if ratio <= goal else "OVER",
                    1000 * base / count,
                    1000 * ours / count,
                )
            )
        print("%-28s %10s %10s %8s %s" % ("CPU (this process)", "Odoo", "+ addons", "ratio", ""))
        for job, label, count, __ in rows:
            base, ours = odoo_side.cpu[job], addons_side.cpu[job]
            print(
                "%-28s %9.2fs %9.2fs %8.3f (%.1f vs %.1f ms each; queries each %.1f vs %.1f)"
                % (
                    label,
                    base,
                    ours,
                    ours / base,
                    1000 * base / count,
                    1000 * ours / count,
                    odoo_side.queries[job] / count,
                    addons_side.queries[job] / count,
                )
            )
        if profile:
            os.makedirs(args.profile, exist_ok=True)
            for side in sides:
                for job, profiler in side.profiles.items():
                    path = os.path.join(args.profile, "%s-%s.prof" % (job, side.name))
                    profiler.dump_stats(path)
                    print("profile written: %s" % path)
    finally:
        for side in sides:
            side.cr.rollback()
            side.cr.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
