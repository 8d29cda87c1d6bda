#!/usr/bin/env python3
"""Speed of the billing_dunning run on N overdue invoices over M customers.

Usage (a database with l10n_fr_account and billing_dunning installed, e.g.
``python3 -m odoo -d hd_bench --addons-path <odoo addons>,$PWD -i l10n_fr_account,billing_dunning
--without-demo all --stop-after-init``):

    python3 tests/bench/billing_dunning_run.py --db hd_bench
    python3 tests/bench/billing_dunning_run.py --db hd_bench --invoices 20000 --customers 2000
    python3 tests/bench/billing_dunning_run.py --db hd_bench --oca \\
        --extra-addons-path /tmp/oca/odoo/addons   # account_credit_control too

It creates a French company, a default policy with three levels (5, 20 and 40 days, the last
with interest and indemnity), M customers and N posted invoices due 1 to 90 days ago, then
times, on the same data in the same transaction:

- Odoo's own flow as the reference: posting the N invoices (``account.move.action_post``);
- our dry run (preview) and our run (claim, reminders, queued e-mails, activities);
- with ``--oca`` and the addon ``account_credit_control`` installed in the database
  (``pip install --no-deps --target /tmp/oca
  odoo-addon-account-credit-control==18.0.2.0.2.6``, then ``-i account_credit_control`` with
  ``/tmp/oca/odoo/addons`` on the addons path): its policy and run on the same invoices.

It prints the times, the ratios and our queries per reminder. OCA's sending renders a PDF
per communication (wkhtmltopdf), ours queues the e-mail and leaves letters to the print queue,
so the line-selection times are printed apart too. Everything is rolled back at
the end: the database is left as it was.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def say(msg):
    sys.stdout.write(msg + "\n")
    sys.stdout.flush()


def setup_odoo(db, extra=""):
    import odoo

    root = os.path.dirname(os.path.dirname(odoo.__file__))
    paths = [os.path.join(root, "odoo", "addons")]
    if os.path.isdir(os.path.join(root, "addons")):
        paths.append(os.path.join(root, "addons"))
    paths.append(ROOT)
    paths.extend(p for p in extra.split(",") if p)
    odoo.tools.config.parse_config(
        ["--addons-path", ",".join(paths), "-d", db, "--log-level", "error"]
    )
    return odoo


class Timer:
    def __init__(self, cr):
        self.cr = cr

    def __enter__(self):
        self.start = time.perf_counter()
        self.queries = self.cr.sql_log_count
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        self.queries = self.cr.sql_log_count - self.queries


def build(env, n_invoices, n_customers, seed=42):
    from odoo import Command

    rng = random.Random(seed)
    company = env["res.company"].create(
        {
            "name": "Dunning bench",
            "country_id": env.ref("base.fr").id,
            "currency_id": env.ref("base.EUR").id,
        }
    )
    env.user.company_ids |= company
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    env["account.chart.template"].try_loading("fr", company, install_demo=False)
    env["billing.dunning.policy"].create(
        {
            "name": "Bench",
            "company_id": company.id,
            "is_default": True,
            "level_ids": [
                Command.create({"name": "L1", "sequence": 1, "delay_days": 5}),
                Command.create(
                    {"name": "L2", "sequence": 2, "delay_days": 20, "channel_phone": True}
                ),
                Command.create(
                    {
                        "name": "L3",
                        "sequence": 3,
                        "delay_days": 40,
                        "channel_letter": True,
                        "add_penalties": True,
                        "formal_notice": True,
                    }
                ),
            ],
        }
    )
    customers = env["res.partner"].create(
        [
            {
                "name": f"Bench customer {i}",
                "is_company": True,
                "email": f"bench{i}@example.com",
            }
            for i in range(n_customers)
        ]
    )
    today = (
        env["billing.dunning.reminder"]
        ._fields["date"]
        .context_today(env["billing.dunning.reminder"])
    )
    moves = env["account.move"]
    for start in range(0, n_invoices, 1000):
        vals = []
        for i in range(start, min(start + 1000, n_invoices)):
            due = today - timedelta(days=rng.randint(1, 90))
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
                                "name": "Bench",
                                "quantity": 1,
                                "price_unit": rng.randint(50, 5000),
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        moves |= env["account.move"].create(vals)
    return env, company, moves, today


def run_oca(env, company, moves, today, send=True):
    """account_credit_control on the same invoices: a policy with the same levels (e-mail),
    then its run as a user does it: generate the credit lines, mark them ready, send (one
    communication per customer and level, its e-mail queued)."""
    from odoo import Command

    if "credit.control.policy" not in env:
        say("OCA account_credit_control is not installed in this database: skipped.")
        return None
    template = env.ref("account_credit_control.email_template_credit_control_base")
    receivable = moves.line_ids.filtered(
        lambda line: line.account_id.account_type == "asset_receivable"
    ).account_id
    policy = env["credit.control.policy"].create(
        {
            "name": "Bench OCA",
            "company_id": company.id,
            "account_ids": [Command.set(receivable.ids)],
            "level_ids": [
                Command.create(
                    {
                        "name": name,
                        "level": level,
                        "delay_days": delay,
                        "computation_mode": "net_days",
                        "channel": "email",
                        "email_template_id": template.id,
                        "custom_text": name,
                        "custom_mail_text": name,
                    }
                )
                for name, level, delay in (("L1", 1, 5), ("L2", 2, 20), ("L3", 3, 40))
            ],
        }
    )
    company.credit_policy_id = policy
    with Timer(env.cr) as timer:
        with Timer(env.cr) as selection:
            run = env["credit.control.run"].create(
                {"date": today, "policy_ids": [Command.set(policy.ids)]}
            )
            run.generate_credit_lines()
            env.flush_all()
        if send:
            run.set_to_ready_lines()
            run.run_channel_action()
            env.flush_all()
    communications = run.line_ids.communication_id
    return timer, selection, len(run.line_ids), len(communications)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--invoices", type=int, default=400)
    parser.add_argument("--customers", type=int, default=40)
    parser.add_argument("--oca", action="store_true")
    parser.add_argument(
        "--oca-lines-only",
        action="store_true",
        help="OCA: generate the credit lines but do not send (its PDF per communication "
        "takes about a second each)",
    )
    parser.add_argument(
        "--extra-addons-path",
        default="",
        help="where account_credit_control is, if not on Odoo's path "
        "(e.g. pip install --target DIR, then DIR/odoo/addons)",
    )
    args = parser.parse_args()
    odoo = setup_odoo(args.db, args.extra_addons_path)
    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        say(f"Creating {args.invoices} invoices over {args.customers} customers...")
        env, company, moves, today = build(env, args.invoices, args.customers)
        with Timer(cr) as post:
            moves.action_post()
            env.flush_all()
        say(f"Odoo: posting the invoices      {post.seconds:8.2f} s  {post.queries} queries")
        Reminder = env["billing.dunning.reminder"].with_company(company)
        with Timer(cr) as preview:
            plan = Reminder._dunning_plan(company, today)
        say(
            f"ours: dry run (preview)         {preview.seconds:8.2f} s  {preview.queries} queries"
            f"  ({len(plan)} reminders planned)"
        )
        with Timer(cr) as ours:
            reminders = Reminder._dunning_run_company(company, today=today)
            env.flush_all()
        count = len(reminders) or 1
        say(
            f"ours: run                       {ours.seconds:8.2f} s  {ours.queries} queries"
            f"  ({len(reminders)} reminders, {len(reminders.line_ids)} lines)"
        )
        say(f"ours: queries per reminder      {ours.queries / count:8.1f}")
        say(f"ours: ms per reminder           {1000 * ours.seconds / count:8.1f}")
        say(f"ratio run / Odoo posting        {ours.seconds / post.seconds:8.2f}")
        with Timer(cr) as rerun:
            again = Reminder._dunning_run_company(company, today=today)
        say(
            f"ours: rerun same day            {rerun.seconds:8.2f} s  {rerun.queries} queries"
            f"  ({len(again)} reminders)"
        )
        if args.oca:
            result = run_oca(env, company, moves, today, send=not args.oca_lines_only)
            if result:
                timer, selection, lines, comms = result
                say(
                    f"OCA: credit lines only          {selection.seconds:8.2f} s  "
                    f"{selection.queries} queries"
                )
                say(
                    f"OCA: credit control run         {timer.seconds:8.2f} s  "
                    f"{timer.queries} queries  ({lines} credit lines, {comms} communications)"
                )
                say(f"OCA: queries per communication  {timer.queries / (comms or 1):8.1f}")
                if not args.oca_lines_only:
                    say(f"ratio OCA / ours (full run)     {timer.seconds / ours.seconds:8.2f}")
                say(f"ratio OCA lines / our dry run   {selection.seconds / preview.seconds:8.2f}")
        cr.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main())
