"""Pure rules of invoicing from delivery notes (billing_project_link/tools/delivery.py)."""

from datetime import date

import pytest
from conftest import load_tool

delivery = load_tool("billing_project_link", "delivery")

BASE = (1, 7, "EUR")


@pytest.mark.parametrize(
    "grouping, expected",
    [
        ("picking", (1, 7, "EUR", "picking", 11)),
        ("partner", (1, 7, "EUR")),
        ("order", (1, 7, "EUR", "order", 5)),
        ("period", (1, 7, "EUR", "period", 2026, 3)),
    ],
)
def test_grouping_key(grouping, expected):
    assert delivery.grouping_key(grouping, BASE, 11, 5, date(2026, 3, 31)) == expected


def test_grouping_key_unknown():
    with pytest.raises(ValueError):
        delivery.grouping_key("week", BASE, 1, 1, date(2026, 1, 1))


def test_period_splits_months_but_not_days():
    key = delivery.grouping_key
    assert key("period", BASE, 1, 1, date(2026, 3, 1)) == key(
        "period", BASE, 2, 9, date(2026, 3, 31)
    )
    assert key("period", BASE, 1, 1, date(2026, 3, 31)) != key(
        "period", BASE, 1, 1, date(2026, 4, 1)
    )


def test_group_by_key_keeps_first_appearance_order():
    items = [("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)]
    groups = delivery.group_by_key(items, key=lambda item: item[0])
    assert groups == [[("b", 1), ("b", 3)], [("a", 2), ("a", 5)], [("c", 4)]]


def test_split_quantities_caps_to_remaining_across_deliveries():
    remaining = {"L1": 10.0, "L2": 3.0}
    first = delivery.split_quantities({"L1": 6.0, "L2": 2.0}, remaining)
    assert first == {"L1": 6.0, "L2": 2.0}
    second = delivery.split_quantities({"L1": 6.0, "L2": 2.0}, remaining)
    assert second == {"L1": 4.0, "L2": 1.0}
    assert remaining == {"L1": 0.0, "L2": 0.0}
    assert delivery.split_quantities({"L1": 1.0}, remaining) == {}


def test_split_quantities_nothing_left_when_order_already_invoiced():
    assert delivery.split_quantities({"L1": 5.0}, {"L1": 0.0}) == {}
    assert delivery.split_quantities({"L1": 5.0}, {}) == {}
    assert delivery.split_quantities({"L1": 0.0}, {"L1": 4.0}) == {}


def test_split_quantities_return_credits_only_what_was_invoiced():
    # 2 returned, the line was invoiced 5 and now has 3 delivered: qty_to_invoice = -2
    remaining = {"L1": -2.0}
    assert delivery.split_quantities({"L1": 2.0}, remaining, sign=-1) == {"L1": 2.0}
    assert remaining == {"L1": 0.0}
    # returned but never invoiced: nothing to credit
    assert delivery.split_quantities({"L1": 2.0}, {"L1": 1.0}, sign=-1) == {}


def test_downpayment_proportional_share():
    frac = delivery.downpayment_fraction("proportional", 400.0, 1000.0, 300.0, 1.0, False)
    assert frac == 0.4
    # never more than what remains
    assert delivery.downpayment_fraction("proportional", 900.0, 1000.0, 300.0, 0.5, False) == 0.5


def test_downpayment_last_invoice_takes_the_rest():
    assert delivery.downpayment_fraction("proportional", 10.0, 1000.0, 300.0, 0.67, True) == 0.67
    assert delivery.downpayment_fraction("first", 10.0, 1000.0, 300.0, 0.33, True) == 0.33


def test_downpayment_first_rule():
    # a delivery worth more than the down payment carries all of it
    assert delivery.downpayment_fraction("first", 400.0, 1000.0, 300.0, 1.0, False) == 1.0
    # a smaller delivery carries what it can, the rest goes on the next invoice
    assert delivery.downpayment_fraction("first", 150.0, 1000.0, 300.0, 1.0, False) == 0.5
    # rounded down so that the deduction never exceeds the invoice: 20 / 30 -> 0.66
    assert delivery.downpayment_fraction("first", 20.0, 100.0, 30.0, 1.0, False) == 0.66


def test_downpayment_nothing_to_deduct():
    assert delivery.downpayment_fraction("proportional", 400.0, 1000.0, 300.0, 0.0, False) == 0.0
    assert delivery.downpayment_fraction("first", 0.0, 1000.0, 300.0, 1.0, True) == 0.0
    with pytest.raises(ValueError):
        delivery.downpayment_fraction("all", 1.0, 1.0, 1.0, 1.0, False)


def test_downpayment_rounding_to_quantity_precision():
    assert delivery.downpayment_fraction("proportional", 1.0, 3.0, 300.0, 1.0, False) == 0.33
    frac = delivery.downpayment_fraction("proportional", 1.0, 3.0, 300.0, 1.0, False, digits=4)
    assert frac == 0.3333


def test_invoice_status():
    assert delivery.invoice_status(True, True) == "invoiced"
    assert delivery.invoice_status(True, False) == "invoiced"
    assert delivery.invoice_status(False, True) == "to_invoice"
    assert delivery.invoice_status(False, False) == "nothing"
