"""record_event for recommendation events: each RecommendationWorkflow records its own
lifecycle (`<memo_id>/<n>#<seq>`), the memo keeps recording the response; the rows and
the timeline must show both, in any arrival order, whatever is retried."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.exceptions import ApplicationError

from activities.activities import RectrackActivities
from domain.memo import MemoState, Withdraw, withdraw
from domain.vocabulary import EventKind
from store.events import MemoNotRecorded, apply_event
from store.queries import get_memo_view, list_events, list_timeline, recommendation_state
from store.tables import Event, Memo, Recommendation
from tests.activities.activity_samples import (
    EVIDENCE,
    MEMO_ID,
    PLAN_ON,
    RECEIVED_ON,
    REVIEWED_ON,
    activity_env,
    closed_not_implemented,
    event_record,
    in_progress,
    issued_state,
    planned,
    rec_record,
    responded_state,
)

LATER = date(2024, 1, 1)


def row(session: Session, number: int) -> Recommendation:
    found = session.get(Recommendation, (MEMO_ID, number))
    assert found is not None
    session.refresh(found)
    return found


@pytest.fixture
def responded(session: Session) -> MemoState:
    """The memo issued (memo seq 1) and answered 1 concurred, 2 and 3 non-concurred (seq 2)."""
    issued = issued_state()
    state = responded_state(issued)
    assert not apply_event(session, record=event_record(issued, 1)).duplicate
    assert not apply_event(session, record=event_record(
        state, 2, EventKind.RESPONSE_RECORDED, RECEIVED_ON)).duplicate
    return state


def test_recommendation_event_projects_the_whole_row(
    session: Session, responded: MemoState
) -> None:
    memo_before = session.get(Memo, MEMO_ID)
    assert memo_before is not None
    memo_fields_before = memo_before.model_dump(exclude={"updated_at"})
    updated_before = memo_before.updated_at
    rec = in_progress(responded.recommendation(1))

    result = apply_event(session, record=rec_record(MEMO_ID, rec, 4, EventKind.HOLD_PLACED))

    assert not result.duplicate and result.event_id == f"{MEMO_ID}/1#4"
    one = row(session, 1)
    assert (one.last_event_seq, one.implementation, one.resolution) == (
        4, "in_progress", "resolved")
    assert (one.response, one.received_on) == ("concurred", RECEIVED_ON)
    assert one.action_plan_due_on is None and one.revision_due_on is None
    assert one.status_update_due_on == date(2023, 8, 30)  # 90 days after the update
    assert one.target_completion_on == date(2023, 12, 31)
    assert (one.on_hold, one.evidence_count, one.closed_on) == (True, 1, None)
    assert one.detail == rec.model_dump(mode="json")
    assert recommendation_state(one) == rec  # the full state comes back from `detail`
    assert recommendation_state(one).evidence == [EVIDENCE]
    memo = session.get(Memo, MEMO_ID)
    assert memo is not None
    session.refresh(memo)
    assert memo.model_dump(exclude={"updated_at"}) == memo_fields_before  # seq stays 2
    assert memo.updated_at >= updated_before

    view = get_memo_view(session, memo_id=MEMO_ID, today=LATER)
    assert view is not None
    assert [(r.number, r.implementation, r.resolution) for r in view.recommendations] == [
        (1, "in_progress", "resolved"), (2, "open", "unresolved"), (3, "open", "unresolved")]
    [event] = list_timeline(session, memo_id=MEMO_ID, number=1)[-1:]
    assert (event.number, event.seq, event.kind) == (1, 4, "hold_placed")


def test_recommendation_closure_fills_the_closure_columns(
    session: Session, responded: MemoState
) -> None:
    closed = closed_not_implemented(responded.recommendation(2))
    apply_event(session, record=rec_record(MEMO_ID, closed, 1, EventKind.RECOMMENDATION_CLOSED,
                                           occurred_on=REVIEWED_ON))
    two = row(session, 2)
    assert (two.implementation, two.closure_reason, two.closed_on, two.closure_justification) \
        == ("closed", "not_implemented", REVIEWED_ON, "Policy covers it")
    assert (two.response, two.rationale) == (
        "non_concurred", "Existing policy already covers this.")
    view = get_memo_view(session, memo_id=MEMO_ID, today=LATER)
    assert view is not None
    assert view.recommendations[1].closure_reason == "not_implemented"
    assert view.status == "responded"  # the memo row is the memo's own events' business


def test_memo_event_after_recommendation_events_keeps_their_lifecycle(
    session: Session, responded: MemoState
) -> None:
    rec = in_progress(responded.recommendation(1))
    apply_event(session, record=rec_record(MEMO_ID, rec, 3, EventKind.HOLD_PLACED))
    owned = row(session, 1).model_dump()

    # The memo's next event still carries its older copy of recommendation 1 (open, no
    # plan), and withdraws the memo: lifecycle fields of row 1 belong to its own events.
    withdrawn, _ = withdraw(responded, Withdraw(reason="superseded"))
    assert withdrawn.recommendation(1).implementation.value == "closed"
    apply_event(session, record=event_record(withdrawn, 3, EventKind.MEMO_WITHDRAWN))

    assert row(session, 1).model_dump() == owned
    # Rows no recommendation event wrote yet still follow the memo's snapshot whole.
    three = row(session, 3)
    assert (three.implementation, three.closure_reason, three.last_event_seq) == (
        "closed", "withdrawn", 0)
    assert recommendation_state(three) == withdrawn.recommendation(3)
    memo = session.get(Memo, MEMO_ID)
    assert memo is not None and (memo.status, memo.last_event_seq) == ("withdrawn", 3)


def test_memo_event_updates_the_response_of_a_recommendation_with_own_events(
    session: Session,
) -> None:
    issued = issued_state()
    apply_event(session, record=event_record(issued, 1))
    # Recommendation 1 recorded an event of its own while still awaiting (e.g. a hold).
    apply_event(session, record=rec_record(MEMO_ID, issued.recommendation(1), 1,
                                           EventKind.HOLD_PLACED))
    responded = responded_state(issued)
    apply_event(session, record=event_record(responded, 2, EventKind.RESPONSE_RECORDED,
                                             RECEIVED_ON))
    one = row(session, 1)
    assert (one.response, one.received_on, one.last_event_seq) == (
        "concurred", RECEIVED_ON, 1)
    state = recommendation_state(one)  # `detail` was patched to agree with the columns
    assert (state.response.value, state.received_on) == ("concurred", RECEIVED_ON)
    assert state.action_plan_due_on is None  # lifecycle stays the recommendation's own

    # A late event of its own that had not seen the response does not erase it.
    apply_event(session, record=rec_record(MEMO_ID, issued.recommendation(1), 2,
                                           EventKind.HOLD_LIFTED))
    one = row(session, 1)
    assert (one.response, one.received_on, one.last_event_seq) == (
        "concurred", RECEIVED_ON, 2)
    assert recommendation_state(one).response.value == "concurred"


def test_out_of_order_recommendation_event_is_kept_but_not_projected(
    session: Session, responded: MemoState
) -> None:
    first = planned(responded.recommendation(1))
    second = in_progress(responded.recommendation(1))
    apply_event(session, record=rec_record(MEMO_ID, second, 2, EventKind.RESPONSE_ACCEPTED))
    late = apply_event(session, record=rec_record(MEMO_ID, first, 1,
                                                  EventKind.ACTION_PLAN_SUBMITTED, PLAN_ON))
    assert not late.duplicate
    one = row(session, 1)
    assert (one.last_event_seq, one.implementation) == (2, "in_progress")
    assert recommendation_state(one) == second
    assert [e.event_id for e in list_timeline(session, memo_id=MEMO_ID, number=1)
            if e.number == 1] == [f"{MEMO_ID}/1#1", f"{MEMO_ID}/1#2"]  # by recorded_at


async def test_retried_recommendation_event_is_written_once(
    acts: RectrackActivities, engine: Engine, session: Session, responded: MemoState
) -> None:
    record = rec_record(MEMO_ID, planned(responded.recommendation(1)), 1,
                        EventKind.ACTION_PLAN_SUBMITTED, PLAN_ON)
    first = await activity_env(attempt=1).run(acts.record_event, record)
    retry = await activity_env(attempt=2).run(acts.record_event, record)
    assert (first.duplicate, retry.duplicate) == (False, True)
    with Session(engine) as fresh:
        events = fresh.exec(select(Event).where(Event.event_id == f"{MEMO_ID}/1#1")).all()
        assert [(e.number, e.seq, e.numbers) for e in events] == [(1, 1, [1])]
        one = fresh.get(Recommendation, (MEMO_ID, 1))
        assert one is not None and one.last_event_seq == 1
        assert one.target_completion_on == date(2023, 12, 31)


async def test_recommendation_event_before_its_memo_is_retried_later(
    acts: RectrackActivities, engine: Engine
) -> None:
    issued = issued_state()
    early = rec_record(MEMO_ID, issued.recommendation(1), 1, EventKind.HOLD_PLACED)
    with Session(engine) as session, pytest.raises(MemoNotRecorded):
        apply_event(session, record=early)
    with pytest.raises(ApplicationError) as raised:
        await activity_env().run(acts.record_event, early)
    assert raised.value.type == "MemoNotRecorded" and not raised.value.non_retryable
    with Session(engine) as session:
        assert list_events(session, memo_id=MEMO_ID) == []  # nothing half-written

    await activity_env().run(acts.record_event, event_record(issued, 1))
    assert not (await activity_env(attempt=3).run(acts.record_event, early)).duplicate
    with Session(engine) as session:
        one = session.get(Recommendation, (MEMO_ID, 1))
        assert one is not None and one.last_event_seq == 1


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2023, 3, day, hour, tzinfo=UTC)


def test_timeline_filters_by_recommendation_in_time_order(session: Session) -> None:
    issued = issued_state()
    partial = responded_state(issued).model_copy(deep=True)
    partial.recommendations[2] = issued.recommendation(3)  # 3 still awaiting
    memo_events = [
        event_record(issued, 1).model_copy(update={"recorded_at": at(1)}),
        event_record(partial, 2, EventKind.RESPONSE_RECORDED, RECEIVED_ON).model_copy(
            update={"recorded_at": at(2), "numbers": [1, 2]}),
        event_record(partial, 3, EventKind.EXTENSION_GRANTED).model_copy(
            update={"recorded_at": at(5), "numbers": []}),
    ]
    rec_events = [
        rec_record(MEMO_ID, partial.recommendation(1), 1, recorded_at=at(2, 13)),
        rec_record(MEMO_ID, partial.recommendation(2), 1, recorded_at=at(3)),
        rec_record(MEMO_ID, planned(partial.recommendation(1)), 2,
                   EventKind.ACTION_PLAN_SUBMITTED, PLAN_ON, recorded_at=at(4)),
    ]
    # Arrival order differs from the order things happened in.
    for record in [memo_events[0], rec_events[2], memo_events[2], rec_events[1],
                   memo_events[1], rec_events[0]]:
        assert not apply_event(session, record=record).duplicate

    def ids(number: int | None) -> list[str]:
        return [e.event_id for e in list_timeline(session, memo_id=MEMO_ID, number=number)]

    assert ids(1) == [f"{MEMO_ID}#1", f"{MEMO_ID}#2", f"{MEMO_ID}/1#1", f"{MEMO_ID}/1#2"]
    assert ids(2) == [f"{MEMO_ID}#1", f"{MEMO_ID}#2", f"{MEMO_ID}/2#1"]
    assert ids(3) == [f"{MEMO_ID}#1"]
    everything = [f"{MEMO_ID}#1", f"{MEMO_ID}#2", f"{MEMO_ID}/1#1", f"{MEMO_ID}/2#1",
                  f"{MEMO_ID}/1#2", f"{MEMO_ID}#3"]
    assert ids(None) == everything
    assert [e.event_id for e in list_events(session, memo_id=MEMO_ID)] == everything
    assert list_timeline(session, memo_id="OTHER", number=1) == []


def hold_event_inserts(barrier: threading.Barrier) -> Callable[..., None]:
    def hold(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO EVENT "):
            barrier.wait()
    return hold


async def test_concurrent_writes_of_one_memo_all_land(
    acts: RectrackActivities, engine: Engine, session: Session, responded: MemoState
) -> None:
    """A retried recommendation event racing itself and a memo event: one row each, and
    both projections applied (the memo row lock orders them, without deadlock)."""
    rec_event = rec_record(MEMO_ID, planned(responded.recommendation(1)), 1,
                           EventKind.ACTION_PLAN_SUBMITTED, PLAN_ON)
    withdrawn, _ = withdraw(responded, Withdraw(reason="superseded"))
    memo_event = event_record(withdrawn, 3, EventKind.MEMO_WITHDRAWN)
    hold = hold_event_inserts(threading.Barrier(3, timeout=10))
    sa_event.listen(engine, "before_cursor_execute", hold)
    try:
        results = await asyncio.gather(
            activity_env(attempt=1).run(acts.record_event, rec_event),
            activity_env(attempt=2).run(acts.record_event, rec_event),
            activity_env().run(acts.record_event, memo_event),
        )
    finally:
        sa_event.remove(engine, "before_cursor_execute", hold)

    assert sorted(r.duplicate for r in results[:2]) == [False, True]
    assert not results[2].duplicate
    with Session(engine) as fresh:
        assert sorted(e.event_id for e in list_events(fresh, memo_id=MEMO_ID)) == [
            f"{MEMO_ID}#1", f"{MEMO_ID}#2", f"{MEMO_ID}#3", f"{MEMO_ID}/1#1"]
        memo = fresh.get(Memo, MEMO_ID)
        one = fresh.get(Recommendation, (MEMO_ID, 1))
        two = fresh.get(Recommendation, (MEMO_ID, 2))
        assert memo is not None and one is not None and two is not None
        assert (memo.status, memo.last_event_seq) == ("withdrawn", 3)
        assert (one.last_event_seq, one.target_completion_on) == (1, date(2023, 12, 31))
        assert one.implementation == "open"  # its own events own its lifecycle
        assert two.closure_reason == "withdrawn"  # no event of its own yet


def test_a_recommendation_timeline_skips_the_echo_of_the_memos_response(
    session: Session,
) -> None:
    issued = issued_state()
    answered = responded_state(issued)
    apply_event(session, record=event_record(issued, 1))
    apply_event(session, record=event_record(answered, 2, EventKind.RESPONSE_RECORDED,
                                             RECEIVED_ON).model_copy(update={"numbers": [1]}))
    apply_event(session, record=rec_record(MEMO_ID, answered.recommendation(1), 1,
                                           data={"from_memo": True}))
    assert [e.event_id for e in list_timeline(session, memo_id=MEMO_ID, number=1)] == [
        f"{MEMO_ID}#1", f"{MEMO_ID}#2"]
    # The full audit log keeps it: the recommendation's row changed through it.
    assert f"{MEMO_ID}/1#1" in [e.event_id for e in list_events(session, memo_id=MEMO_ID)]
