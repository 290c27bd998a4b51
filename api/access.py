"""Finding the memo a request names, as the token may see it.

The memo comes from the store: its component decides what an agency token may see (a
memo of another component is 404, exactly like a memo that does not exist), and its
office time zone gives "today", the default of every business date the CLI defaults.

(No `from __future__ import annotations` here: FastAPI must resolve the annotations of
the dependencies built in closures, which name local variables.)
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlmodel import col, select

from api.context import context_of
from api.problems import ProblemError
from api.tokens import Principal, allow
from domain.memo import MEMO_ID_PATTERN
from domain.office_time import today_in
from store.tables import Memo, Recommendation
from store.tokens import Role

MemoId = Annotated[str, Path(pattern=MEMO_ID_PATTERN, max_length=64,
                             description="the memo id, `[A-Za-z0-9._-]{1,64}`",
                             examples=["CRCL-2022-ICE-FRD"])]
Number = Annotated[int, Path(ge=1, le=100_000, description="the recommendation number")]


@dataclass(frozen=True)
class StoredMemo:
    memo_id: str
    component: str
    time_zone: str
    status: str
    numbers: tuple[int, ...]
    who: Principal

    @property
    def finished(self) -> str:
        """The problem detail for an action on a memo whose workflow has finished."""
        return (f"{self.memo_id}: the memo is {self.status} and takes no more actions "
                "(its workflow has finished)")

    def today(self) -> date:
        return today_in(self.time_zone)

    def on(self, given: date | None) -> date:
        """The business date of an action: as given, else today in the memo's office."""
        return given or self.today()


@dataclass(frozen=True)
class StoredRecommendation:
    memo: StoredMemo
    number: int


def find_memo(request: Request, who: Principal, memo_id: str) -> StoredMemo:
    """The memo as `who` may see it; 404 if absent or another component's (for agencies)."""
    with context_of(request).session() as session:
        row = session.get(Memo, memo_id)
        numbers = session.exec(
            select(Recommendation.number).where(Recommendation.memo_id == memo_id)
            .order_by(col(Recommendation.number))).all() if row is not None else []
    if row is None or not who.may_see(row.component):
        raise ProblemError(404, f"unknown memo {memo_id!r}", field="memo_id")
    return StoredMemo(memo_id=memo_id, component=row.component, time_zone=row.time_zone,
                      status=row.status, numbers=tuple(numbers), who=who)


def memo_access(*roles: Role) -> Callable[..., StoredMemo]:
    """A dependency: the role check (403) first, then the memo lookup (404). A plain
    `def`: the store lookup blocks, so FastAPI runs it in its thread pool."""
    role_check = allow(*roles)

    def dependency(request: Request, memo_id: MemoId,
                   who: Annotated[Principal, Depends(role_check)]) -> StoredMemo:
        return find_memo(request, who, memo_id)

    return dependency


def recommendation_access(*roles: Role) -> Callable[..., Awaitable[StoredRecommendation]]:
    """As `memo_access`, then the recommendation number (404 if the memo has none such)."""
    memo_dependency = memo_access(*roles)

    async def dependency(number: Number, memo: Annotated[StoredMemo, Depends(memo_dependency)]
                         ) -> StoredRecommendation:
        if number not in memo.numbers:
            raise ProblemError(404, f"memo {memo.memo_id} has no recommendation {number}",
                               field="number")
        return StoredRecommendation(memo=memo, number=number)

    return dependency
