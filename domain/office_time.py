"""Office time: today's date and wall-clock instants in the office time zone.

These are pure given a date or an instant, so they live in the domain, where the store,
the API, the CLI and the deadline activity can all use them without importing one
another. `zoneinfo` is imported inside the functions, not at the top: workflow modules
import domain modules, and time zones are off limits in the workflow sandbox (as in
`domain.deadlines.check_time_zone`). Workflows never call these; they ask the deadline
activity instead.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from domain.deadlines import is_federal_business_day


def local_instant(day: date, at: time, time_zone: str) -> datetime:
    """The UTC instant of wall-clock `at` on `day` in `time_zone`."""
    from zoneinfo import ZoneInfo

    return datetime.combine(day, at, tzinfo=ZoneInfo(time_zone)).astimezone(UTC)


def today_in(time_zone: str, now: datetime | None = None) -> date:
    """Today's date in `time_zone` (at `now`, default the current instant)."""
    from zoneinfo import ZoneInfo

    return (now or datetime.now(UTC)).astimezone(ZoneInfo(time_zone)).date()


def next_business_day(day: date) -> date:
    """The first federal business day after `day`."""
    following = day + timedelta(days=1)
    while not is_federal_business_day(following):
        following += timedelta(days=1)
    return following
