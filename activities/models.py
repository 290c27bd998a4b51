"""Payloads exchanged between workflows and activities (pydantic, sandbox-safe).

`EventRecord` and `RecordResult` are defined in `domain.records`, because the store
projects them too and must not import the activities; they are re-exported here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from domain.clocks import Clock
from domain.ladder import LadderStep, ReminderLadder
from domain.memo import Contact
from domain.records import EventRecord as EventRecord  # re-exported
from domain.records import RecordResult as RecordResult  # re-exported
from domain.vocabulary import NoticeKind


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
    channel: str  # "webhook", "email" or "log"
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
    # An imported memo: a step whose notice instant is before this was the old system's
    # business and is dropped, not caught up.
    quiet_before: datetime | None = None


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
    quiet_before: datetime | None = None  # as in PlanRequest


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
    channel: str  # "webhook", "email" or "log"
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
