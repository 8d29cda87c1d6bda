"""French late interest over half-years and the 40 EUR indemnity (billing_dunning/tools)."""

from datetime import date
from decimal import Decimal

import pytest
from conftest import load_tool

interest = load_tool("billing_dunning", "interest")

RATES = [
    (date(2022, 1, 1), 0.0),
    (date(2022, 7, 1), 0.0),
    (date(2023, 1, 1), 2.5),
    (date(2023, 7, 1), 4.0),
    (date(2024, 1, 1), 4.5),
    (date(2024, 7, 1), 4.25),
    (date(2025, 1, 1), 3.15),
    (date(2025, 7, 1), 2.15),
    (date(2026, 1, 1), 2.15),
]


def test_rate_of_half_year():
    assert interest.refi_rate_for(RATES, date(2024, 6, 30)) == Decimal("4.5")
    assert interest.refi_rate_for(RATES, date(2024, 7, 1)) == Decimal("4.25")
    assert interest.legal_rate_for(RATES, date(2023, 3, 1)) == Decimal("12.5")
    # a rate changed mid-half-year only applies from the next half-year
    rates = [*RATES, (date(2026, 3, 15), 9.0)]
    assert interest.refi_rate_for(rates, date(2026, 5, 1)) == Decimal("2.15")


def test_missing_rate_raises():
    with pytest.raises(interest.RateMissing):
        interest.refi_rate_for(RATES, date(2021, 12, 31))


def test_simple_interest_within_half_year():
    # 1000 EUR due 2025-01-31, 30 days late on 2025-03-02: 1000 x 13.15% x 30 / 365
    result = interest.late_interest(1000, date(2025, 1, 31), date(2025, 3, 2), RATES)
    assert result["days"] == 30
    assert result["interest"] == Decimal("10.81")
    assert [p["rate"] for p in result["periods"]] == [Decimal("13.15")]


def test_split_across_half_years():
    # due 2024-06-20, paid 2024-07-10: 10 days at 14.5 %, 10 days at 14.25 %
    result = interest.late_interest(10000, date(2024, 6, 20), date(2024, 7, 10), RATES)
    assert [(p["days"], p["rate"]) for p in result["periods"]] == [
        (10, Decimal("14.5")),
        (10, Decimal("14.25")),
    ]
    expected = (
        Decimal(10000) * Decimal("14.5") / 100 * 10 / 365
        + Decimal(10000) * Decimal("14.25") / 100 * 10 / 365
    )
    assert result["interest"] == expected.quantize(Decimal("0.01"))
    assert result["interest"] == Decimal("78.77")


def test_leap_year_counts_february_29_with_365_divisor():
    leap = interest.late_interest(3650, date(2024, 2, 27), date(2024, 3, 1), RATES)
    common = interest.late_interest(3650, date(2025, 2, 27), date(2025, 3, 1), RATES)
    assert leap["days"] == 3  # 28, 29 Feb and 1 Mar
    assert common["days"] == 2  # 28 Feb and 1 Mar
    # 3650 x 14.5 % / 365 = 1.45 a day
    assert leap["interest"] == Decimal("4.35")


def test_whole_leap_year():
    result = interest.late_interest(1000, date(2023, 12, 31), date(2024, 12, 31), RATES)
    assert result["days"] == 366
    assert [p["days"] for p in result["periods"]] == [182, 184]


def test_partial_payments_lower_the_base():
    result = interest.late_interest(
        1000,
        date(2025, 1, 31),
        date(2025, 3, 2),
        RATES,
        payments=[(date(2025, 2, 10), 400)],
    )
    # 10 days on 1000 (1 to 10 Feb), 20 days on 600
    assert [(p["days"], p["base"]) for p in result["periods"]] == [
        (10, Decimal(1000)),
        (20, Decimal(600)),
    ]
    expected = (Decimal(1000) * 10 + Decimal(600) * 20) * Decimal("13.15") / 100 / 365
    assert result["interest"] == expected.quantize(Decimal("0.01"))


def test_payment_before_due_date_and_full_payment():
    result = interest.late_interest(
        1000,
        date(2025, 1, 31),
        date(2025, 3, 2),
        RATES,
        payments=[(date(2025, 1, 15), 500), (date(2025, 2, 5), 500)],
    )
    assert [(p["days"], p["base"]) for p in result["periods"]] == [(5, Decimal(500))]


def test_contractual_rate_only_when_higher():
    higher = interest.late_interest(
        1000, date(2025, 1, 31), date(2025, 3, 2), RATES, contractual_rate=15
    )
    assert higher["periods"][0]["rate"] == Decimal(15)
    lower = interest.late_interest(
        1000, date(2025, 1, 31), date(2025, 3, 2), RATES, contractual_rate=5
    )
    assert lower["periods"][0]["rate"] == Decimal("13.15")


def test_not_late_and_start_date():
    assert interest.late_interest(1000, date(2025, 3, 2), date(2025, 3, 2), RATES)[
        "interest"
    ] == Decimal("0.00")
    # interest already invoiced up to 2025-02-20: only 10 more days
    rest = interest.late_interest(
        1000, date(2025, 1, 31), date(2025, 3, 2), RATES, start_date=date(2025, 2, 20)
    )
    assert rest["days"] == 10


def test_indemnity_b2b_only():
    assert interest.recovery_indemnity(True) == Decimal("40.00")
    assert interest.recovery_indemnity(True, 3) == Decimal("120.00")
    assert interest.recovery_indemnity(False, 3) == Decimal("0.00")
    assert interest.recovery_indemnity(True, 0) == Decimal("0.00")


# Legal interest rate, "tous les autres cas" (arrêtés of each half-year): a company's claim
LEGAL = [
    (date(2025, 1, 1), 3.71),
    (date(2025, 7, 1), 2.76),
    (date(2026, 1, 1), 2.62),
]


def test_consumer_interest_runs_from_the_formal_notice_at_the_legal_rate():
    # due 31 Jan 2025, formal notice sent 2 Mar 2025: nothing before the notice, then
    # 30 days (3 Mar to 1 Apr) at 3.71 %, no +10 points, no contractual rate
    result = interest.consumer_late_interest(1000, date(2025, 3, 2), date(2025, 4, 1), LEGAL)
    assert [(p["date_from"], p["days"], p["rate"]) for p in result["periods"]] == [
        (date(2025, 3, 3), 30, Decimal("3.71"))
    ]
    assert result["interest"] == (Decimal(1000) * Decimal("3.71") / 100 * 30 / 365).quantize(
        Decimal("0.01")
    )
    assert result["interest"] == Decimal("3.05")
    # the day of the notice itself bears nothing
    assert interest.consumer_late_interest(1000, date(2025, 3, 2), date(2025, 3, 2), LEGAL)[
        "interest"
    ] == Decimal("0.00")


def test_consumer_interest_across_half_years_with_payment_and_start_date():
    # notice 20 Dec 2025; 300 paid on 10 Jan 2026; counted up to 20 Jan 2026
    result = interest.consumer_late_interest(
        1000,
        date(2025, 12, 20),
        date(2026, 1, 20),
        LEGAL,
        payments=[(date(2026, 1, 10), 300)],
    )
    assert [(p["days"], p["base"], p["rate"]) for p in result["periods"]] == [
        (11, Decimal(1000), Decimal("2.76")),  # 21 to 31 Dec 2025
        (10, Decimal(1000), Decimal("2.62")),  # 1 to 10 Jan 2026
        (10, Decimal(700), Decimal("2.62")),  # 11 to 20 Jan 2026
    ]
    # interest already invoiced up to 10 Jan: only the last 10 days remain
    rest = interest.consumer_late_interest(
        1000,
        date(2025, 12, 20),
        date(2026, 1, 20),
        LEGAL,
        payments=[(date(2026, 1, 10), 300)],
        start_date=date(2026, 1, 10),
    )
    assert [(p["days"], p["base"]) for p in rest["periods"]] == [(10, Decimal(700))]
    with pytest.raises(interest.RateMissing):
        interest.consumer_late_interest(1000, date(2024, 12, 1), date(2025, 1, 5), LEGAL)
