"""Response models that are not domain or store models themselves."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from domain.followup import Hold
from domain.memo import Extension, MemoState, Publication, RecommendationState
from domain.recommendation import due_dates
from domain.views import MemoView
from store.queries import StoredMemoView


class MemoPage(BaseModel):
    """One page of memos, by response due date then memo id."""

    items: list[StoredMemoView]  # with `attention` and `needs_attention`
    total: int = Field(description="memos matching the filters, over all pages")
    limit: int
    offset: int


class MemoOutcome(BaseModel):
    """The memo after a memo-level action, as its workflow holds it."""

    memo: MemoView = Field(description="the `show` view (docs/contracts.md#memo-view)")
    hold: Hold | None
    extensions: list[Extension]
    publications: list[Publication]
    publication_due_on: date | None
    withdrawn_reason: str | None


class RecommendationOutcome(BaseModel):
    """One recommendation after an action on it, as its workflow holds it."""

    memo_id: str
    number: int
    state: RecommendationState
    due_dates: dict[str, date] = Field(description="its open clocks, by clock name")

    @classmethod
    def of(cls, memo_id: str, state: RecommendationState) -> RecommendationOutcome:
        return cls(memo_id=memo_id, number=state.number, state=state,
                   due_dates=due_dates(state))


class LiveMemo(BaseModel):
    """A memo asked of its workflow (not the store): the view and the full live state."""

    memo: StoredMemoView  # with the attention fields, as GET /memos/{id}
    state: MemoState
