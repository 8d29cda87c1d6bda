"""Situation-invoice arithmetic of billing_project_link (tools/situation.py)."""

import random
from decimal import Decimal as D

import pytest
from conftest import load_tool

sit = load_tool("billing_project_link", "situation")


def run_situations(contracts, progress):
    """Bill ``contracts`` through successive cumulative ``progress`` steps (lists of %)."""
    previous = [D("0")] * len(contracts)
    billed = []
    for percents in progress:
        result = sit.situation_lines(
            [
                {"contract": c, "percent": p, "previous": prev}
                for c, p, prev in zip(contracts, percents, previous, strict=True)
            ]
        )
        previous = [line["cumulative"] for line in result["lines"]]
        billed.append(result)
    return billed


def test_cents_round_half_up():
    assert sit.cents("2.345") == D("2.35")
    assert sit.cents(2.675) == D("2.68")  # float repr, not binary value
    assert sit.cents("-2.345") == D("-2.35")


def test_one_line_three_situations():
    contract = D("120000.00")
    billed = run_situations([contract], [[30], [65], [100]])
    assert [b["amount"] for b in billed] == [D("36000.00"), D("42000.00"), D("42000.00")]
    assert [b["previous"] for b in billed] == [D("0.00"), D("36000.00"), D("78000.00")]
    assert [b["cumulative"] for b in billed] == [D("36000.00"), D("78000.00"), contract]
    assert sum(b["amount"] for b in billed) == contract
    assert billed[-1]["percent"] == D("100.00")


def test_rounding_lands_on_contract_to_the_cent():
    contracts = [D("1000.01"), D("333.33"), D("0.07"), D("99999.99")]
    billed = run_situations(
        contracts,
        [[33.33] * 4, [33.34, 66.67, 10, 1], [66.67, 66.67, 50.5, 50.01], [100] * 4],
    )
    assert billed[0]["lines"][0]["amount"] == D("333.30")  # 1000.01 x 33.33 % = 333.303
    assert billed[0]["lines"][2]["amount"] == D("0.02")  # 0.0233 -> 0.02
    assert sum(b["amount"] for b in billed) == sum(contracts)
    for index, contract in enumerate(contracts):
        assert sum(b["lines"][index]["amount"] for b in billed) == contract


def test_random_progressions_always_sum_to_contract():
    rng = random.Random(7)
    for _case in range(200):
        contracts = [sit.cents(rng.uniform(0.01, 50000)) for _ in range(rng.randint(1, 6))]
        steps = sorted(round(rng.uniform(0, 100), 2) for _ in range(rng.randint(1, 8)))
        billed = run_situations(contracts, [[s] * len(contracts) for s in steps + [100]])
        assert sum(b["amount"] for b in billed) == sum(contracts)
        assert all(b["amount"] >= 0 for b in billed)


def test_cumulative_amount_at_full_progress_is_contract():
    assert sit.cumulative_amount("0.03", 100) == D("0.03")
    assert sit.cumulative_amount("0.03", 50) == D("0.02")  # 0.015 half-up
    assert sit.cumulative_amount("10", 0) == D("0.00")


def test_progress_checks():
    assert sit.check_progress(50, 40) is None
    assert sit.check_progress(100, 100) is None
    assert sit.check_progress(100.01) == sit.PROGRESS_ABOVE_100
    assert sit.check_progress(-1) == sit.PROGRESS_NEGATIVE
    assert sit.check_progress(39.99, 40) == sit.PROGRESS_BELOW_PREVIOUS


def test_retention_rate_checks():
    assert sit.check_retention_rate(5) is None
    assert sit.check_retention_rate(0) is None
    assert sit.check_retention_rate("5.01") == sit.RETENTION_ABOVE_MAX
    assert sit.check_retention_rate(-1) == sit.RETENTION_NEGATIVE
    with pytest.raises(ValueError):
        sit.retention(6, 1000)


def test_retention_cumulative_exact_on_contract_incl_vat():
    # contract 10 000.03 untaxed, 20 % VAT: 12 000.04 incl. VAT, retention 5 % = 600.00
    works_incl_tax = [D("3600.01"), D("4200.02"), D("4200.01")]
    retained = D("0")
    cumulative = D("0")
    parts = []
    for amount in works_incl_tax:
        cumulative += amount
        part = sit.retention(5, cumulative, retained)
        parts.append(part)
        retained += part
    assert parts == [D("180.00"), D("210.00"), D("210.00")]
    assert retained == sit.cents(sum(works_incl_tax) * 5 / D(100))


def test_retention_rounding_per_situation():
    # 5 % of 333.33 = 16.6665 -> 16.67; then 5 % of 666.66 = 33.333 -> 33.33, so 16.66
    assert sit.retention(5, "333.33") == D("16.67")
    assert sit.retention(5, "666.66", "16.67") == D("16.66")
    assert sit.retention(0, "666.66") == D("0.00")
    assert sit.retention("2.5", "1000") == D("25.00")


def test_down_payment_proportional_deduction():
    contract = D("100000.00")
    down_payment = D("15000.00")
    deducted = D("0")
    parts = []
    for cumulative, final in ((D("30000"), False), (D("65000"), False), (contract, True)):
        part = sit.down_payment_deduction(down_payment, contract, cumulative, deducted, final)
        parts.append(part)
        deducted += part
    assert parts == [D("4500.00"), D("5250.00"), D("5250.00")]
    assert deducted == down_payment


def test_down_payment_rounding_and_final_remainder():
    contract = D("3.00")
    down_payment = D("1.00")
    first = sit.down_payment_deduction(down_payment, contract, D("1.00"))
    assert first == D("0.33")
    second = sit.down_payment_deduction(down_payment, contract, D("2.00"), first)
    assert second == D("0.34")  # 0.67 cumulative
    # a final situation settles the remainder even if the works stop short of the contract
    last = sit.down_payment_deduction(down_payment, contract, D("2.50"), first + second, True)
    assert last == D("0.33")
    assert first + second + last == down_payment


def test_final_lines_close_every_line():
    result = sit.final_lines(
        [
            {"key": 1, "contract": D("10.00"), "percent": 40, "previous": D("4.00")},
            {"key": 2, "contract": D("7.77"), "percent": 0, "previous": D("0.00")},
        ]
    )
    assert [line["amount"] for line in result["lines"]] == [D("6.00"), D("7.77")]
    assert [line["key"] for line in result["lines"]] == [1, 2]
    assert result["cumulative"] == result["contract"] == D("17.77")


def test_three_situations_with_down_payment_and_retention():
    """The scenario of the issue: three situations, a down payment and 5 % retention."""
    contracts = [D("60000.00"), D("40000.00")]
    vat = D("0.20")
    down_payment = D("10000.00")
    billed = run_situations(contracts, [[25, 10], [60, 50], [100, 100]])
    deducted = retained = D("0")
    cumulative_incl_tax = D("0")
    due = []
    for index, situation in enumerate(billed):
        final = index == len(billed) - 1
        deduction = sit.down_payment_deduction(
            down_payment, situation["contract"], situation["cumulative"], deducted, final
        )
        deducted += deduction
        works_incl_tax = sit.cents(situation["amount"] * (1 + vat))
        cumulative_incl_tax += works_incl_tax
        held = sit.retention(5, cumulative_incl_tax, retained)
        retained += held
        due.append(sit.cents((situation["amount"] - deduction) * (1 + vat)) - held)
    assert [b["amount"] for b in billed] == [D("19000.00"), D("37000.00"), D("44000.00")]
    assert deducted == down_payment
    assert retained == D("6000.00")  # 5 % of 120 000 incl. VAT
    # everything billed = contract incl. VAT - down payment incl. VAT - retention
    assert sum(due) == D("120000.00") - D("12000.00") - D("6000.00")
