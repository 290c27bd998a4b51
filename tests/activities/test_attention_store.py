"""The attention state in the store: projected from memo and recommendation events, read by
the views, and added to stores created before it existed. Real SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.memo import MemoState
from domain.vocabulary import EventKind, ResponseStatus
from store.events import apply_event
from store.migrate import upgrade
from store.queries import get_memo_view, list_memo_views
from store.tables import Memo, Recommendation
from tests.activities.activity_samples import (
    MEMO_ID,
    event_record,
    issued_state,
    planned,
    rec_record,
)

TODAY = date(2023, 1, 1)
REASON = "no reminder date: the due date 9999-12-31 is past the end of the calendar"


def flagged(state: MemoState, reason: str | None) -> MemoState:
    return state.model_copy(update={"attention": reason})


def test_memo_attention_is_projected_and_cleared(session: Session) -> None:
    state = issued_state()
    apply_event(session, record=event_record(state, 1))
    apply_event(session, record=event_record(flagged(state, REASON), 2,
                                             EventKind.ATTENTION_NEEDED))

    memo = session.get(Memo, MEMO_ID)
    assert memo is not None and memo.attention == REASON
    view = get_memo_view(session, memo_id=MEMO_ID, today=TODAY)
    assert view is not None
    assert (view.attention, view.needs_attention) == (REASON, True)
    assert view.attention_reasons == [REASON]
    assert all(r.attention is None for r in view.recommendations)
    dumped = view.model_dump(mode="json")
    assert dumped["attention"] == REASON and dumped["needs_attention"] is True
    assert [r["attention"] for r in dumped["recommendations"]] == [None, None, None]

    apply_event(session, record=event_record(state, 3, EventKind.ATTENTION_CLEARED))
    session.expire_all()
    view = get_memo_view(session, memo_id=MEMO_ID, today=TODAY)
    assert view is not None
    assert (view.attention, view.needs_attention, view.attention_reasons) == (None, False, [])


def test_recommendation_attention_flags_its_memo(session: Session) -> None:
    state = issued_state()
    apply_event(session, record=event_record(state, 1))
    rec = planned(state.recommendation(2).model_copy(
        update={"response": ResponseStatus.CONCURRED, "received_on": date(2023, 1, 30)}))
    apply_event(session, record=rec_record(MEMO_ID, rec, 1, EventKind.ACTION_PLAN_SUBMITTED))
    apply_event(session, record=rec_record(MEMO_ID, rec.model_copy(update={"attention": REASON}),
                                           2, EventKind.ATTENTION_NEEDED))

    row = session.get(Recommendation, (MEMO_ID, 2))
    assert row is not None and row.attention == REASON
    assert row.detail is not None and row.detail["attention"] == REASON
    view = get_memo_view(session, memo_id=MEMO_ID, today=TODAY)
    assert view is not None
    assert (view.attention, view.needs_attention) == (None, True)
    assert [r.attention for r in view.recommendations] == [None, REASON, None]
    assert view.attention_reasons == [f"#2: {REASON}"]

    # A later memo event (its snapshot knows nothing of it) leaves the row's attention.
    apply_event(session, record=event_record(state, 2, EventKind.EXTENSION_GRANTED))
    session.expire_all()
    row = session.get(Recommendation, (MEMO_ID, 2))
    assert row is not None and row.attention == REASON

    apply_event(session, record=rec_record(MEMO_ID, rec, 3, EventKind.ATTENTION_CLEARED))
    session.expire_all()
    view = get_memo_view(session, memo_id=MEMO_ID, today=TODAY)
    assert view is not None and not view.needs_attention


def test_list_filters_memos_needing_attention(session: Session) -> None:
    calm, memo_flag, rec_flag = (issued_state(f"M-{n}") for n in (1, 2, 3))
    for state in (calm, memo_flag, rec_flag):
        apply_event(session, record=event_record(state, 1))
    apply_event(session, record=event_record(flagged(memo_flag, REASON), 2,
                                             EventKind.ATTENTION_NEEDED))
    rec = rec_flag.recommendation(1).model_copy(update={"attention": REASON})
    apply_event(session, record=rec_record("M-3", rec, 1, EventKind.ATTENTION_NEEDED))

    def ids(needs_attention: bool) -> list[str]:
        return [v.memo_id for v in list_memo_views(session, today=TODAY,
                                                   needs_attention=needs_attention)]

    assert ids(needs_attention=True) == ["M-2", "M-3"]
    assert ids(needs_attention=False) == ["M-1"]
    assert [v.needs_attention for v in list_memo_views(session, today=TODAY)] == [
        False, True, True]


def _columns(engine: Engine, table: str) -> set[str]:
    with engine.connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns(table)}


def test_an_older_store_gains_the_attention_columns(blank_engine: Engine) -> None:
    """A store of the shape just before `attention` (the columns dropped) is upgraded, its
    rows read as needing no attention, and the next event writes the column (migration
    0004 adds the columns; the store is marked as of 0003, the revision before it)."""
    upgrade(blank_engine)
    state = issued_state()
    with Session(blank_engine) as session:
        apply_event(session, record=event_record(state, 1))
    with blank_engine.begin() as conn:
        for table in ("memo", "recommendation"):
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN attention"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0003'"))
    assert "attention" not in _columns(blank_engine, "memo")

    assert upgrade(blank_engine).applied == ["0004", "0005"]

    assert "attention" in _columns(blank_engine, "memo")
    assert "attention" in _columns(blank_engine, "recommendation")
    with Session(blank_engine) as session:
        view = get_memo_view(session, memo_id=MEMO_ID, today=TODAY)
        assert view is not None and not view.needs_attention
        apply_event(session, record=event_record(flagged(state, REASON), 2,
                                                 EventKind.ATTENTION_NEEDED))
        view = get_memo_view(session, memo_id=MEMO_ID, today=TODAY)
        assert view is not None and view.attention == REASON
