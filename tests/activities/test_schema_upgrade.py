"""create_tables on a store created before the follow-up columns: it adds what is missing.

The old shape below is the schema as it was before recommendations recorded their own
events (no `event.number`, no follow-up columns, no `recommendation.detail`).
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    insert,
    inspect,
)
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from domain.vocabulary import EventKind, ResponseStatus
from store.db import UTCDateTime, create_tables, upgrade_tables
from store.events import apply_event
from store.queries import get_memo_view, list_timeline, recommendation_state
from store.tables import JSONType, Recommendation
from tests.activities.activity_samples import MEMO_ID, issued_state, planned, rec_record

NEW_COLUMNS = {
    "memo": {"publication_due_on", "on_hold", "summary_published_on"},
    "recommendation": {"last_event_seq", "action_plan_due_on", "revision_due_on",
                       "status_update_due_on", "target_completion_on", "on_hold", "closed_on",
                       "closure_justification", "evidence_count", "detail"},
    "event": {"number"},
}
AT = datetime(2023, 2, 1, 15, 30, tzinfo=UTC)


def old_shape() -> MetaData:
    metadata = MetaData()
    Table("memo", metadata,
          Column("memo_id", String(64), primary_key=True), Column("title", String, nullable=False),
          Column("office", String), Column("component", String, nullable=False, index=True),
          Column("kind", String, nullable=False), Column("issued_on", Date, nullable=False),
          Column("response_due_on", Date, nullable=False, index=True),
          Column("time_zone", String, nullable=False),
          Column("status", String, nullable=False, index=True),
          Column("response_received_on", Date), Column("withdrawn_reason", String),
          Column("last_event_seq", Integer, nullable=False),
          Column("created_at", UTCDateTime, nullable=False),
          Column("updated_at", UTCDateTime, nullable=False))
    Table("recommendation", metadata,
          Column("memo_id", String(64), ForeignKey("memo.memo_id", ondelete="CASCADE"),
                 primary_key=True),
          Column("number", Integer, primary_key=True), Column("text", String, nullable=False),
          Column("kind", String, nullable=False), Column("priority", Boolean, nullable=False),
          Column("response", String, nullable=False, index=True), Column("rationale", String),
          Column("received_on", Date), Column("implementation", String, nullable=False),
          Column("resolution", String, nullable=False), Column("closure_reason", String))
    Table("event", metadata,
          Column("id", Integer, primary_key=True), Column("event_id", String(128), nullable=False),
          Column("memo_id", String(64), nullable=False), Column("seq", Integer, nullable=False),
          Column("kind", String, nullable=False), Column("occurred_on", Date),
          Column("recorded_at", UTCDateTime, nullable=False),
          Column("numbers", JSONType, nullable=False), Column("data", JSONType, nullable=False),
          UniqueConstraint("event_id", name="uq_event_event_id"),
          Index("ix_event_memo_id_seq", "memo_id", "seq"))
    return metadata


def columns(engine: Engine, table: str) -> set[str]:
    with engine.connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns(table)}


@pytest.fixture
def old_store(blank_engine: Engine) -> Engine:
    """An old-shaped store holding one memo, answered by nobody yet, and its first event."""
    metadata = old_shape()
    metadata.create_all(blank_engine)
    with blank_engine.begin() as conn:
        conn.execute(insert(metadata.tables["memo"]).values(
            memo_id=MEMO_ID, title="ICE use of facial recognition databases", office="CRCL",
            component="ICE", kind="recommendation", issued_on=date(2022, 9, 30),
            response_due_on=date(2022, 11, 29), time_zone="America/New_York",
            status="awaiting_response", last_event_seq=1, created_at=AT, updated_at=AT))
        conn.execute(insert(metadata.tables["recommendation"]), [
            {"memo_id": MEMO_ID, "number": n, "text": f"Recommendation {n}",
             "kind": "recommendation", "priority": False, "response": "awaiting",
             "implementation": "open", "resolution": "unresolved"} for n in (1, 2, 3)])
        conn.execute(insert(metadata.tables["event"]).values(
            event_id=f"{MEMO_ID}#1", memo_id=MEMO_ID, seq=1, kind="memo_issued",
            occurred_on=date(2022, 9, 30), recorded_at=AT, numbers=[1, 2, 3], data={}))
    for table, new in NEW_COLUMNS.items():
        assert not new & columns(blank_engine, table)
    return blank_engine


def test_create_tables_adds_missing_columns_and_indexes(old_store: Engine) -> None:
    create_tables(old_store)

    for table, new in NEW_COLUMNS.items():
        assert new <= columns(old_store, table), table
    with old_store.connect() as conn:
        indexes = {i["name"] for i in inspect(conn).get_indexes("event")}
        assert "ix_event_memo_id_number" in indexes
        assert "delivery" in inspect(conn).get_table_names()  # new tables are still created
    assert upgrade_tables(old_store, SQLModel.metadata) == []  # nothing left to add

    with Session(old_store) as session:  # old rows read with the defaults
        old = session.get(Recommendation, (MEMO_ID, 1))
        assert old is not None
        assert (old.last_event_seq, old.on_hold, old.evidence_count, old.detail) == (
            0, False, 0, None)
        assert recommendation_state(old).number == 1  # rebuilt from the columns
        view = get_memo_view(session, memo_id=MEMO_ID, today=date(2023, 1, 1))
        assert view is not None and view.counts.awaiting == 3
        [event] = list_timeline(session, memo_id=MEMO_ID, number=2)
        assert (event.event_id, event.number) == (f"{MEMO_ID}#1", None)

        # ...and the new projection writes into them.
        rec = planned(issued_state().recommendation(1).model_copy(
            update={"response": ResponseStatus.CONCURRED, "received_on": date(2023, 1, 30)}))
        apply_event(session, record=rec_record(MEMO_ID, rec, 1, EventKind.ACTION_PLAN_SUBMITTED))
        row = session.get(Recommendation, (MEMO_ID, 1))
        assert row is not None
        session.refresh(row)
        assert (row.last_event_seq, row.target_completion_on) == (1, date(2023, 12, 31))
        assert recommendation_state(row) == rec


def test_concurrent_create_tables_both_succeed(old_store: Engine) -> None:
    """Two processes upgrading at once: the loser of each ALTER finds it done."""
    both_altering = threading.Barrier(2, timeout=10)
    waited = threading.local()

    def hold_first_alter(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("ALTER TABLE") and not getattr(waited, "done", False):
            waited.done = True
            both_altering.wait()

    errors: list[BaseException] = []

    def upgrade() -> None:
        try:
            create_tables(old_store)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    sa_event.listen(old_store, "before_cursor_execute", hold_first_alter)
    try:
        threads = [threading.Thread(target=upgrade) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sa_event.remove(old_store, "before_cursor_execute", hold_first_alter)
    assert errors == []
    for table, new in NEW_COLUMNS.items():
        assert new <= columns(old_store, table), table


def test_a_column_that_cannot_be_added_is_named(blank_engine: Engine) -> None:
    before = MetaData()
    Table("thing", before, Column("id", Integer, primary_key=True))
    before.create_all(blank_engine)
    after = MetaData()
    Table("thing", after, Column("id", Integer, primary_key=True),
          Column("size", Integer, nullable=False), Column("note", JSON))
    with pytest.raises(RuntimeError, match=r"thing\.size .* nullable or have a server default"):
        upgrade_tables(blank_engine, after)
    assert columns(blank_engine, "thing") == {"id"}
