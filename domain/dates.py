"""Business dates: strict ISO dates, and the bounds every business date must respect.

A business date is the date on a letter or a decision (`issued_on`, `received_on`,
`closed_on`...). Pydantic's own `date` accepts far too much: an integer is read as a Unix
timestamp (`{"closed_on": 0}` becomes 1970-01-01), and a datetime string loses its time.
`BusinessDate` accepts only a `datetime.date` (YAML reads `2023-01-30` as one) or a
`YYYY-MM-DD` string, so the same models still decode the ISO strings that Temporal keeps
in workflow histories; it is a validator, not pydantic strict mode, for that reason.

The bounds (README, "Limits and bounds"):
- no business date before `EARLIEST_BUSINESS_DATE` (1950-01-01), checked by the type;
- a memo is not issued after tomorrow in its office time zone (`check_issue_date`,
  called at the client edge, where today is known);
- due and target dates lie within `MAX_YEARS_AHEAD` (30) years of the memo's issue date
  (`check_within_horizon`);
- dates of later acts (a closure, a review, a decision...) do not predate the memo's issue
  date (`check_not_before_issue`).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator

from domain.errors import DomainError

EARLIEST_BUSINESS_DATE = date(1950, 1, 1)
MAX_YEARS_AHEAD = 30
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def strict_date(value: Any) -> date:
    """`value` as a date if it is a date or a `YYYY-MM-DD` string, else ValueError."""
    if isinstance(value, datetime):
        raise ValueError("expected a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, str):
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(f"expected a date as YYYY-MM-DD, not {value[:40]!r}")
        try:
            value = date.fromisoformat(value)
        except ValueError as error:
            raise ValueError(f"{value!r} is not a calendar date ({error})") from None
    if not isinstance(value, date):
        raise ValueError(f"expected a date as YYYY-MM-DD, not {type(value).__name__} "
                         f"{str(value)[:40]}")
    if value < EARLIEST_BUSINESS_DATE:
        raise ValueError(f"{value} is before the earliest business date "
                         f"{EARLIEST_BUSINESS_DATE}")
    return value


# A business date: a date or an ISO `YYYY-MM-DD` string, not before 1950-01-01.
BusinessDate = Annotated[date, BeforeValidator(strict_date)]


def horizon(issued_on: date) -> date:
    """The last date a due or target date may take: `MAX_YEARS_AHEAD` years after issue."""
    try:
        return issued_on.replace(year=issued_on.year + MAX_YEARS_AHEAD)
    except ValueError:  # 29 February, or past year 9999
        if issued_on.year + MAX_YEARS_AHEAD > date.max.year:
            return date.max
        return issued_on.replace(year=issued_on.year + MAX_YEARS_AHEAD, day=28)


def check_within_horizon(value: date, field: str, issued_on: date | None) -> None:
    """A due, extension or target date no more than 30 years after the memo's issue."""
    if issued_on is not None and value > horizon(issued_on):
        raise DomainError(f"{field} {value} is more than {MAX_YEARS_AHEAD} years after the "
                          f"memo's issue date {issued_on}", field=field)


def check_not_before_issue(value: date, field: str, issued_on: date | None) -> None:
    """The date of an act on the memo cannot precede the memo itself."""
    if issued_on is not None and value < issued_on:
        raise DomainError(f"{field} {value} is before the memo's issue date {issued_on}",
                          field=field)


def check_issue_date(issued_on: date, today: date, time_zone: str) -> None:
    """A memo is issued today or earlier; tomorrow is allowed for a zone ahead of ours."""
    tomorrow = today + timedelta(days=1)
    if issued_on > tomorrow:
        raise DomainError(f"issued_on {issued_on} is after tomorrow ({tomorrow} in "
                          f"{time_zone})", field="issued_on")
