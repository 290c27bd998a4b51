"""record_event: one audit row per event however often it is retried; status projection."""

from __future__ import annotations

import asyncio
import threading
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.exceptions import ApplicationError

from activities.activities import RectrackActivities
from domain.vocabulary import EventKind
from store.queries import get_memo_view, list_events
from store.tables import Memo, Recommendation
from tests.activities.activity_samples import (
    DUE_ON,
    MEMO_ID,
    RECEIVED_ON,
    activity_env,
    event_record,
    issued_state,
    responded_state,
)

LATER = date(2024, 1, 1)


async def test_retried_record_event_writes_one_event(
    acts: RectrackActivities, engine: Engine
) -> None:
    record = event_record(issued_state(), seq=1)

    first = await activity_env(attempt=1).run(acts.record_event, record)
    retry = await activity_env(attempt=2).run(acts.record_event, record)

    assert (first.duplicate, retry.duplicate) == (False, True)
    assert first.event_id == retry.event_id == f"{MEMO_ID}#1"
    with Session(engine) as session:
        events = list_events(session, memo_id=MEMO_ID)
        assert [(e.seq, e.kind) for e in events] == [(1, "memo_issued")]
        assert events[0].recorded_at == record.recorded_at
        assert events[0].recorded_at.tzinfo is not None
        assert events[0].numbers == [1, 2, 3]
        assert events[0].data == {"status": "awaiting_response", "on": None}
        view = get_memo_view(session, memo_id=MEMO_ID, today=date(2022, 10, 1))
    assert view is not None
    assert view.status == "awaiting_response"
    assert view.counts.awaiting == 3


async def test_two_concurrent_retries_race_to_one_event(
    acts: RectrackActivities, engine: Engine
) -> None:
    """Both attempts pass the existence check, then race on the unique event_id."""
    record = event_record(issued_state(), seq=1)
    both_inserting = threading.Barrier(2, timeout=10)

    def hold_event_inserts(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool
    ) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO EVENT "):
            both_inserting.wait()

    sa_event.listen(engine, "before_cursor_execute", hold_event_inserts)
    try:
        results = await asyncio.gather(
            activity_env(attempt=1).run(acts.record_event, record),
            activity_env(attempt=2).run(acts.record_event, record),
        )
    finally:
        sa_event.remove(engine, "before_cursor_execute", hold_event_inserts)

    assert sorted(r.duplicate for r in results) == [False, True]
    with Session(engine) as session:
        assert [e.event_id for e in list_events(session, memo_id=MEMO_ID)] == [f"{MEMO_ID}#1"]
        memo = session.get(Memo, MEMO_ID)
        assert memo is not None and memo.last_event_seq == 1
        assert len(session.exec(select(Recommendation)).all()) == 3


async def test_projection_upserts_memo_and_recommendations(
    acts: RectrackActivities, engine: Engine
) -> None:
    issued = issued_state()
    responded = responded_state(issued)
    await activity_env().run(acts.record_event, event_record(issued, seq=1))
    await activity_env().run(
        acts.record_event,
        event_record(responded, seq=2, kind=EventKind.RESPONSE_RECORDED, occurred_on=RECEIVED_ON),
    )

    with Session(engine) as session:
        view = get_memo_view(session, memo_id=MEMO_ID, today=LATER)
        memo = session.get(Memo, MEMO_ID)
        recs = session.exec(select(Recommendation)).all()
    assert view is not None and memo is not None
    assert view.status == "responded"
    assert view.response_due_on == DUE_ON
    assert view.response_received_on == RECEIVED_ON
    assert view.days_late == 62
    assert view.overdue is False
    counts = view.counts
    assert (counts.concurred, counts.non_concurred, counts.partially_concurred,
            counts.awaiting) == (1, 2, 0, 0)
    assert [(r.number, r.response, r.days_late) for r in view.recommendations] == [
        (1, "concurred", 62), (2, "non_concurred", 62), (3, "non_concurred", 62)]
    assert memo.last_event_seq == 2
    assert memo.response_received_on == RECEIVED_ON
    assert memo.updated_at >= memo.created_at
    assert memo.created_at.tzinfo is not None
    assert len(recs) == 3  # updated in place, not duplicated


async def test_out_of_order_event_does_not_regress_the_projection(
    acts: RectrackActivities, engine: Engine
) -> None:
    issued = issued_state()
    responded = responded_state(issued)
    late_first = event_record(responded, seq=2, kind=EventKind.RESPONSE_RECORDED,
                              occurred_on=RECEIVED_ON)
    stale = event_record(issued, seq=1)

    assert not (await activity_env().run(acts.record_event, late_first)).duplicate
    assert not (await activity_env().run(acts.record_event, stale)).duplicate

    with Session(engine) as session:
        memo = session.get(Memo, MEMO_ID)
        view = get_memo_view(session, memo_id=MEMO_ID, today=LATER)
        seqs = [e.seq for e in list_events(session, memo_id=MEMO_ID)]
    assert memo is not None and view is not None
    assert memo.last_event_seq == 2
    assert view.status == "responded"
    assert view.counts.awaiting == 0
    assert seqs == [1, 2]  # both events are in the audit log, in seq order


async def test_mismatched_snapshot_is_not_retryable(acts: RectrackActivities) -> None:
    record = event_record(issued_state(), seq=1).model_copy(update={"memo_id": "OTHER-MEMO"})
    with pytest.raises(ApplicationError) as raised:
        await activity_env().run(acts.record_event, record)
    assert raised.value.non_retryable
    assert raised.value.type == "InvalidEventRecord"

