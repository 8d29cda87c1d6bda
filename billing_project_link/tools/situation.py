"""Arithmetic of French progress invoices (*factures de situation*).

Plain Python on :class:`decimal.Decimal`, no Odoo import. Every amount is rounded to the cent
half-up, and every *cumulative* figure is computed from the contract and then differenced
with what was already billed, so that rounding never accumulates: the situation that reaches
100 % lands exactly on the contract amount, the last down-payment deduction on the down
payment, and the retention on ``rate x contract incl. VAT``.

Vocabulary
    contract: untaxed amount of an order line (price subtotal).
    percent: cumulative progress of the line, 0 to 100.
    previous: amount of the line already billed by the earlier situations.
    amount: what this situation bills for the line (cumulative - previous).
"""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
MAX_RETENTION_RATE = Decimal("5")

# Problem codes returned by the checks (the ORM turns them into translated messages).
PROGRESS_NEGATIVE = "progress_negative"
PROGRESS_ABOVE_100 = "progress_above_100"
PROGRESS_BELOW_PREVIOUS = "progress_below_previous"
RETENTION_NEGATIVE = "retention_negative"
RETENTION_ABOVE_MAX = "retention_above_max"


def to_decimal(value):
    """Decimal from an int, a float (through its shortest repr), a str or a Decimal."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value if value is not None else 0)


def cents(value):
    """Round half-up to the cent."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def check_progress(percent, previous_percent=0):
    """Problem code of a cumulative progress, or None when it is acceptable."""
    percent = to_decimal(percent)
    if percent < 0:
        return PROGRESS_NEGATIVE
    if percent > HUNDRED:
        return PROGRESS_ABOVE_100
    if percent < to_decimal(previous_percent):
        return PROGRESS_BELOW_PREVIOUS
    return None


def check_retention_rate(rate):
    """Problem code of a retention rate (retenue de garantie, at most 5 %), or None."""
    rate = to_decimal(rate)
    if rate < 0:
        return RETENTION_NEGATIVE
    if rate > MAX_RETENTION_RATE:
        return RETENTION_ABOVE_MAX
    return None


def cumulative_amount(contract, percent):
    """Cumulative amount of a line at ``percent``; exactly the contract at 100 %."""
    contract = cents(contract)
    percent = to_decimal(percent)
    if percent >= HUNDRED:
        return contract
    return cents(contract * percent / HUNDRED)


def situation_line(contract, percent, previous=0):
    """One line of a situation: contract, percent, cumulative, previous and this amount."""
    cumulative = cumulative_amount(contract, percent)
    previous = cents(previous)
    return {
        "contract": cents(contract),
        "percent": to_decimal(percent),
        "cumulative": cumulative,
        "previous": previous,
        "amount": cumulative - previous,
    }


def situation_lines(lines):
    """Compute every line of a situation and its totals.

    ``lines``: iterable of dicts with ``contract``, ``percent`` and ``previous`` (and any
    other key, e.g. ``key``, copied through). Returns ``{"lines": [...], "contract": ...,
    "cumulative": ..., "previous": ..., "amount": ..., "percent": ...}`` where ``percent`` is
    the overall progress (cumulative / contract, 2 decimals).
    """
    result = []
    for line in lines:
        values = dict(line)
        values.update(situation_line(line["contract"], line["percent"], line.get("previous", 0)))
        result.append(values)
    totals = {
        name: sum((line[name] for line in result), Decimal("0.00"))
        for name in ("contract", "cumulative", "previous", "amount")
    }
    totals["percent"] = overall_percent(totals["cumulative"], totals["contract"])
    totals["lines"] = result
    return totals


def overall_percent(cumulative, contract):
    """Overall progress in percent (2 decimals) of a cumulative amount over a contract."""
    contract = cents(contract)
    if not contract:
        return Decimal("0.00")
    return (cents(cumulative) * HUNDRED / contract).quantize(CENT, rounding=ROUND_HALF_UP)


def down_payment_deduction(down_payment, contract, cumulative, deducted=0, final=False):
    """Deduction of a down payment on this situation, in proportion to the progress.

    The cumulative deduction is ``down_payment x cumulative / contract`` (rounded to the
    cent); this situation deducts it minus what earlier situations ``deducted``. The final
    situation (or any situation reaching the whole contract) deducts the whole remainder.
    """
    down_payment = cents(down_payment)
    contract = cents(contract)
    cumulative = cents(cumulative)
    if final or not contract or cumulative >= contract:
        total = down_payment
    else:
        total = cents(down_payment * cumulative / contract)
    return total - cents(deducted)


def retention(rate, cumulative_base, retained=0):
    """Retention (retenue de garantie) of this situation.

    ``cumulative_base``: works billed so far incl. VAT (all situations up to this one);
    ``retained``: retention of the earlier situations. The cumulative retention is
    ``rate x cumulative_base``, so the sum over all situations is exactly ``rate x
    contract incl. VAT``. Raises ValueError on a rate outside 0-5 %.
    """
    problem = check_retention_rate(rate)
    if problem:
        raise ValueError(problem)
    total = cents(cents(cumulative_base) * to_decimal(rate) / HUNDRED)
    return total - cents(retained)


def final_lines(lines):
    """The lines of a final situation (décompte définitif): every line at 100 %."""
    return situation_lines([dict(line, percent=HUNDRED) for line in lines])
