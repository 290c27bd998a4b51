"""Payloads exchanged between workflows and activities (pydantic, sandbox-safe)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from domain.clocks import Clock
from domain.ladder import LadderStep, ReminderLadder
from domain.memo import Contact, MemoState, RecommendationState
from domain.vocabulary import EventKind, NoticeKind


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


class NoticeRequest(BaseModel):
    """One consolidated notice to one recipient role."""

    idempotency_key: str  # stable across retries: <memo_id>/<step key>/<role>
    memo_id: str
    kind: NoticeKind
    role: str
    contact: Contact | None  # None: nobody is registered for the role; goes to the log
    subject: str
    payload: dict[str, Any]


class DeliveryResult(BaseModel):
    idempotency_key: str
    channel: str  # "webhook" or "log"
    status_code: int | None = None
    duplicate: bool = False  # an earlier attempt had already delivered it


class PlanRequest(BaseModel):
    due_on: date
    time_zone: str
    ladder: ReminderLadder
    now: datetime  # UTC-aware
    issued_on: date | None = None  # no ladder step before the memo existed
    limit: int = Field(default=12, ge=1)
    notice_hour: int | None = Field(default=None, ge=0, le=23)  # None: the worker's setting


class PlannedNotice(BaseModel):
    step: LadderStep
    at: datetime  # UTC instant: notice_hour office time on step.on


class DeadlinePlan(BaseModel):
    due_on: date
    overdue_at: datetime  # UTC instant: 00:00 office time on the day after due_on
    notices: list[PlannedNotice]


class ClocksPlanRequest(BaseModel):
    """Plan several clocks of one memo or recommendation in one activity call."""

    clocks: list[Clock]
    time_zone: str
    now: datetime  # UTC-aware
    issued_on: date | None = None
    limit: int = Field(default=6, ge=1)


class ClockPlan(BaseModel):
    clock: Clock
    plan: DeadlinePlan


class NoticeAttempt(BaseModel):
    """One attempt to deliver a notice: the workflow counts attempts itself, so the outcome
    of each one is in its history before the store is touched."""

    request: NoticeRequest
    attempt: int = Field(ge=1)


class AttemptOutcome(BaseModel):
    """What one delivery attempt came to (`post_notice`'s result)."""

    # As in store.tables.Outcome; "unknown": the attempt never reported back (worker lost).
    outcome: Literal["delivered", "failed", "rejected", "unknown"]
    channel: str  # "webhook" or "log"
    target: str | None = None
    status_code: int | None = None
    error: str | None = None
    retry_after_seconds: int | None = None  # the receiver's Retry-After, if usable


class DeliveryAttemptRecord(BaseModel):
    """A delivery attempt and its outcome, written to the delivery log by `record_delivery`
    (idempotent on `<idempotency_key>#<attempt>`)."""

    request: NoticeRequest
    attempt: int = Field(ge=1)
    outcome: AttemptOutcome
    at: datetime  # UTC-aware: when the workflow learned the outcome
