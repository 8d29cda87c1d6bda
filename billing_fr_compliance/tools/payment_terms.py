"""French limits on payment terms between businesses (C. com. L441-10 I), pure Python.

The due date may not be later than 60 days after the invoice date, or 45 days end of month
when agreed. Both readings of "45 days end of month" are accepted in practice (45 days then
the end of that month, or the end of the month then 45 days): the latest of the three dates is
the legal limit.
"""

import calendar
import datetime

MAX_DAYS = 60
MAX_DAYS_END_OF_MONTH = 45


def end_of_month(date):
    return date.replace(day=calendar.monthrange(date.year, date.month)[1])


def legal_limit(invoice_date):
    """The latest due date the law allows for an invoice issued on ``invoice_date``."""
    days = datetime.timedelta
    return max(
        invoice_date + days(MAX_DAYS),
        end_of_month(invoice_date + days(MAX_DAYS_END_OF_MONTH)),
        end_of_month(invoice_date) + days(MAX_DAYS_END_OF_MONTH),
    )


def excess_days(invoice_date, due_date):
    """Days beyond the legal limit (0 when the due date is within the law)."""
    if not invoice_date or not due_date:
        return 0
    return max((due_date - legal_limit(invoice_date)).days, 0)


def sample_dates(year=2028):
    """Every day of a leap year: the invoice dates a payment term is tried on."""
    start = datetime.date(year, 1, 1)
    return [start + datetime.timedelta(days=n) for n in range(366)]


def worst_excess(due_date_of, dates=None):
    """Largest excess over the law of ``due_date_of(invoice_date)`` over ``dates``.

    Returns ``(excess_days, invoice_date)``; ``(0, None)`` when always within the law.
    """
    worst = (0, None)
    for date in dates or sample_dates():
        excess = excess_days(date, due_date_of(date))
        if excess > worst[0]:
            worst = (excess, date)
    return worst
