"""Audit records: what a workflow hands the store to project, and what the store answers.

`EventRecord` and `RecordResult` travel from workflows through the `record_event` activity
into the store. They are plain pydantic models over domain models, so they live here,
where both `store` and `activities` may import them without the store importing the
activities. `activities.models` re-exports them, and their JSON (which is all a workflow
history holds) does not depend on the module they are defined in.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field, model_validator

from domain.memo import MemoState, RecommendationState
from domain.vocabulary import EventKind


class EventRecord(BaseModel):
    """One audit event plus the state after it, projected into the status rows.

    Memo events carry the memo `snapshot`; recommendation events carry `number` and that
    recommendation's state. `event_id` is `<memo_id>#<seq>` for memo events and
    `<memo_id>/<number>#<seq>` for recommendation events (each workflow counts its own
    `seq`): fixed before the first attempt, so a retried call finds its own earlier write
    and does nothing.
    """

    event_id: str
    memo_id: str
    seq: int = Field(ge=1)
    kind: EventKind
    occurred_on: date | None = None
    recorded_at: datetime  # UTC-aware, workflow.now() when the change happened
    numbers: list[int] = []
    data: dict[str, Any] = {}
    snapshot: MemoState | None = None
    number: int | None = None
    recommendation: RecommendationState | None = None

    @model_validator(mode="after")
    def _one_subject(self) -> EventRecord:
        if (self.snapshot is None) == (self.recommendation is None):
            raise ValueError("an event carries either a memo snapshot or a recommendation")
        if self.recommendation is not None and self.number != self.recommendation.number:
            raise ValueError("number must match the recommendation's number")
        return self


class RecordResult(BaseModel):
    event_id: str
    duplicate: bool  # True when a retry found the event already written
