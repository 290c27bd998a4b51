"""Payloads exchanged between workflows and activities (pydantic, sandbox-safe)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from domain.ladder import LadderStep, ReminderLadder
from domain.memo import Contact, MemoState
from domain.vocabulary import EventKind, NoticeKind


class EventRecord(BaseModel):
    """One audit event plus the memo state after it, projected into the status rows.

    `event_id` is `<memo_id>#<seq>`: fixed by the workflow before the first attempt, so a
    retried call finds its own earlier write and does nothing.
    """

    event_id: str
    memo_id: str
    seq: int = Field(ge=1)
    kind: EventKind
    occurred_on: date | None = None
    recorded_at: datetime  # UTC-aware, workflow.now() when the change happened
    numbers: list[int] = []
    data: dict[str, Any] = {}
    snapshot: MemoState


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
