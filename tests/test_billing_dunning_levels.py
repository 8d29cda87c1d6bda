"""Which dunning level an overdue invoice reaches on a day (billing_dunning/tools/levels.py)."""

from datetime import date, timedelta

from conftest import load_tool

levels = load_tool("billing_dunning", "levels")

DUE = date(2025, 3, 3)
# friendly reminder at 5 days, second at 20, formal notice at 40
POLICY = [levels.Level(5, False), levels.Level(20, False), levels.Level(40, False)]


def day(offset):
    return DUE + timedelta(days=offset)


def test_first_reminder_of_an_old_invoice_is_the_first_level():
    assert levels.next_level(POLICY, -1, None, DUE, 0, day(50)) == (0, 1, day(65))


def test_next_level_spaced_by_the_difference_of_delays():
    # first level sent on day 50: the second on day 50 + (20 - 5), the third 20 days later
    assert levels.next_level(POLICY, 0, day(50), DUE, 0, day(64)) == (None, 1, day(65))
    assert levels.next_level(POLICY, 0, day(50), DUE, 0, day(65)) == (1, 2, day(85))
    assert levels.next_level(POLICY, 1, day(65), DUE, 0, day(85)) == (2, None, None)


def test_runs_on_time_keep_the_schedule_and_grace():
    assert levels.next_level(POLICY, -1, None, DUE, 2, day(6)) == (None, 0, day(7))
    assert levels.next_level(POLICY, 0, day(5), DUE, 0, day(20)) == (1, 2, day(40))
    assert levels.next_level(POLICY, 1, day(20), DUE, 0, day(40)) == (2, None, None)


def test_policy_may_start_at_the_level_reached():
    assert levels.next_level(POLICY, -1, None, DUE, 0, day(50), skip_levels=True) == (
        2,
        None,
        None,
    )
    assert levels.next_level(POLICY, -1, None, DUE, 0, day(25), skip_levels=True) == (
        1,
        2,
        day(40),
    )


def test_level_counted_from_the_previous_one():
    policy = [levels.Level(5, False), levels.Level(3, True)]
    assert levels.next_level(policy, -1, None, DUE, 0, day(10)) == (0, 1, day(13))
    assert levels.next_level(policy, 0, day(10), DUE, 0, day(13)) == (1, None, None)
    # never sent the previous level: waits for it
    assert levels.next_level(policy, -1, None, DUE, 0, day(4), skip_levels=True) == (
        None,
        0,
        day(5),
    )


def test_broken_promise_sends_the_next_level_at_once():
    # the third level stays at its own date (40 days), later than 20 days after today
    assert levels.next_level(POLICY, 0, day(10), DUE, 0, day(11), force_next=True) == (
        1,
        2,
        day(40),
    )
