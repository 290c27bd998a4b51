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

Enumerated values are stored as plain strings (docs/contracts.md#vocabulary), so the
schema needs no database enum types and new values need no migration. A change to these
tables needs a migration (store/migrations, `rectrack db revision --autogenerate`); a
column added to tables that hold rows must be nullable or carry a server default.
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
    EMAIL = "email"  # SMTP (activities.email_notices); target: the e-mail address
    LOG = "log"


class Outcome(StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"
    REJECTED = "rejected"
    SKIPPED_DUPLICATE = "skipped_duplicate"
    # The attempt's result never came back (worker lost, timed out): the receiver may have
    # it, and the next attempt carries the same Idempotency-Key.
    UNKNOWN = "unknown"


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
    case_officer: str | None = None  # name of the spec's `case_officer` contact
    # Why the memo's clocks stopped (a failure no retry can fix, MemoState.attention);
    # None while all is well.
    attention: str | None = None


class Memo(MemoBase, table=True):
    __tablename__ = "memo"
    __table_args__ = (
        # The memo response clock of the overdue and due-soon reports.
        Index("ix_memo_status_response_due", "status", "response_due_on", "memo_id"),
    )

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
    resolved_on: date | None = None  # the office accepted the response or action plan
    attention: str | None = None  # why its clocks stopped (RecommendationState.attention)


# Partial-index predicates, repeated literally by the report queries (store.reports) so
# that both backends match index and query: open (not closed) recommendations, and the
# rows whose clock ticks (domain.recommendation.due_dates: status update and target
# completion only once in progress; nothing on hold).
OPEN_SQL = "implementation <> 'closed'"
IN_PROGRESS_SQL = "implementation = 'in_progress'"
NOT_ON_HOLD_SQL = {"sqlite": "on_hold = 0", "postgresql": "NOT on_hold"}
CLOCK_ROWS_SQL = {"action_plan_due_on": OPEN_SQL, "revision_due_on": OPEN_SQL,
                  "status_update_due_on": IN_PROGRESS_SQL,
                  "target_completion_on": IN_PROGRESS_SQL}
DUE_COLUMNS = tuple(CLOCK_ROWS_SQL)


def _partial(name: str, *columns: str, where: str, ticking: bool = False) -> Index:
    dialects = {dialect: where + (f" AND {hold}" if ticking else "")
                for dialect, hold in NOT_ON_HOLD_SQL.items()}
    return Index(name, *columns, sqlite_where=text(dialects["sqlite"]),
                 postgresql_where=text(dialects["postgresql"]))


class Recommendation(RecommendationBase, table=True):
    __tablename__ = "recommendation"
    __table_args__ = (
        # Overdue / due soon: one index per clock, over ticking recommendations only.
        # (covering: what the query reads, including the partial predicate's columns).
        *(_partial(f"ix_rec_ticking_{c}", c, "memo_id", "number", "component", "case_officer",
                   "implementation", "on_hold", "resolution", where=rows, ticking=True)
          for c, rows in CLOCK_ROWS_SQL.items()),
        # Aging, open over a year (covering: the partial predicate's column included).
        _partial("ix_rec_open_issued", "issued_on", "memo_id", "number", "implementation",
                 where=OPEN_SQL),
        _partial("ix_rec_open_component_issued", "component", "issued_on", "implementation",
                 where=OPEN_SQL),
        # Concurrence, time to response: covering, per component.
        Index("ix_rec_component_response", "component", "response", "received_on"),
        Index("ix_rec_component_days", "component", "days_to_response", "received_on"),
        # The period report's counts: covering, by date.
        Index("ix_rec_issued_ended", "issued_on", "ended_on", "component"),
        Index("ix_rec_ended_issued", "ended_on", "issued_on", "closure_reason", "component"),
        Index("ix_rec_received_on", "received_on", "component"),
        Index("ix_rec_resolved_on", "resolved_on", "component"),
    )

    memo_id: str = Field(
        primary_key=True, max_length=64, foreign_key="memo.memo_id", ondelete="CASCADE"
    )
    number: int = Field(primary_key=True, ge=1)
    last_event_seq: int = Field(default=0, sa_column_kwargs=server_zero())  # its own events' seq
    # The full RecommendationState (model_dump(mode="json")); None on rows written
    # before it existed, which are rebuilt from the columns.
    detail: dict[str, Any] | None = Field(default=None, sa_type=NullableJSONType)
    # Copies of the memo's facts, kept in sync by store.events, so that the reports read
    # one table. Filled on older stores by migration 0003.
    component: str | None = None
    issued_on: date | None = None
    case_officer: str | None = None
    # The day it stopped being open: `closed_on`, or for one closed without a date (a
    # recommendation withdrawn with its memo) the day that closure was recorded, in the
    # office time zone. None while open.
    ended_on: date | None = None
    days_to_response: int | None = None  # received_on - issued_on, once answered


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
        Index("uq_event_memo_id_chain_seq", "memo_id", "chain_seq", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    # The memo's hash chain (store.audit_chain): position, predecessor's hash, own hash.
    chain_seq: int | None = None
    prev_hash: str | None = Field(default=None, max_length=64)
    hash: str | None = Field(default=None, max_length=64)


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
    # `<idempotency_key>#<attempt>` for attempts the workflow counted itself: unique, so a
    # retried `record_delivery` never writes a row twice. NULL for older rows.
    attempt_key: str | None = Field(default=None, max_length=300)


class Delivery(DeliveryBase, table=True):
    __tablename__ = "delivery"
    __table_args__ = (Index("uq_delivery_attempt_key", "attempt_key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)


class DeliveryCreate(DeliveryBase):
    pass


class DeliveryPublic(DeliveryBase):
    id: int
