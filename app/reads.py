"""Reads: one memo (from the store, or live from its workflow), the memo list, the
audit log, and `memo_of`, the lookup every action starts with.

Store reads run in a worker thread (app.context.Context.read); none runs DDL. Only
`live` asks Temporal, and only it imports the Temporal side (app.temporal, app.calls):
the store reads start without temporalio (`rectrack show`, `rectrack list`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from app.context import Context
from app.errors import NotFound, Unavailable
from domain.memo import MemoState
from domain.office_time import today_in
from domain.views import MemoView, view_of_state
from store.queries import (
    StoredMemoView,
    get_memo_view,
    list_memo_views,
    list_timeline,
    state_view,
)
from store.tables import EventPublic, Memo, Recommendation


@dataclass(frozen=True)
class MemoFacts:
    """What an action needs to know of a memo first: its office time zone (today's date,
    the default of every business date) and its recommendation numbers."""

    memo_id: str
    component: str
    time_zone: str
    status: str
    numbers: tuple[int, ...]

    def today(self) -> date:
        return today_in(self.time_zone)

    def on(self, given: date | None) -> date:
        """The business date of an action: as given, else today in the memo's office."""
        return given or self.today()

    @property
    def finished(self) -> str:
        """The message for an action on a memo whose workflow has finished."""
        return (f"{self.memo_id}: the memo is {self.status} and takes no more actions "
                "(its workflow has finished)")

    def check_number(self, number: int) -> None:
        if number not in self.numbers:
            raise NotFound(f"memo {self.memo_id} has no recommendation {number}",
                           field="number")


def _facts(session: Session, memo_id: str) -> MemoFacts | None:
    row = session.get(Memo, memo_id)
    if row is None:
        return None
    numbers = session.exec(select(Recommendation.number)
                           .where(Recommendation.memo_id == memo_id)
                           .order_by(col(Recommendation.number))).all()
    return MemoFacts(memo_id=memo_id, component=row.component, time_zone=row.time_zone,
                     status=row.status, numbers=tuple(numbers))


async def memo_of(ctx: Context, memo_id: str, number: int | None = None) -> MemoFacts:
    """The memo as the store knows it; NotFound if unknown, or without `number`."""
    facts = await ctx.read(lambda session: _facts(session, memo_id))
    if facts is None:
        raise NotFound(f"unknown memo {memo_id!r}", field="memo_id")
    if number is not None:
        facts.check_number(number)
    return facts


async def stored_view(ctx: Context, memo_id: str) -> StoredMemoView | None:
    """One memo as stored, or None if the store has no such memo (yet)."""
    return await ctx.read(lambda session: get_memo_view(session, memo_id=memo_id))


async def show(ctx: Context, memo_id: str) -> StoredMemoView:
    """One memo as stored; NotFound if the store has no such memo."""
    view = await stored_view(ctx, memo_id)
    if view is None:
        raise NotFound(f"unknown memo {memo_id!r}", field="memo_id")
    return view


async def live(ctx: Context, memo_id: str) -> MemoState:
    """The memo's state asked of its workflow (known to the store first)."""
    from app import temporal
    from app.calls import guarded

    await memo_of(ctx, memo_id)
    client = await ctx.client()
    return await guarded(memo_id, temporal.live_state(client, memo_id),
                         finished=f"{memo_id}: the memo's workflow cannot be queried")


async def list_memos(ctx: Context, *, overdue: bool | None = None,
                     component: str | None = None,
                     status: str | None = None) -> list[StoredMemoView]:
    """Memos by response due date, then memo id."""
    return await ctx.read(lambda session: list_memo_views(
        session, overdue=overdue, component=component, status=status))


async def timelines(ctx: Context, memo_id: str,
                    numbers: Sequence[int | None]) -> list[list[EventPublic]]:
    """The audit log of each recommendation in `numbers` (None: the whole memo's)."""
    return await ctx.read(lambda session: [
        list_timeline(session, memo_id=memo_id, number=n) for n in numbers])


async def timeline(ctx: Context, memo_id: str, number: int | None = None) -> list[EventPublic]:
    """The memo's events (or one recommendation's) in the order they happened."""
    if number is not None:
        (await memo_of(ctx, memo_id)).check_number(number)
    [events] = await timelines(ctx, memo_id, [number])
    return events


def view_now(state: MemoState) -> MemoView:
    """The view of a memo's live state, as of today in its office."""
    return view_of_state(state, today_in(state.spec.time_zone))


def stored_view_now(state: MemoState) -> StoredMemoView:
    """The same, with the store's attention fields (`show --live --json` prints it)."""
    return state_view(state, today_in(state.spec.time_zone))


async def recorded(ctx: Context, memo_id: str, *,
                   wait_seconds: float = 30.0) -> StoredMemoView | None:
    """The memo's stored view once the worker has recorded it; None if not in time."""
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        try:
            view = await ctx.read(lambda session: get_memo_view(session, memo_id=memo_id))
        except Unavailable:  # the worker has not created the store's tables yet
            view = None
        if view is not None:
            return view
        await asyncio.sleep(0.1)
    return None
