"""SQL building blocks of the manager reports (store.reports): the tables' columns, the
predicates the partial indexes of store.tables repeat, checks, and the clocks query."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy import cast as sql_cast
from sqlmodel import Session

from domain.office_time import today_in
from domain.vocabulary import MemoStatus
from store.tables import DUE_COLUMNS, Memo, Recommendation

REPORT_TIME_ZONE = "America/New_York"
MAX_LIMIT = 10_000
MAX_WITHIN_DAYS = 3660
MEMO = Memo.metadata.tables["memo"].c
REC_TABLE = Recommendation.metadata.tables["recommendation"]
REC = REC_TABLE.c


def sql_text(value: str) -> ColumnElement[str]:
    """A string constant written into the SQL (partial indexes only match literals)."""
    return literal_column("'" + value.replace("'", "''") + "'", String)


# Repeated literally from the partial indexes of store.tables (`~on_hold` is written
# `on_hold = 0` on SQLite, `NOT on_hold` on PostgreSQL).
OPEN = REC.implementation != sql_text("closed")
IN_PROGRESS = REC.implementation == sql_text("in_progress")
CLOCK_ROWS: dict[str, ColumnElement[bool]] = {
    "action_plan_due_on": and_(OPEN, ~REC.on_hold),
    # A revision is owed while the office has not accepted (domain.recommendation.due_dates).
    "revision_due_on": and_(OPEN, ~REC.on_hold, REC.resolution == "unresolved"),
    "status_update_due_on": and_(IN_PROGRESS, ~REC.on_hold),
    "target_completion_on": and_(IN_PROGRESS, ~REC.on_hold),
}


def report_today(today: date | None) -> date:
    return today if today is not None else today_in(REPORT_TIME_ZONE)


def check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    if offset < 0:
        raise ValueError(f"offset must be 0 or more, got {offset}")


def check_range(date_from: date | None, date_to: date | None) -> None:
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ValueError(f"date_from {date_from.isoformat()} is after date_to "
                         f"{date_to.isoformat()}")


def fetch_rows(session: Session, statement: Any) -> Sequence[Any]:
    return session.connection().execute(statement).all()


def clock_rows(session: Session, *, due_from: date | None, due_to: date,
               component: str | None, case_officer: str | None,
               limit: int, offset: int) -> Sequence[Any]:
    """Ticking clocks with due_from <= due_on <= due_to, by due date, then memo, clock.

    One SELECT per clock, each taking only its own first limit + offset rows through its
    index, then UNION ALL and the final order and page.
    """
    top = limit + offset
    branches: list[Select[Any]] = []

    def bounded(column: Any) -> list[ColumnElement[bool]]:
        conditions = [column <= due_to]
        if due_from is not None:
            conditions.append(column >= due_from)
        return conditions

    memo_conditions = [MEMO.status == MemoStatus.AWAITING_RESPONSE.value, ~MEMO.on_hold,
                       *bounded(MEMO.response_due_on)]
    if component is not None:
        memo_conditions.append(MEMO.component == component)
    if case_officer is not None:
        memo_conditions.append(MEMO.case_officer == case_officer)
    branches.append(
        select(MEMO.memo_id, sql_cast(null(), Integer).label("number"), MEMO.component,
               MEMO.case_officer, sql_text("response").label("clock"),
               literal_column("0", Integer).label("rank"),
               MEMO.response_due_on.label("due_on"))
        .where(*memo_conditions).order_by(MEMO.response_due_on, MEMO.memo_id).limit(top))
    for rank, name in enumerate(DUE_COLUMNS, start=1):
        column = REC[name]
        conditions = [CLOCK_ROWS[name], *bounded(column)]
        if component is not None:
            conditions.append(REC.component == component)
        if case_officer is not None:
            conditions.append(REC.case_officer == case_officer)
        clock = name.removesuffix("_due_on").removesuffix("_on")
        branches.append(
            select(REC.memo_id, REC.number, REC.component, REC.case_officer,
                   sql_text(clock).label("clock"), literal_column(str(rank), Integer).label("rank"),
                   column.label("due_on"))
            .where(*conditions).order_by(column, REC.memo_id, REC.number).limit(top))
    parts = [select(*b.subquery().c) for b in branches]
    union = union_all(*parts).subquery("clocks")
    statement = (select(union).order_by(union.c.due_on, union.c.memo_id, union.c.rank,
                                        union.c.number).limit(limit).offset(offset))
    return fetch_rows(session, statement)


def count_rows(*conditions: ColumnElement[bool]) -> Any:
    """A count as a scalar subquery, so several read their own indexes in one statement."""
    return select(func.count()).select_from(REC_TABLE).where(*conditions).scalar_subquery()
