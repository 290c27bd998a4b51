"""A store as first released (revision 0001, before recommendations recorded their own
events) upgrades through the migrations: the follow-up columns are added, old rows read
with their defaults, and today's projection writes into them.

The whole chain against the models, stores without a version and concurrent upgrades are
in tests/store/test_migrations.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import column as sa_column
from sqlalchemy import insert, inspect, table
from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.vocabulary import EventKind, ResponseStatus
from store.db import UTCDateTime
from store.events import apply_event
from store.migrate import StoreOutOfDate, require_current, upgrade
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


def columns(engine: Engine, name: str) -> set[str]:
    with engine.connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns(name)}


@pytest.fixture
def old_store(blank_engine: Engine) -> Engine:
    """A store of revision 0001 holding one memo, answered by nobody yet, and its first
    event."""
    upgrade(blank_engine, "0001")
    memo = table("memo", *(sa_column(c) for c in (
        "memo_id", "title", "office", "component", "kind", "issued_on", "response_due_on",
        "time_zone", "status", "last_event_seq")),
        sa_column("created_at", UTCDateTime), sa_column("updated_at", UTCDateTime))
    rec = table("recommendation", *(sa_column(c) for c in (
        "memo_id", "number", "text", "kind", "priority", "response", "implementation",
        "resolution")))
    event = table("event", *(sa_column(c) for c in (
        "event_id", "memo_id", "seq", "kind", "occurred_on")),
        sa_column("recorded_at", UTCDateTime), sa_column("numbers", JSONType),
        sa_column("data", JSONType))
    with blank_engine.begin() as conn:
        conn.execute(insert(memo).values(
            memo_id=MEMO_ID, title="ICE use of facial recognition databases", office="CRCL",
            component="ICE", kind="recommendation", issued_on=date(2022, 9, 30),
            response_due_on=date(2022, 11, 29), time_zone="America/New_York",
            status="awaiting_response", last_event_seq=1, created_at=AT, updated_at=AT))
        conn.execute(insert(rec), [
            {"memo_id": MEMO_ID, "number": n, "text": f"Recommendation {n}",
             "kind": "recommendation", "priority": False, "response": "awaiting",
             "implementation": "open", "resolution": "unresolved"} for n in (1, 2, 3)])
        conn.execute(insert(event).values(
            event_id=f"{MEMO_ID}#1", memo_id=MEMO_ID, seq=1, kind="memo_issued",
            occurred_on=date(2022, 9, 30), recorded_at=AT, numbers=[1, 2, 3], data={}))
    for name, new in NEW_COLUMNS.items():
        assert not new & columns(blank_engine, name)
    return blank_engine


def test_upgrade_adds_the_follow_up_columns_and_indexes(old_store: Engine) -> None:
    with pytest.raises(StoreOutOfDate, match="revision 0001"):
        require_current(old_store)  # a read never upgrades

    assert upgrade(old_store).applied == ["0002", "0003", "0004", "0005"]

    for name, new in NEW_COLUMNS.items():
        assert new <= columns(old_store, name), name
    with old_store.connect() as conn:
        indexes = {i["name"] for i in inspect(conn).get_indexes("event")}
        assert "ix_event_memo_id_number" in indexes
        assert "api_token" in inspect(conn).get_table_names()  # later tables too
    assert upgrade(old_store).applied == []  # nothing left to do
    require_current(old_store)

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
