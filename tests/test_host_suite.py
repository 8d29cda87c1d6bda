"""The host suite's reading of Odoo's test log (tests/host_suite.py), without Odoo."""

import host_suite

LOG = """\
2026-12-01 20:00:00,001 123 INFO db odoo.modules.loading: loading
2026-12-01 20:00:00,500 123 ERROR db odoo.tests.suite: ERROR: setUpClass (odoo.addons.sale.tests.test_a.TestEarly)
Traceback (most recent call last):
  File "/opt/x.py", line 3, in setUpClass
psycopg2.errors.NotNullViolation: null value in column "picking_policy"
2026-12-01 20:00:00,900 123 INFO db odoo.service.server: Starting post tests
2026-12-01 20:00:01,001 123 ERROR db odoo.addons.account.tests.test_account_move_send: FAIL: TestAccountMoveSend.test_x
Traceback (most recent call last):
  File "/opt/x.py", line 3, in test_x
    self.assertEqual(1, 2)
    ^^^^^^^^^^^^^^^^^^^^^^
AssertionError: 1 != 2
2026-12-01 20:00:01,501 123 ERROR db odoo.addons.account.tests.test_account_move_send: FAIL: Subtest TestAccountMoveSend.test_x (case=2)
Traceback (most recent call last):
AssertionError: 3 != 4
2026-12-01 20:00:02,001 123 ERROR db odoo.addons.sale_stock.tests.test_sale_stock: ERROR: TestSaleStock.test_inv
Traceback (most recent call last):
  File "/opt/x.py", line 3, in test_inv
    raise AccessError
odoo.exceptions.AccessError: You are not allowed
to read sale.order
2026-12-01 20:00:02,501 123 ERROR db odoo.addons.billing_project_link.models.stock_picking: no invoice
2026-12-01 20:00:03,001 123 ERROR db odoo.tests.suite: ERROR: setUpClass (odoo.addons.sale.tests.test_a.TestB)
Traceback (most recent call last):
  File "/opt/x.py", line 3, in setUpClass
    boom()
ValueError: boom
2026-12-01 20:00:03,500 123 INFO db odoo.service.server: 40 post-tests in 3.00s, 100 queries
2026-12-01 20:00:04,001 123 ERROR db odoo.tests.result: 3 failed, 3 error(s) of 52 tests when loading database 'db'
"""  # noqa: E501 (Odoo's log lines as they are)


def test_parse_log_names_post_install_failures_only():
    failed, addon_errors, counts, outcomes, post_total = host_suite.parse_log(LOG.splitlines(True))
    assert failed == {
        "account:TestAccountMoveSend.test_x": "AssertionError: 1 != 2",
        "sale_stock:TestSaleStock.test_inv": (
            "odoo.exceptions.AccessError: You are not allowed to read sale.order"
        ),
        "sale:TestB.setUpClass": "ValueError: boom",
    }
    assert [line.split(": ", 1)[1] for line in addon_errors] == ["no invoice"]
    assert counts == (3, 3, 52)
    assert outcomes == 5  # the loading-phase error and the subtest are counted, not named
    assert post_total == 40


def test_rerun_tag():
    assert host_suite.rerun_tag("sale:TestB.setUpClass") == "/sale:TestB"
    assert host_suite.rerun_tag("account:TestX.test_y") == "/account:TestX.test_y"


def test_known_failures_round_trip(tmp_path):
    path = tmp_path / "known.txt"
    host_suite.write_known_failures(
        {"sale:TestUi.test_tour": "AssertionError: tour failed", "account:TestA.test_b": "x"},
        {"account:TestA.test_b": "fails on plain Odoo 18: needs demo data"},
        path=str(path),
    )
    assert host_suite.read_known_failures(str(path)) == {
        "account:TestA.test_b": "fails on plain Odoo 18: needs demo data",
        "sale:TestUi.test_tour": "fails on plain Odoo 18: AssertionError: tour failed",
    }


def test_groups_cover_every_suite_once():
    tags = [tag for group in host_suite.HOST_TEST_GROUPS for tag in group]
    assert len(tags) == len(set(tags))
    assert sum(len(group) for group in host_suite.shards(1)) == len(tags)
    assert [len(group) for group in host_suite.shards(2)] == [
        len(host_suite.HOST_TEST_GROUPS[0]),
        len(tags) - len(host_suite.HOST_TEST_GROUPS[0]),
    ]
