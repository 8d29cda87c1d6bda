# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""French late-payment interest and the fixed recovery indemnity (C. com. L441-10, D441-5).

Plain Python: rates, dates and amounts in, periods and totals out. The ORM layer reads the
ECB rates and the payments of an invoice and calls :func:`late_interest`.

Rules:

- interest runs from the day after the due date up to and including the end date, on the
  amount still due each day (a payment made on day D stops interest on that amount after D);
- each day uses the rate of its half-year: the ECB main refinancing rate in force on
  1 January or 1 July, plus 10 points; a contractual rate higher than that floor wins;
- amount x rate x days / 365, whatever the year (a leap year has one more day, not a
  different divisor);
- one fixed 40 EUR indemnity per late invoice, between professionals (B2B) only;
- a consumer (B2C) owes no L441-10 penalties: interest runs at the legal interest rate
  ("taux de l'intérêt légal", fixed by arrêté for each half-year) from the day after the
  formal notice (C. civ. 1231-6), see :func:`consumer_late_interest`.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

LEGAL_MARGIN_POINTS = Decimal("10")
RECOVERY_INDEMNITY = Decimal("40.00")
DAYS_IN_YEAR = Decimal("365")
CENT = Decimal("0.01")


class RateMissing(ValueError):
    """No ECB rate is known for a half-year that the interest period covers."""


def _dec(value):
    return value if isinstance(value, Decimal) else Decimal(str(value))


def half_year_start(day):
    """First day of the half-year of ``day``: 1 January or 1 July."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def next_half_year_start(day):
    start = half_year_start(day)
    return date(start.year, 7, 1) if start.month == 1 else date(start.year + 1, 1, 1)


def refi_rate_for(rates, day):
    """Rate (percent) in force on the first day of the half-year of ``day``: the ECB rate,
    or the legal interest rate when ``rates`` are legal interest rates.

    ``rates``: iterable of ``(date_from, percent)``; the latest ``date_from`` on or before
    the half-year start applies.
    """
    start = half_year_start(day)
    known = [(d, r) for d, r in rates if d <= start]
    if not known:
        raise RateMissing(start)
    return _dec(max(known, key=lambda item: item[0])[1])


def legal_rate_for(rates, day):
    """Legal late-payment rate (percent) of the half-year of ``day``: ECB refi + 10 points."""
    return refi_rate_for(rates, day) + LEGAL_MARGIN_POINTS


def applicable_rate(rates, day, contractual_rate=None):
    """Rate (percent) that applies on ``day``: the legal rate, or the contractual rate when
    it is higher."""
    legal = legal_rate_for(rates, day)
    if contractual_rate is not None and _dec(contractual_rate) > legal:
        return _dec(contractual_rate)
    return legal


def late_interest(
    amount, due_date, end_date, rates, contractual_rate=None, payments=(), start_date=None
):
    """Late interest between professionals on ``amount`` due on ``due_date``, counted up to
    ``end_date`` included.

    :param amount: amount due including VAT at the due date
    :param rates: iterable of ``(date_from, ECB refi percent)``
    :param contractual_rate: percent printed on the invoice, used when above the legal rate
    :param payments: iterable of ``(date, amount)``; each lowers the amount due for the days
        after its date (payments made before the due date lower it from the start)
    :param start_date: count only days after this date (interest already invoiced up to it)
    :return: dict ``{"interest": Decimal, "days": int, "periods": [...]}`` where each period
        is ``{"date_from", "date_to", "days", "base", "rate", "interest"}`` (unrounded
        interest per period, total rounded to the cent)
    """
    rates = list(rates)
    return _accrue(
        amount,
        _first_day(due_date, start_date),
        end_date,
        payments,
        lambda day: applicable_rate(rates, day, contractual_rate),
    )


def consumer_late_interest(
    amount, notice_date, end_date, legal_rates, payments=(), start_date=None
):
    """Late interest owed by a consumer: the legal interest rate of each half-year, from the
    day after the formal notice ``notice_date`` up to ``end_date`` included (C. civ. 1231-6).

    :param legal_rates: iterable of ``(date_from, legal interest percent)``; the rate of a
        half-year is the one in force on its first day
    Other parameters and the result as in :func:`late_interest`.
    """
    legal_rates = list(legal_rates)
    return _accrue(
        amount,
        _first_day(notice_date, start_date),
        end_date,
        payments,
        lambda day: refi_rate_for(legal_rates, day),
    )


def _first_day(start, already_until=None):
    """First day that bears interest: the day after ``start``, or after the day interest
    was already invoiced up to when later."""
    first_day = start + timedelta(days=1)
    if already_until and already_until + timedelta(days=1) > first_day:
        first_day = already_until + timedelta(days=1)
    return first_day


def _accrue(amount, first_day, end_date, payments, rate_for):
    """Simple interest on ``amount`` from ``first_day`` to ``end_date`` included, the base
    lowered by each payment after its date, at ``rate_for(day)`` percent per half-year."""
    amount = _dec(amount)
    periods = []
    if end_date < first_day:
        return {"interest": Decimal("0.00"), "days": 0, "periods": periods}
    paid = sorted(((d, _dec(a)) for d, a in payments), key=lambda item: item[0])
    # break points: half-year starts and the day after each payment
    cuts = set()
    day = next_half_year_start(first_day)
    while day <= end_date:
        cuts.add(day)
        day = next_half_year_start(day)
    for pay_date, _pay in paid:
        cut = pay_date + timedelta(days=1)
        if first_day < cut <= end_date:
            cuts.add(cut)
    bounds = [first_day, *sorted(cuts), end_date + timedelta(days=1)]
    total = Decimal("0")
    days_total = 0
    for begin, stop in zip(bounds, bounds[1:], strict=False):
        base = amount - sum((a for d, a in paid if d < begin), Decimal("0"))
        if base <= 0:
            continue
        days = (stop - begin).days
        rate = rate_for(begin)
        interest = base * rate / Decimal("100") * days / DAYS_IN_YEAR
        periods.append(
            {
                "date_from": begin,
                "date_to": stop - timedelta(days=1),
                "days": days,
                "base": base,
                "rate": rate,
                "interest": interest,
            }
        )
        total += interest
        days_total += days
    return {
        "interest": total.quantize(CENT, rounding=ROUND_HALF_UP),
        "days": days_total,
        "periods": periods,
    }


def recovery_indemnity(is_b2b, late_invoice_count=1):
    """Fixed recovery indemnity: 40 EUR per late invoice between professionals, none for a
    consumer (D441-5)."""
    if not is_b2b or late_invoice_count <= 0:
        return Decimal("0.00")
    return RECOVERY_INDEMNITY * late_invoice_count
