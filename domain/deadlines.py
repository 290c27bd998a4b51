"""Due dates in calendar days or US federal business days.

The issue day is day 0: 60 calendar days after 2022-09-30 is 2022-11-29, and 60 business
days after it is the 60th working day after it (2022-12-29). Business days skip weekends
and the US GOVERNMENT holiday category of the `holidays` package, which also lists one-off
federal closures (e.g. 2018-12-05, 2024-12-24). Only dates are handled here; turning a date
into an instant in the office time zone is the job of the deadline activity.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from domain.vocabulary import Counting


@lru_cache(maxsize=64)
def _federal_closures(year: int) -> frozenset[date]:
    import holidays  # imported here so workflow code importing this module stays light

    calendar = holidays.country_holidays("US", categories=("government", "public"), years=year)
    return frozenset(calendar.keys())


def is_federal_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _federal_closures(day.year)


def add_business_days(start: date, days: int) -> date:
    """The `days`-th federal business day after `start` (start itself is day 0)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current, counted = start, 0
    while counted < days:
        current += timedelta(days=1)
        if is_federal_business_day(current):
            counted += 1
    return current


def due_date(issued_on: date, days: int, counting: Counting = Counting.CALENDAR) -> date:
    """Due date of a response window opened on `issued_on`."""
    if days < 1:
        raise ValueError("a response window needs at least one day")
    if counting is Counting.BUSINESS:
        return add_business_days(issued_on, days)
    return issued_on + timedelta(days=days)


def days_late(due_on: date, received_on: date | None, today: date) -> int:
    """max(0, received_on - due_on) once answered; max(0, today - due_on) while awaiting."""
    reference = received_on if received_on is not None else today
    return max(0, (reference - due_on).days)


def is_overdue(due_on: date, awaiting: bool, today: date) -> bool:
    return awaiting and today > due_on


def check_time_zone(name: str) -> str:
    """Return `name` if it is a known IANA time zone, else raise ValueError.

    Not a model validator: models are also rebuilt inside the workflow sandbox, where
    zoneinfo is off limits.
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None
    return name
