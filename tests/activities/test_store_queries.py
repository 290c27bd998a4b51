"""The store: engine set-up, UTC timestamps and the read queries managers use."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session

from domain.memo import MemoState, Withdraw, withdraw
from domain.vocabulary import EventKind
from store.db import make_engine
from store.deliveries import create_delivery, get_delivered
from store.events import apply_event
from store.migrate import upgrade
from store.queries import get_memo_view, list_deliveries, list_memo_views
from store.tables import DeliveryCreate, Recommendation
from tests.activities.activity_samples import event_record, issued_state, responded_state

TODAY = date(2023, 1, 1)


def test_make_engine_creates_the_directory_and_sets_pragmas(tmp_path: Path) -> None:
    db_file = tmp_path / "deep" / "er" / "rectrack.db"
    engine = make_engine(f"sqlite:///{db_file}")
    try:
        upgrade(engine)
        upgrade(engine)  # idempotent
        assert db_file.exists()
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        with Session(engine) as session:  # foreign keys are enforced
            session.add(Recommendation(memo_id="NO-SUCH-MEMO", number=1, text="orphan"))
            with pytest.raises(IntegrityError):
                session.commit()
    finally:
        engine.dispose()


def delivery(at: datetime, key: str = "k1", outcome: str = "delivered") -> DeliveryCreate:
    return DeliveryCreate(idempotency_key=key, memo_id="M-1", kind="reminder", role="component",
                          channel="log", outcome=outcome, at=at)


def test_timestamps_come_back_utc_aware(engine: Engine) -> None:
    local = datetime(2023, 1, 30, 9, 15, tzinfo=ZoneInfo("America/New_York"))
    with Session(engine) as session:
        created = create_delivery(session, delivery_in=delivery(local))
    assert created.at == local and created.at.utcoffset() is not None
    with Session(engine) as session:
        [row] = list_deliveries(session)
    assert row.at == datetime(2023, 1, 30, 14, 15, tzinfo=UTC)
    assert row.at.tzinfo is UTC


def test_naive_timestamps_are_refused(engine: Engine) -> None:
    with Session(engine) as session:
        with pytest.raises(StatementError, match="naive datetime"):
            create_delivery(session, delivery_in=delivery(datetime(2023, 1, 30, 9, 15)))


def test_list_deliveries_filters(engine: Engine) -> None:
    at = datetime(2023, 1, 30, tzinfo=UTC)
    with Session(engine) as session:
        create_delivery(session, delivery_in=delivery(at, "k1", "failed"))
        create_delivery(session, delivery_in=delivery(at, "k1", "delivered"))
        create_delivery(session, delivery_in=delivery(at, "k2", "delivered"))
        assert [d.outcome for d in list_deliveries(session, idempotency_key="k1")] == [
            "failed", "delivered"]
        assert len(list_deliveries(session, memo_id="M-1")) == 3
        assert list_deliveries(session, memo_id="M-2") == []
        found = get_delivered(session, idempotency_key="k1")
        assert found is not None and found.id == 2
        assert get_delivered(session, idempotency_key="k3") is None


def put(session: Session, state: MemoState, seq: int = 1) -> None:
    result = apply_event(session, record=event_record(state, seq, EventKind.MEMO_ISSUED))
    assert not result.duplicate


@pytest.fixture
def memos(session: Session) -> Session:
    """Six memos: two overdue on TODAY, one due TODAY, one answered, one withdrawn, one future."""
    put(session, issued_state("A-ICE-OVERDUE", due_on=date(2022, 11, 29)))
    put(session, issued_state("B-CBP-OVERDUE", component="CBP", due_on=date(2022, 12, 15)))
    put(session, responded_state(issued_state("C-ICE-RESPONDED", due_on=date(2022, 11, 29))))
    withdrawn, _ = withdraw(issued_state("D-ICE-WITHDRAWN", due_on=date(2022, 12, 1)),
                            Withdraw(reason="superseded by a new review"))
    put(session, withdrawn)
    put(session, issued_state("E-ICE-DUE-TODAY", due_on=TODAY))
    put(session, issued_state("F-TSA-FUTURE", component="TSA", issued_on=date(2098, 11, 2),
                              due_on=date(2099, 1, 1)))
    return session


def ids(session: Session, **filters: object) -> list[str]:
    return [v.memo_id for v in list_memo_views(session, **filters)]  # type: ignore[arg-type]


def test_list_memo_views_sorted_by_due_date_then_id(memos: Session) -> None:
    assert ids(memos, today=TODAY) == ["A-ICE-OVERDUE", "C-ICE-RESPONDED", "D-ICE-WITHDRAWN",
                                       "B-CBP-OVERDUE", "E-ICE-DUE-TODAY", "F-TSA-FUTURE"]


def test_list_memo_views_overdue_filter(memos: Session) -> None:
    assert ids(memos, overdue=True, today=TODAY) == ["A-ICE-OVERDUE", "B-CBP-OVERDUE"]
    assert ids(memos, overdue=False, today=TODAY) == [
        "C-ICE-RESPONDED", "D-ICE-WITHDRAWN", "E-ICE-DUE-TODAY", "F-TSA-FUTURE"]
    [a, b] = list_memo_views(memos, overdue=True, today=TODAY)
    assert (a.overdue, a.days_late, b.days_late) == (True, 33, 17)
    # Without a fixed today each memo uses today in its office time zone.
    assert ids(memos, overdue=True) == ["A-ICE-OVERDUE", "B-CBP-OVERDUE", "E-ICE-DUE-TODAY"]


def test_list_memo_views_component_and_status_filters(memos: Session) -> None:
    assert ids(memos, component="ICE", today=TODAY) == [
        "A-ICE-OVERDUE", "C-ICE-RESPONDED", "D-ICE-WITHDRAWN", "E-ICE-DUE-TODAY"]
    assert ids(memos, component="ICE", overdue=True, today=TODAY) == ["A-ICE-OVERDUE"]
    assert ids(memos, status="withdrawn", today=TODAY) == ["D-ICE-WITHDRAWN"]
    assert ids(memos, status="awaiting_response", component="CBP", today=TODAY) == [
        "B-CBP-OVERDUE"]
    assert ids(memos, component="NOBODY", today=TODAY) == []


def test_get_memo_view(memos: Session) -> None:
    assert get_memo_view(memos, memo_id="NO-SUCH-MEMO") is None
    withdrawn = get_memo_view(memos, memo_id="D-ICE-WITHDRAWN", today=TODAY)
    assert withdrawn is not None
    assert (withdrawn.status, withdrawn.overdue, withdrawn.days_late) == ("withdrawn", False, 0)
    assert {r.closure_reason for r in withdrawn.recommendations} == {"withdrawn"}
    awaiting = get_memo_view(memos, memo_id="A-ICE-OVERDUE")  # today in New York
    assert awaiting is not None and awaiting.overdue and awaiting.days_late > 700
