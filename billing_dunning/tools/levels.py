# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Which dunning level an overdue invoice reaches on a given day.

Plain Python: the levels of a policy as :class:`Level` tuples (in order), the invoice's due
date, the level it was last reminded at and when, and today's date in; the level reached
today and the next one with its date out.

Rules:

- a level counted from the due date is due ``grace + delay`` days after the due date; a
  level counted from the previous level is due ``delay`` days after the previous level was
  sent, and only once it was;
- levels are reached in order: an invoice seen for the first time, however late, gets the
  first level; the next one follows no sooner than the difference of their delays after
  the previous one was sent (nor before its own date counted from the due date);
- unless the policy says otherwise (``skip_levels``): then an invoice gets at once the
  highest level its delays reached, a formal notice included;
- a broken promise to pay (``force_next``) sends the next level at once.
"""

from collections import namedtuple
from datetime import timedelta

Level = namedtuple("Level", ["delay_days", "from_previous"])


def _due_on(levels, k, due_date, grace_days, previous, previous_date, spaced):
    """Date level ``k`` is due, after level ``previous`` (-1: none) sent on
    ``previous_date``; None when it waits for a previous level not sent yet."""
    level = levels[k]
    if level.from_previous and k > 0:
        if previous != k - 1 or not previous_date:
            return None
        return previous_date + timedelta(days=level.delay_days)
    due_on = due_date + timedelta(days=grace_days + level.delay_days)
    if spaced and previous >= 0 and previous_date:
        gap = max(level.delay_days - levels[previous].delay_days, 0)
        due_on = max(due_on, previous_date + timedelta(days=gap))
    return due_on


def next_level(
    levels,
    current,
    last_date,
    due_date,
    grace_days,
    today,
    force_next=False,
    skip_levels=False,
):
    """``(reached, upcoming, upcoming_date)``: index of the level reached today (None), index
    of the next level to come (None: last level reached) and the date it is due (None when
    it waits for the previous level).

    :param levels: the policy's levels in order, as :class:`Level`
    :param current: index of the level the invoice was last reminded at, -1 for none
    :param last_date: date of that reminder
    """
    reached = None
    previous, previous_date = current, last_date
    for k in range(current + 1, len(levels)):
        due_on = _due_on(levels, k, due_date, grace_days, previous, previous_date, not skip_levels)
        if (due_on is not None and today >= due_on) or (force_next and k == current + 1):
            reached = k
            if not skip_levels:
                # sent today: the next level is spaced from today
                previous, previous_date = k, today
            continue
        return reached, k, due_on
    return reached, None, None
