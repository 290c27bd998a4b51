"""Manager reports over the store tables (never the workflows), fast at 100,000 rows.

Each report is one or two SQL statements over `memo` and `recommendation`, each served by
an index of store.tables (store.report_sql builds them); recommendation rows carry copies
of their memo's component, issue date and case officer (kept in sync by store.events), so
no report joins. `today` defaults to today in America/New_York. Bad arguments (an
inverted date range, a page out of bounds) raise ValueError.

Definitions:
- open: not closed (`implementation <> 'closed'`); on-hold recommendations are open.
- a clock ticks as in domain.recommendation.due_dates and domain.clocks: the response
  clock of a memo awaiting its response and not on hold; the action_plan and revision
  (while unresolved) clocks of an open recommendation, and the status_update and
  target_completion clocks of one in progress, neither on hold. Overdue: due_on < today;
  due soon: today <= due_on <= today + N.
- open at D: issued_on <= D and (ended_on is null or ended_on > D); `ended_on` is the
  closure date (see store.tables.Recommendation). A reopened recommendation has no
  closure date any more: it counts as open since its issue.
- percentiles of time to response: the median is the middle value (the mean of the two
  middle ones for an even count); p90 is the nearest rank, the ceil(0.9 * n)-th smallest.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlmodel import Session

from domain.vocabulary import ClosureReason, ResponseStatus
from store.report_models import (
    AGING_BUCKETS,
    AgingBucket,
    ConcurrenceRate,
    DueItem,
    OpenRecommendation,
    OverdueItem,
    PeriodReport,
    ResponseTime,
)
from store.report_sql import (
    MAX_LIMIT,
    MAX_WITHIN_DAYS,
    OPEN,
    REC,
    REPORT_TIME_ZONE,
    check_page,
    check_range,
    clock_rows,
    count_rows,
    fetch_rows,
    report_today,
)

__all__ = ["MAX_LIMIT", "MAX_WITHIN_DAYS", "REPORT_KINDS", "REPORT_TIME_ZONE", "aging_buckets",
           "concurrence_rates", "due_soon", "open_over_a_year", "overdue_items",
           "period_report", "time_to_response"]


def overdue_items(session: Session, *, today: date | None = None, component: str | None = None,
                  case_officer: str | None = None, limit: int = 100,
                  offset: int = 0) -> list[OverdueItem]:
    """Every overdue clock, most days overdue first."""
    check_page(limit, offset)
    day = report_today(today)
    rows = clock_rows(session, due_from=None, due_to=day - timedelta(days=1),
                      component=component, case_officer=case_officer, limit=limit,
                      offset=offset)
    return [OverdueItem(memo_id=r.memo_id, number=r.number, component=r.component,
                        case_officer=r.case_officer, clock=r.clock, due_on=r.due_on,
                        days_overdue=(day - r.due_on).days) for r in rows]


def due_soon(session: Session, *, within_days: int, today: date | None = None,
             component: str | None = None, limit: int = 100, offset: int = 0) -> list[DueItem]:
    """Every clock due between today and today + within_days (both included), soonest first."""
    if not 0 <= within_days <= MAX_WITHIN_DAYS:
        raise ValueError(f"within_days must be between 0 and {MAX_WITHIN_DAYS}, "
                         f"got {within_days}")
    check_page(limit, offset)
    day = report_today(today)
    rows = clock_rows(session, due_from=day, due_to=day + timedelta(days=within_days),
                      component=component, case_officer=None, limit=limit, offset=offset)
    return [DueItem(memo_id=r.memo_id, number=r.number, component=r.component,
                    case_officer=r.case_officer, clock=r.clock, due_on=r.due_on,
                    days_left=(r.due_on - day).days) for r in rows]


# -- open recommendations -----------------------------------------------------------------

BUCKET_BOUNDS = ((0, 30), (31, 90), (91, 180), (181, 365), (366, None))


def aging_buckets(session: Session, *, today: date | None = None,
                  component: str | None = None) -> list[AgingBucket]:
    """Open recommendations by days since issue; all five buckets, empty ones included."""
    day = report_today(today)
    scope = [OPEN, *([REC.component == component] if component is not None else [])]
    counts = []
    for low, high in BUCKET_BOUNDS:  # days = today - issued_on, so low <= days <= high
        conditions = [] if low == 0 else [REC.issued_on <= day - timedelta(days=low)]
        if high is not None:  # (the first bucket takes those issued "in the future" too)
            conditions.append(REC.issued_on >= day - timedelta(days=high))
        else:
            conditions.append(REC.issued_on.is_not(None))
        counts.append(count_rows(*scope, *conditions))
    [row] = fetch_rows(session, select(*counts))
    return [AgingBucket(bucket=name, min_days=low, max_days=high, count=int(count))
            for name, (low, high), count in zip(AGING_BUCKETS, BUCKET_BOUNDS, row, strict=True)]


def _open_rows(session: Session, conditions: list[ColumnElement[bool]], *, limit: int | None,
               offset: int) -> Sequence[Any]:
    statement = (select(REC.memo_id, REC.number, REC.component, REC.case_officer,
                        REC.issued_on, REC.response, REC.implementation, REC.resolution,
                        REC.text, REC.ended_on)
                 .where(*conditions).order_by(REC.issued_on, REC.memo_id, REC.number)
                 .offset(offset))
    if limit is not None:
        statement = statement.limit(limit)
    return fetch_rows(session, statement)


def _open_item(row: Any, day: date) -> OpenRecommendation:
    return OpenRecommendation(
        memo_id=row.memo_id, number=row.number, component=row.component,
        case_officer=row.case_officer, issued_on=row.issued_on,
        days_open=(day - row.issued_on).days, response=row.response,
        implementation=row.implementation, resolution=row.resolution, text=row.text,
        closed_on=row.ended_on)


def open_over_a_year(session: Session, *, today: date | None = None,
                     component: str | None = None, limit: int = 100,
                     offset: int = 0) -> list[OpenRecommendation]:
    """Open recommendations issued more than 365 days ago, oldest first."""
    check_page(limit, offset)
    day = report_today(today)
    conditions = [OPEN, REC.issued_on < day - timedelta(days=365)]
    if component is not None:
        conditions.append(REC.component == component)
    return [_open_item(r, day) for r in _open_rows(session, conditions, limit=limit,
                                                   offset=offset)]


# -- responses ------------------------------------------------------------------------------


def _answered(component: str | None, date_from: date | None,
              date_to: date | None) -> list[ColumnElement[bool]]:
    """Answered (a response is recorded with its received_on), in the range, if any."""
    check_range(date_from, date_to)
    conditions: list[ColumnElement[bool]] = [REC.received_on.is_not(None)]
    if component is not None:
        conditions.append(REC.component == component)
    if date_from is not None:
        conditions.append(REC.received_on >= date_from)
    if date_to is not None:
        conditions.append(REC.received_on <= date_to)
    return conditions


def concurrence_rates(session: Session, *, component: str | None = None,
                      date_from: date | None = None,
                      date_to: date | None = None) -> list[ConcurrenceRate]:
    """Per component, the answers received between the dates: counts and rates."""
    statement = (select(REC.component, REC.response, func.count())
                 .where(*_answered(component, date_from, date_to), REC.component.is_not(None),
                        REC.response != ResponseStatus.AWAITING.value)
                 .group_by(REC.component, REC.response))
    counts: dict[str, Counter[str]] = {}
    for name, response, n in fetch_rows(session, statement):
        counts.setdefault(name, Counter())[response] = n
    rates = []
    for name in sorted(counts):
        c = counts[name]
        concurred = c[ResponseStatus.CONCURRED.value]
        partial = c[ResponseStatus.PARTIALLY_CONCURRED.value]
        non = c[ResponseStatus.NON_CONCURRED.value]
        answered = concurred + partial + non
        rates.append(ConcurrenceRate(
            component=name, concurred=concurred, partially_concurred=partial,
            non_concurred=non, answered=answered, concurrence_rate=concurred / answered,
            partial_rate=partial / answered))
    return rates


def kth_smallest(histogram: Sequence[tuple[int, int]], k: int) -> int:
    """The k-th smallest value (1-based) of (value, count) pairs sorted by value."""
    seen = 0
    for value, count in histogram:
        seen += count
        if seen >= k:
            return value
    raise ValueError(f"k={k} exceeds the {seen} values")


def time_to_response(session: Session, *, component: str | None = None,
                     date_from: date | None = None,
                     date_to: date | None = None) -> list[ResponseTime]:
    """Per component, days from issue to answer of the answers received between the dates."""
    days = REC.days_to_response
    statement = (select(REC.component, days, func.count())
                 .where(*_answered(component, date_from, date_to), REC.component.is_not(None),
                        days.is_not(None))
                 .group_by(REC.component, days).order_by(REC.component, days))
    histograms: dict[str, list[tuple[int, int]]] = {}
    for name, value, count in fetch_rows(session, statement):
        histograms.setdefault(name, []).append((int(value), int(count)))
    result = []
    for name, histogram in histograms.items():
        n = sum(count for _, count in histogram)
        low, high = kth_smallest(histogram, (n + 1) // 2), kth_smallest(histogram, n // 2 + 1)
        result.append(ResponseTime(component=name, count=n, median_days=(low + high) / 2,
                                   p90_days=kth_smallest(histogram, math.ceil(0.9 * n))))
    return result


# -- the period report ----------------------------------------------------------------------


def _open_at(day: date) -> ColumnElement[bool]:
    return and_(REC.issued_on <= day, or_(REC.ended_on.is_(None), REC.ended_on > day))


def period_report(session: Session, *, date_from: date, date_to: date,
                  component: str | None = None, limit: int | None = None,
                  offset: int = 0) -> PeriodReport:
    """Open at start, issued, responded, resolved, closed (by reason), open at end, and the
    recommendations open at the end (`limit`/`offset` page that list only)."""
    check_range(date_from, date_to)
    if limit is not None:
        check_page(limit, offset)
    start = date_from - timedelta(days=1)
    scope = [REC.component == component] if component is not None else []

    def count(*conditions: ColumnElement[bool]) -> Any:
        return count_rows(*scope, *conditions)

    def within(column: Any) -> list[ColumnElement[bool]]:
        return [column >= date_from, column <= date_to]

    def open_at(day: date) -> Any:  # issued by then, minus those also ended by then
        return count(REC.issued_on <= day) - count(REC.ended_on <= day, REC.issued_on <= day)

    [counts] = fetch_rows(session, select(
        open_at(start), count(*within(REC.issued_on)), count(*within(REC.received_on)),
        count(*within(REC.resolved_on)), open_at(date_to)))
    open_at_start, issued, responded, resolved, open_at_end = (int(c) for c in counts)
    by_reason: Counter[str] = Counter({reason.value: 0 for reason in ClosureReason})
    for reason, n in fetch_rows(session, select(REC.closure_reason, func.count())
                                .where(*scope, *within(REC.ended_on))
                                .group_by(REC.closure_reason)):
        by_reason[reason or "unknown"] += n
    unimplemented = [_open_item(r, date_to) for r in _open_rows(
        session, [*scope, _open_at(date_to)], limit=limit, offset=offset)]
    return PeriodReport(
        date_from=date_from, date_to=date_to, component=component,
        open_at_start=open_at_start, issued=issued, responded=responded, resolved=resolved,
        closed=sum(by_reason.values()), closed_by_reason=dict(by_reason),
        open_at_end=open_at_end, unimplemented=unimplemented)


REPORT_KINDS: dict[str, Callable[..., Any]] = {
    "overdue": overdue_items,
    "due-soon": due_soon,
    "aging": aging_buckets,
    "concurrence": concurrence_rates,
    "time-to-response": time_to_response,
    "open-over-a-year": open_over_a_year,
    "period": period_report,
}
