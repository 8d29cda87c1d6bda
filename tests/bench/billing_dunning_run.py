#!/usr/bin/env python3
"""Speed of the billing_dunning run on N overdue invoices over M customers.

Usage (a database with l10n_fr_account and billing_dunning installed; account_credit_control
too for ``--oca``):

    pip install --no-deps --target /tmp/oca odoo-addon-account-credit-control==18.0.2.0.2.6
    python3 -m odoo -d hd_bench --addons-path <odoo addons>,$PWD,/tmp/oca/odoo/addons \\
        -i l10n_fr_account,billing_dunning,account_credit_control --without-demo all \\
        --stop-after-init
    python3 tests/bench/billing_dunning_run.py --db hd_bench
    python3 tests/bench/billing_dunning_run.py --db hd_bench --invoices 2000 --customers 200 \\
        --oca --extra-addons-path /tmp/oca/odoo/addons
    python3 tests/bench/billing_dunning_run.py --db hd_bench --invoices 20000 \\
        --customers 2000 --oca --oca-lines-only --extra-addons-path /tmp/oca/odoo/addons
    python3 tests/bench/billing_dunning_run.py --db hd_bench --invoices 2000 --customers 200 \\
        --clone-from 2000   # every invoice through Odoo, no cloning

It creates a French company, a default policy with three levels (5, 20 and 40 days, the last
with interest and indemnity), M customers and N posted invoices due 1 to 90 days ago (invoice
``n`` to customer ``n % M``, days overdue and amount from a fixed seed), then times, on the
same data in the same transaction:

- Odoo's own flow as the reference: posting invoices (``account.move.action_post``);
- our dry run (preview) and our run (claim, reminders, queued e-mails, activities);
- with ``--oca`` and the addon ``account_credit_control`` installed in the database: its
  policy and run on the same invoices.

Data: up to K invoices (``--clone-from K``, default 500) every invoice is created and posted
through Odoo. Beyond, that would measure Odoo rather than the dunning (over 50 minutes for
20,000 invoices on a 2-core machine), so only K invoices are created and posted through Odoo
(their posting time per invoice is the reference, extrapolated to N) and replicated by
set-based SQL (``INSERT ... SELECT`` over ``generate_series``, in chunks, in the same
transaction): every column of ``account_move`` and ``account_move_line`` (listed from
information_schema) and the taxes and tags of the lines, with the clone's customer, name and
sequence number (same prefix, numbers following the templates'), the dates of a template
overdue as long (so the prefix fits the date), unpaid and unreconciled. A check then stops the
bench unless the clones are what Odoo computes: N open overdue posted invoices, receivable
residuals equal to the invoices', balanced entries, names on their sequence without gap or
duplicate, and recomputing amounts, payment state, partner, sequence and line fields on a
sample of clones changes nothing. Not copied: the followers and chatter message that posting
adds to each invoice (read by neither run). Both modes give the same customers and days
overdue, hence the same reminders, lines and credit lines; clones reuse the templates'
amounts, so the amounts claimed differ.

It prints the times, the ratios and our queries per reminder, with the CPU time used by this
process (Odoo) and by its PostgreSQL server process during each timed part: on a machine
loaded by other work the wall time mostly measures the wait for a CPU, the CPU times much
less. ``--profile FILE`` writes a cProfile of our run (``python3 -m pstats FILE``). The chart
of accounts that account reloads for the new company in a pre-commit hook is loaded before
the timed parts; Odoo's posting is timed with its pre-commit hooks (the tracking messages it
writes at commit), our run too. OCA's sending renders a PDF
per communication (wkhtmltopdf, about a second each), ours queues the e-mail and leaves
letters to the print queue, so the line-selection times are printed apart too
(``--oca-lines-only`` skips OCA's sending). Everything is rolled back at the end: the
database is left as it was.
"""

import argparse
import cProfile
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


def backend_cpu(cr):
    """CPU seconds used so far by the PostgreSQL server process of ``cr`` (a local server
    on Linux), or None."""
    if not hasattr(cr, "_backend_pid"):
        cr.execute("SELECT pg_backend_pid()")
        cr._backend_pid = cr.fetchone()[0]
    try:
        with open(f"/proc/{cr._backend_pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Timer:
    """Wall time, queries, and the CPU time of this process and of its PostgreSQL server
    process: on a loaded machine the CPU times move much less than the wall time."""

    def __init__(self, cr):
        self.cr = cr

    def __enter__(self):
        self.db_cpu = backend_cpu(self.cr)
        self.queries = self.cr.sql_log_count
        self.cpu = time.process_time()
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        self.cpu = time.process_time() - self.cpu
        self.queries = self.cr.sql_log_count - self.queries
        end = backend_cpu(self.cr)
        self.db_cpu = None if end is None or self.db_cpu is None else end - self.db_cpu


def plan_invoices(n_invoices, seed=42):
    """Days overdue and amount of invoice ``n``, the same in both data modes: the first 90
    invoices are overdue 1 to 90 days (each once, shuffled), the others at random."""
    rng = random.Random(seed)
    days = list(range(1, 91))
    rng.shuffle(days)
    days = days[:n_invoices] + [rng.randint(1, 90) for _ in range(n_invoices - len(days))]
    amounts = [rng.randint(50, 5000) for _ in range(n_invoices)]
    return days, amounts


def build(env, n_invoices, n_customers, n_orm):
    """Company, policy, customers, and the first ``n_orm`` invoices in draft, created through
    the ORM. Invoice ``n`` goes to customer ``n % n_customers``."""
    from odoo import Command

    days, amounts = plan_invoices(n_invoices)
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
            "send_mode": "auto",
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
    for start in range(0, n_orm, 1000):
        vals = []
        for i in range(start, min(start + 1000, n_orm)):
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
                                "name": "Bench",
                                "quantity": 1,
                                "price_unit": amounts[i],
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        moves |= env["account.move"].create(vals)
    return env, company, customers, moves, today, days


CLONE_CHUNK = 5000  # invoices per INSERT ... SELECT

# stored computed fields recomputed on a sample of clones by the sanity check
MOVE_FIELDS = [
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "amount_residual",
    "amount_untaxed_signed",
    "amount_untaxed_in_currency_signed",
    "amount_tax_signed",
    "amount_total_signed",
    "amount_total_in_currency_signed",
    "amount_residual_signed",
    "payment_state",
    "commercial_partner_id",
    "partner_shipping_id",
    "invoice_partner_display_name",
    "invoice_date_due",
    "invoice_currency_rate",
    "payment_reference",
    "sequence_prefix",
    "sequence_number",
    "made_sequence_gap",
]
LINE_FIELDS = [
    "debit",
    "credit",
    "amount_residual",
    "amount_residual_currency",
    "reconciled",
    "partner_id",
    "account_id",
    "name",
    "price_subtotal",
    "price_total",
    "move_name",
    "date",
    "invoice_date",
    "parent_state",
    "journal_id",
    "company_id",
]


def table_columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = %s AND column_name != 'id'"
        " ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def partner_columns(cr, table):
    """Columns of ``table`` with a foreign key to res_partner."""
    cr.execute(
        """
        SELECT a.attname
          FROM pg_constraint c
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
         WHERE c.contype = 'f' AND c.conrelid = %s::regclass
           AND c.confrelid = 'res_partner'::regclass
        """,
        [table],
    )
    return {row[0] for row in cr.fetchall()}


def copy_select(cr, table, alias, overrides):
    """``(columns, expressions)`` to copy every column of ``table`` but id from the row
    ``alias``, with ``overrides`` ({column: SQL}) and every partner column pointing to the
    template's customer replaced by the clone's (``c.partner_id``)."""
    from odoo.tools import SQL

    columns = table_columns(cr, table)
    partners = partner_columns(cr, table)
    exprs = []
    for column in columns:
        if column in overrides:
            exprs.append(overrides[column])
        elif column in partners:
            exprs.append(
                SQL(
                    "CASE WHEN %s IN (t.partner_id, t.commercial_partner_id) "
                    "THEN c.partner_id ELSE %s END",
                    SQL.identifier(alias, column),
                    SQL.identifier(alias, column),
                )
            )
        else:
            exprs.append(SQL.identifier(alias, column))
    return SQL(", ").join(SQL.identifier(c) for c in columns), SQL(", ").join(exprs)


def clone(env, templates, customers, days, n_invoices):
    """Replicate the posted ``templates`` by set-based SQL until ``n_invoices`` exist.

    Invoice ``n`` (from ``K = len(templates)`` on) copies every column of template
    ``n % K``'s move and lines, and the taxes and tags of its lines, for customer
    ``n % M``, overdue ``days[n]`` days: its dates, journal and sequence prefix are those of
    a template overdue as long (so the prefix fits the date), its number follows the last one
    of that prefix, it is unpaid and unreconciled. Returns the clones."""
    from odoo.tools import SQL

    cr = env.cr
    env.flush_all()
    k, m = len(templates), len(customers)
    by_days = {}
    for i, move in enumerate(templates):
        by_days.setdefault(days[i], move.id)
    missing = sorted(set(days[k:]) - set(by_days))
    if missing:
        raise SystemExit(f"clone: no template is {missing} days overdue (--clone-from >= 90)")
    cr.execute(
        SQL(
            "SELECT count(*) FROM account_move_line WHERE move_id = ANY(%s)"
            " AND (reconciled OR matching_number IS NOT NULL OR full_reconcile_id IS NOT NULL)",
            templates.ids,
        )
    )
    if cr.fetchone()[0]:
        raise SystemExit("clone: the templates are (partly) reconciled")
    # one row per clone: template, date template, customer, name, sequence number
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_clone ON COMMIT DROP AS
            SELECT nextval(pg_get_serial_sequence('account_move', 'id')) AS new_id, s.*,
                   s.sequence_prefix
                   || lpad(s.seq::text, greatest(s.pad, length(s.seq::text)), '0') AS name
              FROM (
                SELECT src.*, d.sequence_prefix,
                       length(d.name) - length(d.sequence_prefix) AS pad,
                       last.number + row_number() OVER (
                           PARTITION BY d.journal_id, d.sequence_prefix ORDER BY src.n
                       ) AS seq
                  FROM (
                    SELECT n,
                           (%s::int[])[mod(n, %s) + 1] AS tmpl_id,
                           (%s::int[])[(%s::int[])[n + 1]] AS date_tmpl_id,
                           (%s::int[])[mod(n, %s) + 1] AS partner_id
                      FROM generate_series(%s, %s) AS n
                  ) src
                  JOIN account_move d ON d.id = src.date_tmpl_id
                  CROSS JOIN LATERAL (
                    SELECT max(x.sequence_number) AS number
                      FROM account_move x
                     WHERE x.journal_id = d.journal_id
                       AND x.sequence_prefix = d.sequence_prefix
                  ) last
              ) s
            """,
            templates.ids,
            k,
            [by_days.get(day, 0) for day in range(1, 91)],
            days,
            customers.ids,
            m,
            k,
            n_invoices - 1,
        )
    )
    cr.execute("CREATE INDEX ON bench_clone (n)")
    cr.execute(
        """
        SELECT count(*) FROM bench_clone c
          JOIN account_move t ON t.id = c.tmpl_id
          JOIN account_move d ON d.id = c.date_tmpl_id
         WHERE t.journal_id != d.journal_id OR t.company_id != d.company_id
        """
    )
    if cr.fetchone()[0]:
        raise SystemExit("clone: templates in different journals")
    cr.execute(
        """
        CREATE TEMP TABLE bench_clone_line ON COMMIT DROP AS
        SELECT nextval(pg_get_serial_sequence('account_move_line', 'id')) AS new_id,
               l.id AS old_id, c.n
          FROM bench_clone c
          JOIN account_move_line l ON l.move_id = c.tmpl_id
        """
    )
    cr.execute("CREATE INDEX ON bench_clone_line (n)")
    cr.execute("ANALYZE bench_clone")
    cr.execute("ANALYZE bench_clone_line")
    null = SQL("NULL")
    move_columns, move_exprs = copy_select(
        cr,
        "account_move",
        "t",
        {
            "name": SQL("c.name"),
            "sequence_prefix": SQL("c.sequence_prefix"),
            "sequence_number": SQL("c.seq"),
            "invoice_partner_display_name": SQL("p.complete_name"),
            "date": SQL("d.date"),
            "invoice_date": SQL("d.invoice_date"),
            "invoice_date_due": SQL("d.invoice_date_due"),
            "payment_reference": SQL(
                "CASE WHEN t.payment_reference = t.name THEN c.name ELSE t.payment_reference END"
            ),
            "access_token": null,
            "message_main_attachment_id": null,
            "inalterable_hash": null,
            "secure_sequence_number": null,
        },
    )
    shift = SQL("(d.invoice_date_due - t.invoice_date_due)")
    line_columns, line_exprs = copy_select(
        cr,
        "account_move_line",
        "l",
        {
            "move_id": SQL("c.new_id"),
            "move_name": SQL("c.name"),
            "name": SQL("CASE WHEN l.name = t.name THEN c.name ELSE l.name END"),
            "date": SQL("d.date"),
            "invoice_date": SQL("d.invoice_date"),
            "date_maturity": SQL("l.date_maturity + %s", shift),
            "discount_date": SQL("l.discount_date + %s", shift),
            "matching_number": null,
            "full_reconcile_id": null,
        },
    )
    rel_tables = {}
    for table in ("account_move_line_account_tax_rel", "account_account_tag_account_move_line_rel"):
        (other,) = [c for c in table_columns(cr, table) if c != "account_move_line_id"]
        rel_tables[table] = other
    for lo in range(k, n_invoices, CLONE_CHUNK):
        hi = min(lo + CLONE_CHUNK, n_invoices)
        cr.execute(
            SQL(
                """
                INSERT INTO account_move (id, %s)
                SELECT c.new_id, %s
                  FROM bench_clone c
                  JOIN account_move t ON t.id = c.tmpl_id
                  JOIN account_move d ON d.id = c.date_tmpl_id
                  JOIN res_partner p ON p.id = c.partner_id
                 WHERE c.n >= %s AND c.n < %s
                """,
                move_columns,
                move_exprs,
                lo,
                hi,
            )
        )
        cr.execute(
            SQL(
                """
                INSERT INTO account_move_line (id, %s)
                SELECT cl.new_id, %s
                  FROM bench_clone_line cl
                  JOIN account_move_line l ON l.id = cl.old_id
                  JOIN bench_clone c ON c.n = cl.n
                  JOIN account_move t ON t.id = c.tmpl_id
                  JOIN account_move d ON d.id = c.date_tmpl_id
                 WHERE cl.n >= %s AND cl.n < %s
                """,
                line_columns,
                line_exprs,
                lo,
                hi,
            )
        )
        for table, other in rel_tables.items():
            cr.execute(
                SQL(
                    """
                    INSERT INTO %s (account_move_line_id, %s)
                    SELECT cl.new_id, r.%s
                      FROM bench_clone_line cl
                      JOIN %s r ON r.account_move_line_id = cl.old_id
                     WHERE cl.n >= %s AND cl.n < %s
                    """,
                    SQL.identifier(table),
                    SQL.identifier(other),
                    SQL.identifier(other),
                    SQL.identifier(table),
                    lo,
                    hi,
                )
            )
    # what posting does to the customer (res.partner._increase_rank)
    cr.execute(
        """
        UPDATE res_partner p SET customer_rank = p.customer_rank + x.count
          FROM (SELECT partner_id, count(*) FROM bench_clone GROUP BY partner_id) x
         WHERE p.id = x.partner_id
        """
    )
    cr.execute("SELECT new_id FROM bench_clone ORDER BY n")
    ids = [row[0] for row in cr.fetchall()]
    env.invalidate_all()
    return env["account.move"].browse(ids)


def recompute_changes(env, moves, sample_size=50):
    """Recompute the stored fields ``MOVE_FIELDS`` / ``LINE_FIELDS`` of a sample of
    ``moves`` and their lines; return the values that changed."""
    step = max(1, len(moves) // sample_size)
    sample = moves[::step]
    changes = []
    for model, records, fnames in (
        ("account.move", sample, MOVE_FIELDS),
        ("account.move.line", sample.line_ids, LINE_FIELDS),
    ):
        Model = env[model]
        env.invalidate_all()
        before = {r["id"]: r for r in records.read(fnames, load=None)}
        env.invalidate_all()
        for fname in fnames:
            field = Model._fields[fname]
            if not (field.store and (field.compute or field.related)):
                raise SystemExit(f"check: {model}.{fname} is not a stored computed field")
            env.add_to_compute(field, records)
        env.flush_all()
        env.invalidate_all()
        for row in records.read(fnames, load=None):
            old = before[row["id"]]
            changes.extend(
                (model, row["id"], fname, old[fname], row[fname])
                for fname in fnames
                if old[fname] != row[fname]
            )
    return changes


def check_clones(env, company, templates, clones, today, n_invoices):
    """Fail loudly unless the clones are what Odoo would have computed for them."""
    from odoo.tools import SQL

    cr = env.cr
    env.flush_all()
    problems = []
    overdue = env["account.move"].search_count(
        [
            ("company_id", "=", company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "=", "not_paid"),
            ("amount_residual", ">", 0),
            ("invoice_date_due", "<", today),
        ]
    )
    if overdue != n_invoices:
        problems.append(f"{overdue} open overdue posted invoices, expected {n_invoices}")
    cr.execute(
        SQL(
            """
            SELECT count(*) FILTER (WHERE abs(l.residual - m.amount_residual_signed) > 0.001),
                   count(*) FILTER (WHERE abs(l.balance) > 0.001),
                   count(*) FILTER (WHERE l.bad_due > 0),
                   count(*) FILTER (WHERE l.bad_copy > 0),
                   sum(l.residual), sum(m.amount_residual_signed)
              FROM account_move m
              JOIN LATERAL (
                SELECT sum(aml.amount_residual) FILTER (
                           WHERE a.account_type = 'asset_receivable') AS residual,
                       sum(aml.balance) AS balance,
                       count(*) FILTER (
                           WHERE a.account_type = 'asset_receivable'
                             AND aml.date_maturity IS DISTINCT FROM m.invoice_date_due
                       ) AS bad_due,
                       count(*) FILTER (
                           WHERE aml.move_name IS DISTINCT FROM m.name
                              OR aml.date IS DISTINCT FROM m.date
                              OR aml.parent_state IS DISTINCT FROM m.state
                              OR aml.partner_id IS DISTINCT FROM m.commercial_partner_id
                              OR aml.matching_number IS NOT NULL
                       ) AS bad_copy
                  FROM account_move_line aml
                  JOIN account_account a ON a.id = aml.account_id
                 WHERE aml.move_id = m.id
              ) l ON TRUE
             WHERE m.company_id = %s AND m.move_type = 'out_invoice'
            """,
            company.id,
        )
    )
    bad_residual, unbalanced, bad_due, bad_copy, lines_residual, moves_residual = cr.fetchone()
    if bad_residual or unbalanced or bad_due or bad_copy:
        problems.append(
            f"invoices whose receivable residual differs from the invoice's: {bad_residual}, "
            f"unbalanced: {unbalanced}, receivable due date off: {bad_due}, lines not "
            f"matching their invoice: {bad_copy}"
        )
    if abs((lines_residual or 0) - (moves_residual or 0)) > 0.001:
        problems.append(
            f"receivable residual {lines_residual} != invoices' residual {moves_residual}"
        )
    cr.execute(
        SQL(
            """
            SELECT count(*), count(DISTINCT (journal_id, name)),
                   count(*) FILTER (WHERE name != sequence_prefix
                       || lpad(sequence_number::text, length(name) - length(sequence_prefix),
                               '0'))
              FROM account_move WHERE company_id = %s AND state = 'posted'
            """,
            company.id,
        )
    )
    count, distinct, misnamed = cr.fetchone()
    if count != distinct or misnamed:
        problems.append(f"{count - distinct} duplicate names, {misnamed} names off sequence")
    cr.execute(
        SQL(
            """
            SELECT journal_id, sequence_prefix, count(*), max(sequence_number)
              FROM account_move WHERE company_id = %s AND state = 'posted'
             GROUP BY journal_id, sequence_prefix
            HAVING count(*) != max(sequence_number)
            """,
            company.id,
        )
    )
    gaps = cr.fetchall()
    if gaps:
        problems.append(f"sequences with gaps: {gaps}")
    control = recompute_changes(env, templates, 20)
    if control:
        problems.append(f"recomputing the templates changes them (check unsound): {control[:5]}")
    changes = recompute_changes(env, clones)
    if changes:
        problems.append(f"recomputing clones changes {len(changes)} values: {changes[:5]}")
    if problems:
        raise SystemExit("clone check FAILED:\n- " + "\n- ".join(problems))
    return overdue


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
    parser.add_argument(
        "--clone-from",
        type=int,
        default=500,
        metavar="K",
        help="above K invoices, create and post K through Odoo and replicate them by SQL "
        "(default 500, at least 90)",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="write a cProfile of our run (not the dry run) to FILE (pstats format)",
    )
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
    cloning = args.invoices > args.clone_from
    if cloning and args.clone_from < 90:
        parser.error("--clone-from must be at least 90 (a template per day overdue)")
    odoo = setup_odoo(args.db, args.extra_addons_path)
    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        n_orm = args.clone_from if cloning else args.invoices
        say(
            f"Creating {args.invoices} invoices over {args.customers} customers"
            + (f" ({n_orm} through Odoo, the others cloned by SQL)..." if cloning else "...")
        )
        env, company, customers, moves, today, days = build(
            env, args.invoices, args.customers, n_orm
        )
        # account leaves a second loading of the new company's chart in a pre-commit hook
        # (res.company.install_l10n_modules): run it now, not in the first timed savepoint
        cr.flush()
        with Timer(cr) as post:
            moves.action_post()
            cr.flush()  # with the tracking messages Odoo writes at commit (pre-commit hooks)
        per_invoice = post.seconds / len(moves)
        say(
            f"Odoo: posting {len(moves)} invoices {post.seconds:8.2f} s  {post.queries} queries"
            f"  ({1000 * per_invoice:.1f} ms, {post.queries / len(moves):.1f} queries"
            " per invoice)"
        )
        say(
            f"Odoo: CPU ms per invoice posted {1000 * post.cpu / len(moves):8.1f} (Odoo)"
            + (
                f" + {1000 * post.db_cpu / len(moves):.1f} (PostgreSQL)"
                if post.db_cpu is not None
                else ""
            )
        )
        posting = post.seconds
        if cloning:
            with Timer(cr) as copy:
                clones = clone(env, moves, customers, days, args.invoices)
            say(
                f"bench: {len(clones)} clones by SQL  {copy.seconds:8.2f} s  {copy.queries} queries"
            )
            with Timer(cr) as check:
                check_clones(env, company, moves, clones, today, args.invoices)
            say(f"bench: clone check passed      {check.seconds:8.2f} s")
            moves |= clones
            posting = per_invoice * args.invoices
            say(f"Odoo: posting {args.invoices}, estimated {posting:8.2f} s  (per invoice above)")
        Run = env["billing.dunning.run"].with_company(company)
        with Timer(cr) as preview:
            plan = Run._dunning_plan(company, today)
        say(
            f"ours: dry run (preview)         {preview.seconds:8.2f} s  {preview.queries} queries"
            f"  ({len(plan)} reminders planned)"
        )
        profiler = cProfile.Profile() if args.profile else None
        with Timer(cr) as ours:
            if profiler:
                profiler.enable()
            reminders = Run._dunning_run_company(company, today=today)
            cr.flush()  # with what is left for the commit (pre-commit hooks)
            if profiler:
                profiler.disable()
        if profiler:
            profiler.dump_stats(args.profile)
            say(f"ours: profile of the run in {args.profile}")
        count = len(reminders) or 1
        say(
            f"ours: run                       {ours.seconds:8.2f} s  {ours.queries} queries"
            f"  ({len(reminders)} reminders, {len(reminders.line_ids)} lines,"
            f" {sum(reminders.mapped('amount_total')):.2f} claimed)"
        )
        say(f"ours: queries per reminder      {ours.queries / count:8.1f}")
        say(f"ours: ms per reminder           {1000 * ours.seconds / count:8.1f}")
        say(
            f"ours: CPU ms per reminder       {1000 * ours.cpu / count:8.1f} (Odoo)"
            + (
                f" + {1000 * ours.db_cpu / count:.1f} (PostgreSQL)"
                if ours.db_cpu is not None
                else ""
            )
        )
        say("machine load (1, 5, 15 min)     " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        say(f"ratio run / Odoo posting        {ours.seconds / posting:8.2f}")
        with Timer(cr) as rerun:
            again = Run._dunning_run_company(company, today=today)
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
                if not args.oca_lines_only:
                    say(f"OCA: queries per communication  {timer.queries / (comms or 1):8.1f}")
                    say(f"ratio OCA / ours (full run)     {timer.seconds / ours.seconds:8.2f}")
                say(f"ratio OCA lines / our dry run   {selection.seconds / preview.seconds:8.2f}")
                say(f"ratio OCA lines / our run       {selection.seconds / ours.seconds:8.2f}")
        cr.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main())
