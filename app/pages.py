"""One page of the memo list, paged in SQL (LIMIT/OFFSET and a COUNT of the total).

`overdue` is exact in SQL too: a memo is overdue when it awaits a response and its due
date is before today in its own office time zone, so the condition names each office
time zone the store holds with that zone's today.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import ColumnElement, and_, false, func, not_, or_
from sqlmodel import Session, col, select

from app.context import Context
from domain.office_time import today_in
from domain.vocabulary import MemoStatus
from store.queries import StoredMemoView, view_from_rows
from store.tables import Memo, Recommendation

AWAITING = MemoStatus.AWAITING_RESPONSE.value


def _overdue(session: Session) -> ColumnElement[bool]:
    zones = session.exec(select(Memo.time_zone).distinct()).all()
    late = [and_(col(Memo.time_zone) == zone, col(Memo.response_due_on) < today_in(zone))
            for zone in zones]
    return and_(col(Memo.status) == AWAITING, or_(*late)) if late else false()


def page_of_memos(session: Session, *, overdue: bool | None, component: str | None,
                  status: str | None, limit: int,
                  offset: int) -> tuple[list[StoredMemoView], int]:
    """The page of memos (by response due date, then memo id) and the total matching."""
    conditions: list[ColumnElement[bool]] = []
    if component is not None:
        conditions.append(col(Memo.component) == component)
    if status is not None:
        conditions.append(col(Memo.status) == status)
    if overdue is not None:
        late = _overdue(session)
        conditions.append(late if overdue else not_(late))
    total = session.exec(select(func.count()).select_from(Memo).where(*conditions)).one()
    memos = session.exec(
        select(Memo).where(*conditions)
        .order_by(col(Memo.response_due_on), col(Memo.memo_id)).limit(limit).offset(offset)
    ).all()
    recs: dict[str, list[Recommendation]] = defaultdict(list)
    if memos:
        for rec in session.exec(
                select(Recommendation)
                .where(col(Recommendation.memo_id).in_([m.memo_id for m in memos]))
                .order_by(col(Recommendation.memo_id), col(Recommendation.number))):
            recs[rec.memo_id].append(rec)
    todays = {zone: today_in(zone) for zone in {m.time_zone for m in memos}}
    return [view_from_rows(m, recs[m.memo_id], todays[m.time_zone]) for m in memos], total


async def page(ctx: Context, *, overdue: bool | None = None, component: str | None = None,
               status: str | None = None, limit: int = 100,
               offset: int = 0) -> tuple[list[StoredMemoView], int]:
    """A page of the memo list and the number of memos matching, over all pages."""
    return await ctx.read(lambda session: page_of_memos(
        session, overdue=overdue, component=component, status=status, limit=limit,
        offset=offset))
