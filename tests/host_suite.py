"""The host suite: Odoo's own tests of the modules the addons extend, with the addons installed.

Called by ``tests/run --host`` (and ``tests/run --all``). Two steps, each one Odoo process:

1. install, without tests: a fresh database with Odoo's demo data (what Odoo's own suites are
   written for), the Odoo modules that the addons extend (``HOST_MODULES``) and, unless this
   is the baseline, the three addons;
2. run the selected tests (``HOST_TEST_GROUPS``) once everything is installed, so that every test
   of Odoo runs with the addons' overrides in the registry. Odoo's ``at_install`` tests of
   these modules are run at that point too (Odoo itself would run them while their module
   installs, before the addons are loaded, which would hide any interference).

Odoo logs every failed test as ``ERROR <db> odoo.addons.<module>.tests...: FAIL: Class.test``
(or ``ERROR: ...``); these lines are the result. A test that fails is a failure unless it is in
``tests/host_known_failures.txt`` (tests that fail on plain Odoo 18 as well, with the reason).
That list must stay true: a listed test that passes, or that no longer runs, fails the suite
too (remove it from the list). ``tests/run --host-baseline`` runs the same without the
addons and rewrites the list from what fails there (keeping the reasons already written).

WARNING/ERROR lines of Odoo's own tests do not fail this suite (Odoo's tests log some on
purpose); ERROR lines logged by the addons' own loggers (``odoo.addons.billing_*``) are
printed at the end.
"""

import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VAR = os.path.join(ROOT, "var")
KNOWN_FAILURES = os.path.join(HERE, "host_known_failures.txt")
PYTHON = sys.executable or "python3"

ADDONS = ["billing_fr_compliance", "billing_dunning", "billing_project_link"]

# Odoo's modules that the addons extend (and that carry the suites run below)
HOST_MODULES = [
    "account",
    "account_edi_ubl_cii",
    "l10n_fr_account",
    "sale",
    "sale_stock",
    "stock_account",
    "sale_project",
    "sale_timesheet",
]

# whole suites
HOST_SUITES = [
    "account_edi_ubl_cii",
    "l10n_fr_account",
    "sale",
    "sale_stock",
    "stock_account",
    "sale_project",
    "sale_timesheet",
]

# Odoo `account`'s tests of invoices, refunds, posting, reversal, payments, payment terms,
# reconciliation, sequences, portal, reports and send & print
ACCOUNT_CLASSES = [
    "TestAccountMoveOutInvoiceOnchanges",
    "TestAccountMoveOutRefundOnchanges",
    "TestAccountMoveInInvoiceOnchanges",
    "TestAccountMoveInRefundOnchanges",
    "TestAccountMoveDuplicate",
    "TestAccountMoveDateAlgorithm",
    "TestInvoiceTaxes",
    "TestAccountComposerPerformance",
    "TestAccountMoveSend",
    "TestAccountPayment",
    "TestAccountPaymentRegister",
    "TestAccountPaymentItems",
    "TestAccountPaymentMethodLine",
    "TestAccountPaymentDuplicateMoves",
    "TestAccountMovePaymentsWidget",
    "TestAccountEarlyPaymentDiscount",
    "TestAccountPaymentTerms",
    "TestAccountMoveReconcile",
    "TestSequenceMixin",
    "TestSequenceGaps",
    "TestSequenceMixinDeletion",
    "TestSequenceMixinConcurrency",
    "TestPortalInvoice",
    "TestPortalAttachment",
    "TestDownloadDocs",
    "TestIrActionsReport",
    "TestAccountInvoiceReport",
    "TestUi",
]

# in three groups of similar weight, for parallel runs (--host-jobs)
HOST_TEST_GROUPS = [
    ["/account:" + cls for cls in ACCOUNT_CLASSES],
    ["/sale", "/sale_stock", "/account_edi_ubl_cii", "/l10n_fr_account"],
    ["/stock_account", "/sale_project", "/sale_timesheet"],
]
assert sorted(tag for group in HOST_TEST_GROUPS[1:] for tag in group) == sorted(
    "/" + module for module in HOST_SUITES
)

LOG_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) \S+ ([\w.]+): (.*)$")
TEST_LOGGER_RE = re.compile(r"^odoo\.addons\.(\w+)\.tests\b")
# class-level errors (setUpClass) are logged by odoo.tests.suite, the module in the message
DESC_MODULE_RE = re.compile(r"\(odoo\.addons\.(\w+)\.tests\b")
OUTCOME_RE = re.compile(r"^(FAIL|ERROR): (.*)$")
POST_RE = re.compile(r"^(\d+) post-tests in ")
RESULT_RE = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
# "Class.test_x", "Subtest Class.test_x (params)", "setUpClass (odoo.addons.m.tests.f.Class)"
DESC_TEST_RE = re.compile(r"^(?:Subtest )?(\w+)\.(\w+)")
DESC_HOOK_RE = re.compile(r"^(\w+) \(odoo\.addons\.\w+\.tests\.[\w.]*?\.?(\w+)\)")


def say(msg):
    print(msg, flush=True)


def test_id(module, description):
    """``module:Class.test_method`` for a FAIL/ERROR description of Odoo's test result."""
    hook = DESC_HOOK_RE.match(description)
    if hook:  # setUpClass / tearDownClass errors
        return "%s:%s.%s" % (module, hook.group(2), hook.group(1))
    match = DESC_TEST_RE.match(description)
    if match:
        return "%s:%s.%s" % (module, match.group(1), match.group(2))
    return "%s:%s" % (module, description.split()[0] if description.split() else "?")


def summarize(block):
    """The exception line(s) of a traceback block: what comes after the last frame."""
    # without the ^^^ markers Python puts under the failing expression
    lines = [line.rstrip() for line in block if line.strip(" ^~\n")]
    last_frame = max((i for i, line in enumerate(lines) if line.startswith("  File ")), default=-1)
    tail = lines[last_frame + 2 :] if last_frame >= 0 else lines
    text = " ".join(line.strip() for line in tail) or " ".join(x.strip() for x in lines[-2:])
    return text[:300]


def parse_log(lines):
    """Failed tests (id -> summary), addon ERROR lines, Odoo's final counts, the number of
    FAIL/ERROR lines (a test with failing subtests logs one per subtest) and the number of
    tests of the post-install phase.

    Only the tests of Odoo's post-install phase count: while the registry loads, Odoo runs
    the ``at_install`` tests of each module with only the modules loaded before it (so they
    break on the NOT NULL columns of later modules, on plain Odoo too); ``odoo_main`` turns
    that off and runs them in the post-install phase instead."""
    failed = {}
    outcomes = 0
    post = False
    post_total = None
    addon_errors = []
    counts = None
    current = None  # (test id, block lines) while reading a traceback
    for raw in lines:
        line = raw.rstrip("\n")
        match = LOG_RE.match(line)
        if match is None:
            if current is not None:
                current[1].append(line)
            continue
        if current is not None:
            failed.setdefault(current[0], summarize(current[1]))
            current = None
        level, logger, message = match.groups()
        if message.startswith("Starting post tests"):
            post = True
        post_count = POST_RE.match(message)
        if post_count:
            post_total = int(post_count.group(1))
        result = RESULT_RE.search(line)
        if result:
            counts = tuple(int(g) for g in result.groups())
        if level not in ("ERROR", "CRITICAL"):
            continue
        if logger.startswith("odoo.addons.billing_"):
            addon_errors.append(line)
        outcome = OUTCOME_RE.match(message)
        module = TEST_LOGGER_RE.match(logger) or (
            outcome and logger.startswith("odoo.tests") and DESC_MODULE_RE.search(outcome.group(2))
        )
        if module and outcome:
            outcomes += 1
            if post:
                current = (test_id(module.group(1), outcome.group(2)), [])
    if current is not None:
        failed.setdefault(current[0], summarize(current[1]))
    return failed, addon_errors, counts, outcomes, post_total


def read_known_failures(path=KNOWN_FAILURES):
    """``{test id: reason}`` from the list: ``module:Class.test  reason``; ``#`` comments."""
    known = {}
    if not os.path.exists(path):
        return known
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            ident, _sep, reason = line.partition(" ")
            known[ident] = reason.strip()
    return known


def write_known_failures(failed, previous, path=KNOWN_FAILURES):
    header = (
        "# Odoo 18 tests of the host suite (tests/run --host) that fail on plain Odoo 18,\n"
        "# without the addons: one per line, `module:Class.test_method  reason`.\n"
        "# Rebuilt by `tests/run --host-baseline` (reasons already written are kept; a new\n"
        "# entry gets the error Odoo printed). A listed test that passes with the addons\n"
        "# fails `tests/run --host`: the list must stay true.\n"
    )
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(header)
        for ident in sorted(failed):
            reason = previous.get(ident) or "fails on plain Odoo 18: " + failed[ident]
            handle.write("%s  %s\n" % (ident, reason))


def odoo_cmd(db, addons_path, extra):
    return [
        PYTHON,
        os.path.abspath(__file__),
        "odoo",
        "--database",
        db,
        "--addons-path",
        addons_path,
        "--stop-after-init",
        "--workers",
        "0",
        "--max-cron-threads",
        "0",
        "--log-level",
        "info",
        "--db_host",
        os.environ.get("PGHOST", ""),
        *extra,
    ]


def run_odoo(cmd, logfile, echo):
    """Run Odoo, log to ``logfile``; echo the lines ``echo(line)`` selects. Return (rc, s)."""
    say("$ " + " ".join(cmd))
    started = time.time()
    with open(logfile, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        for line in proc.stdout:
            log.write(line)
            if echo(line):
                say(line.rstrip())
        code = proc.wait()
    return code, time.time() - started


def shards(jobs):
    """The test tags split in ``jobs`` groups of similar weight (at most 3)."""
    groups = [list(group) for group in HOST_TEST_GROUPS]
    if jobs <= 1:
        return [[tag for group in groups for tag in group]]
    if jobs == 2:
        return [groups[0], groups[1] + groups[2]]
    return groups


def db_exists(db):
    probe = subprocess.run(
        ["psql", "-XAtc", "SELECT 1 FROM pg_database WHERE datname = '%s'" % db, "postgres"],
        capture_output=True,
        text=True,
        check=False,
    )
    return probe.stdout.strip() == "1"


def install(label, db, modules, addons_path, free_port, demo):
    subprocess.run(["dropdb", "--if-exists", db], check=False)
    demo_args = [] if demo else ["--without-demo", "all"]
    install_log = os.path.join(VAR, "host-%s-install.log" % label)
    code, install_s = run_odoo(
        odoo_cmd(
            db,
            addons_path,
            ["--init", ",".join(modules), *demo_args, "--http-port", str(free_port())],
        ),
        install_log,
        lambda line: " CRITICAL " in line or " ERROR " in line,
    )
    say("host suite (%s): install took %.0f s, log in %s" % (label, install_s, install_log))
    if code != 0:
        say("The installation failed (exit code %s): see %s." % (code, install_log))
    return code == 0


def run_tests(label, db, addons_path, free_port, jobs):
    """Run the selected tests, in ``jobs`` processes on copies of ``db``; return the logs."""
    groups = shards(jobs)
    dbs = [db] + ["%s_shard%d" % (db, index) for index in range(1, len(groups))]
    for copy in dbs[1:]:
        subprocess.run(["dropdb", "--if-exists", copy], check=False)
        subprocess.run(["createdb", "-T", db, copy], check=True)
    procs = []
    started = time.time()
    for index, (shard_db, tags) in enumerate(zip(dbs, groups, strict=True)):
        logfile = os.path.join(VAR, "host-%s-tests%s.log" % (label, index or ""))
        cmd = odoo_cmd(
            shard_db,
            addons_path,
            [
                "--test-enable",
                "--test-tags",
                ",".join(tags),
                # HttpCase tours need the server: a free port, so that parallel runs coexist
                "--http-port",
                str(free_port()),
            ],
        )
        say("$ " + " ".join(cmd))
        with open(logfile, "w", encoding="utf-8") as log:
            procs.append(
                (subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT), logfile)
            )
    codes = [proc.wait() for proc, __ in procs]
    say(
        "host suite (%s): tests took %.0f s in %d process(es), logs in %s"
        % (label, time.time() - started, len(procs), ", ".join(log for __, log in procs))
    )
    for copy in dbs[1:]:
        subprocess.run(["dropdb", "--if-exists", copy], check=False)
    return codes, [log for __, log in procs]


def host_suite(baseline, db, keep_db, addons_path, free_port, demo=True, jobs=1, reuse=False):
    """Run the host suite; return (passed, failed, ok).

    ``reuse``: test an existing ``db`` where everything is installed (kept by ``keep_db``)
    instead of installing a fresh one; ``jobs``: test processes (database copies)."""
    os.makedirs(VAR, exist_ok=True)
    label = "baseline" if baseline else "addons"
    modules = HOST_MODULES if baseline else [*HOST_MODULES, *ADDONS]
    if reuse and db_exists(db):
        say("host suite (%s): testing the existing database %s" % (label, db))
    elif not install(label, db, modules, addons_path, free_port, demo):
        if not keep_db:
            subprocess.run(["dropdb", "--if-exists", db], check=False)
        return 0, 1, False
    codes, logs = run_tests(label, db, addons_path, free_port, jobs)
    try:
        return evaluate(baseline, codes, logs, rerun=(label, db, addons_path, free_port))
    finally:
        if not keep_db:
            subprocess.run(["dropdb", "--if-exists", db], check=False)


def rerun_tag(ident):
    """The test tag of a failed test id (a class for a class-level error)."""
    module, _sep, name = ident.partition(":")
    cls, _sep, method = name.partition(".")
    if method in ("setUpClass", "tearDownClass", ""):
        return "/%s:%s" % (module, cls)
    return "/%s:%s.%s" % (module, cls, method)


def rerun_failed(label, db, addons_path, free_port, failed, known):
    """Run the failed tests (not listed as known failures) once more, alone, in one process.

    On a machine shared with other test runs, a test can fail for reasons of its own (a
    PostgreSQL "out of shared memory", a tour timing out); what fails again is kept, what
    passes is reported as flaky. Returns the failures after the rerun."""
    idents = sorted(ident for ident in failed if ident not in known and not ident.startswith("?"))
    if not idents:
        return failed
    say("host suite (%s): running the %d failed test(s) once more" % (label, len(idents)))
    logfile = os.path.join(VAR, "host-%s-rerun.log" % label)
    tags = sorted({rerun_tag(ident) for ident in idents})
    cmd = odoo_cmd(
        db,
        addons_path,
        ["--test-enable", "--test-tags", ",".join(tags), "--http-port", str(free_port())],
    )
    code, __ = run_odoo(cmd, logfile, lambda line: ": FAIL: " in line or ": ERROR: " in line)
    with open(logfile, encoding="utf-8", errors="replace") as handle:
        again, __, counts, __, __ = parse_log(handle)
    if counts is None:
        say("The rerun printed no test result (exit code %s): the first results stand." % code)
        return failed
    result = {ident: summary for ident, summary in failed.items() if ident not in idents}
    result.update(again)
    flaky = [ident for ident in idents if ident not in again]
    if flaky:
        say("%d test(s) failed, then passed when run again (flaky here):" % len(flaky))
        for ident in flaky:
            say("  %s  first: %s" % (ident, failed[ident]))
    return result


def evaluate(baseline, codes, logs, rerun=None):
    """Read the test logs; for the baseline, rewrite the list; return (passed, failed, ok).

    ``rerun``: ``(label, db, addons_path, free_port)`` to run the failures once more."""
    failed, addon_errors = {}, []
    total = odoo_failures = outcomes = 0
    for code, logfile in zip(codes, logs, strict=True):
        with open(logfile, encoding="utf-8", errors="replace") as handle:
            shard_failed, shard_errors, counts, shard_outcomes, post_total = parse_log(handle)
        if counts is None:
            say("%s printed no test result (exit code %s): failing." % (logfile, code))
            return 0, 1, False
        for ident, summary in shard_failed.items():
            failed.setdefault(ident, summary)
        addon_errors += shard_errors
        outcomes += shard_outcomes
        odoo_failures += counts[0] + counts[1]
        total += counts[2] if post_total is None else post_total
    if odoo_failures > outcomes:
        # a failure the parser could not name: never let it pass silently
        say(
            "Odoo counts %d failed tests but only %d were named in its log: failing."
            % (odoo_failures, outcomes)
        )
        failed.setdefault("?:unnamed", "see %s" % ", ".join(logs))
    known = read_known_failures()
    if rerun:
        failed = rerun_failed(*rerun, failed, {} if baseline else known)
    if baseline:
        write_known_failures(failed, known)
        say("host suite baseline (plain Odoo 18): %d tests run, %d failed" % (total, len(failed)))
        for ident in sorted(failed):
            say("  %s  %s" % (ident, failed[ident]))
        say("wrote %s" % os.path.relpath(KNOWN_FAILURES, ROOT))
        return total - len(failed), len(failed), True

    new = sorted(ident for ident in failed if ident not in known)
    fixed = sorted(ident for ident in known if ident not in failed)
    if addon_errors:
        say("%d ERROR line(s) logged by the addons during Odoo's tests:" % len(addon_errors))
        for line in addon_errors:
            say("  " + line)
    if new:
        say("%d test(s) of Odoo fail with the addons installed (not in the list):" % len(new))
        for ident in new:
            say("  %s  %s" % (ident, failed[ident]))
    if fixed:
        say(
            "%d test(s) listed in %s did not fail: the list must stay true, remove them "
            "(or rebuild it with tests/run --host-baseline):"
            % (len(fixed), os.path.relpath(KNOWN_FAILURES, ROOT))
        )
        for ident in fixed:
            say("  " + ident)
    still = len(failed) - len(new)
    say(
        "host suite: %d tests run, %d failed (%d listed as failing on plain Odoo 18, "
        "%d new), %d listed but passing" % (total, len(failed), still, len(new), len(fixed))
    )
    bad = len(new) + len(fixed)
    passed = total - len(failed)
    # the listed failures are expected: counted as passed checks of the list
    return passed + still, bad, bad == 0


def odoo_main():
    """Odoo's command line; the ``at_install`` tests run in the post-install phase."""
    from odoo.tests import loader
    from odoo.tests.suite import OdooSuite
    from odoo.tests.tag_selector import TagsSelector
    from odoo.tools import config

    make_suite = loader.make_suite

    def make_suite_all_positions(module_names, position="at_install"):
        if position == "at_install":
            return OdooSuite([])  # not with a half-loaded registry: in the post-install phase
        if position != "post_install":
            return make_suite(module_names, position)
        config_tags = TagsSelector(config["test_tags"])
        positions = (TagsSelector("at_install"), TagsSelector("post_install"))
        tests = (
            test
            for module_name in module_names
            for mod in loader.get_test_modules(module_name)
            for test in loader.get_module_test_cases(mod)
            if any(p.check(test) for p in positions) and config_tags.check(test)
        )
        return OdooSuite(sorted(tests, key=lambda t: t.test_sequence))

    loader.make_suite = make_suite_all_positions
    from odoo.cli.command import main

    sys.argv = [sys.argv[0], *sys.argv[2:]]
    main()


if __name__ == "__main__" and sys.argv[1:2] == ["odoo"]:
    odoo_main()
elif __name__ == "__main__" and sys.argv[1:2] == ["evaluate"]:
    # evaluate [--baseline] [--rerun-db DB] LOG...: judge the logs of a past run again (and
    # run its failures once more on DB, a database kept by --keep-db)
    import argparse
    import socket

    cli = argparse.ArgumentParser(prog="host_suite.py evaluate")
    cli.add_argument("--baseline", action="store_true")
    cli.add_argument("--rerun-db")
    cli.add_argument("--addons-path")
    cli.add_argument("logs", nargs="+")
    opts = cli.parse_args(sys.argv[2:])

    def any_port():
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    label = "baseline" if opts.baseline else "addons"
    again = opts.rerun_db and (label, opts.rerun_db, opts.addons_path, any_port)
    result = evaluate(opts.baseline, [None] * len(opts.logs), opts.logs, rerun=again)
    say("%d passed, %d failed" % result[:2])
    sys.exit(0 if result[2] else 1)
