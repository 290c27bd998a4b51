"""Result models of the manager reports (store.reports): what the CLI and the API print.

Dates are `date`s (ISO in JSON and CSV); counts are ints; rates are fractions in [0, 1].
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

# The clocks of the overdue and due-soon reports: the memo's response deadline, then the
# recommendation clocks, named as in domain.clocks.
CLOCKS = ("response", "action_plan", "revision", "status_update", "target_completion")
AGING_BUCKETS = ("0-30", "31-90", "91-180", "181-365", ">365")


class ClockItem(BaseModel):
    """One clock: the memo's response (number None) or one of a recommendation's."""

    memo_id: str
    number: int | None
    component: str
    case_officer: str | None
    clock: str
    due_on: date


class OverdueItem(ClockItem):
    """An overdue clock."""

    days_overdue: int  # today - due_on, >= 1


class DueItem(ClockItem):
    """A clock falling due within the next N days (today included)."""

    days_left: int  # due_on - today, >= 0


class AgingBucket(BaseModel):
    """Open recommendations by days since their memo was issued."""

    bucket: str  # one of AGING_BUCKETS
    min_days: int
    max_days: int | None  # None: no upper bound
    count: int


class ConcurrenceRate(BaseModel):
    component: str
    concurred: int
    partially_concurred: int
    non_concurred: int
    answered: int  # the three above
    concurrence_rate: float  # concurred / answered (partial concurrences not included)
    partial_rate: float  # partially_concurred / answered


class ResponseTime(BaseModel):
    """Days from issue to answer (received_on - issued_on) of answered recommendations."""

    component: str
    count: int
    median_days: float  # the middle value; the mean of the two middle ones for even counts
    p90_days: int  # nearest rank: the ceil(0.9 * count)-th smallest value


class OpenRecommendation(BaseModel):
    """An open (not closed) recommendation."""

    memo_id: str
    number: int
    component: str
    case_officer: str | None
    issued_on: date
    days_open: int  # today (or the report's end date) - issued_on
    response: str
    implementation: str
    resolution: str
    text: str
    # None while open; in the period report's list, the day one open at the end of the
    # period was closed since (store column `ended_on`).
    closed_on: date | None = None


class PeriodReport(BaseModel):
    """The half-year report: what happened to recommendations between two dates.

    `open_at_start` counts those open at the end of the day before `date_from`;
    `open_at_end` those open at the end of `date_to`. So
    open_at_end == open_at_start + issued - closed.
    """

    date_from: date
    date_to: date
    component: str | None
    open_at_start: int
    issued: int
    responded: int
    resolved: int
    closed: int
    closed_by_reason: dict[str, int]  # all closure reasons (docs/contracts.md#vocabulary), 0s too
    open_at_end: int
    unimplemented: list[OpenRecommendation]  # open at the end of the period, oldest first
