"""The store tables (SQLModel families: a Base with the shared fields, the table, a Public).

- `memo` and `recommendation` are status projection rows, written by `apply_event`. The
  memo row is the state after the memo's latest recorded event (`memo.last_event_seq`).
  A recommendation row's lifecycle is the state after that recommendation's own latest
  event (`recommendation.last_event_seq`, its workflow's own counter; `detail` holds the
  full state); its response fields come from the memo's events.
- `event` is the append-only audit log; `event_id` (`<memo_id>#<seq>` for memo events,
  `<memo_id>/<number>#<seq>` for recommendation events) is unique so a retried write is
  detected. Two workflows count `seq`, so events are ordered by `recorded_at`, then `id`.
- `delivery` holds one row per delivery attempt of a notice.

Enumerated values are stored as plain strings (the vocabulary of DESIGN.md), so the
schema needs no database enum types and new values need no migration. Columns added
after a table was first created must be nullable or carry a server default:
`store.db.create_tables` adds them to existing databases with ALTER TABLE.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint, false, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from store.db import UTCDateTime

JSONType = JSON().with_variant(JSONB(), "postgresql")
# A nullable JSON column: Python None is SQL NULL, not the JSON literal null.
NullableJSONType = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
# Server defaults, so ALTER TABLE can add NOT NULL columns to tables that have rows.
def server_zero() -> dict[str, Any]:
    return {"server_default": text("0")}


def server_false() -> dict[str, Any]:
    return {"server_default": false()}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Channel(StrEnum):
    WEBHOOK = "webhook"
    LOG = "log"


class Outcome(StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"
    REJECTED = "rejected"
    SKIPPED_DUPLICATE = "skipped_duplicate"


# -- memo ---------------------------------------------------------------------------------


class MemoBase(SQLModel):
    title: str
    office: str | None = None
    component: str = Field(index=True)
    kind: str = "recommendation"
    issued_on: date
    response_due_on: date = Field(index=True)
    time_zone: str = "America/New_York"
    status: str = Field(default="awaiting_response", index=True)
    response_received_on: date | None = None
    withdrawn_reason: str | None = None
    publication_due_on: date | None = None
    on_hold: bool = Field(default=False, sa_column_kwargs=server_false())
    summary_published_on: date | None = None


class Memo(MemoBase, table=True):
    __tablename__ = "memo"

    memo_id: str = Field(primary_key=True, max_length=64)
    last_event_seq: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MemoPublic(MemoBase):
    memo_id: str
    last_event_seq: int
    created_at: datetime
    updated_at: datetime


# -- recommendation -----------------------------------------------------------------------


class RecommendationBase(SQLModel):
    text: str
    kind: str = "recommendation"
    priority: bool = False
    response: str = Field(default="awaiting", index=True)
    rationale: str | None = None
    received_on: date | None = None
    implementation: str = "open"
    resolution: str = "unresolved"
    closure_reason: str | None = None
    action_plan_due_on: date | None = None
    revision_due_on: date | None = None
    status_update_due_on: date | None = None
    target_completion_on: date | None = None  # from the action plan
    on_hold: bool = Field(default=False, sa_column_kwargs=server_false())
    closed_on: date | None = None
    closure_justification: str | None = None
    evidence_count: int = Field(default=0, sa_column_kwargs=server_zero())


class Recommendation(RecommendationBase, table=True):
    __tablename__ = "recommendation"

    memo_id: str = Field(
        primary_key=True, max_length=64, foreign_key="memo.memo_id", ondelete="CASCADE"
    )
    number: int = Field(primary_key=True, ge=1)
    last_event_seq: int = Field(default=0, sa_column_kwargs=server_zero())  # its own events' seq
    # The full RecommendationState (model_dump(mode="json")); None on rows written
    # before it existed, which are rebuilt from the columns.
    detail: dict[str, Any] | None = Field(default=None, sa_type=NullableJSONType)


class RecommendationPublic(RecommendationBase):
    memo_id: str
    number: int
    last_event_seq: int


# -- event (append-only audit log) ----------------------------------------------------------


class EventBase(SQLModel):
    event_id: str = Field(max_length=128)
    memo_id: str = Field(max_length=64)
    seq: int  # the recording workflow's own counter (memo or recommendation)
    number: int | None = None  # set on a recommendation's own events
    kind: str
    occurred_on: date | None = None
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    numbers: list[int] = Field(default_factory=list, sa_type=JSONType)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)


class Event(EventBase, table=True):
    __tablename__ = "event"
    __table_args__ = (
        UniqueConstraint("event_id", name="uq_event_event_id"),
        Index("ix_event_memo_id_seq", "memo_id", "seq"),
        Index("ix_event_memo_id_number", "memo_id", "number"),
    )

    id: int | None = Field(default=None, primary_key=True)


class EventPublic(EventBase):
    id: int


# -- delivery (one row per attempt) -------------------------------------------------------


class DeliveryBase(SQLModel):
    idempotency_key: str = Field(index=True, max_length=255)
    memo_id: str = Field(index=True, max_length=64)
    kind: str
    role: str
    channel: str  # Channel
    target: str | None = None  # webhook URL; None for the log channel
    attempt: int = Field(default=1, ge=1)
    outcome: str  # Outcome
    status_code: int | None = None
    error: str | None = None
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Delivery(DeliveryBase, table=True):
    __tablename__ = "delivery"

    id: int | None = Field(default=None, primary_key=True)


class DeliveryCreate(DeliveryBase):
    pass


class DeliveryPublic(DeliveryBase):
    id: int
