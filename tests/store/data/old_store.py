# mypy: ignore-errors
"""What the make_store_*.py scripts write alike, through the code of the commit they run
with: the store file, the ICE memo issued and answered, the CBP memo issued and withdrawn,
and a reminder's delivery attempt.

The scripts import it as a sibling module (they run as files, so their own folder comes
first on the path, and the old commit's code comes from PYTHONPATH). It may only use what
every one of those commits has: `create_tables`, `apply_event`, `create_delivery` and the
samples of tests/activities/activity_samples.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session

from domain.memo import Withdraw, withdraw
from domain.vocabulary import EventKind
from store.db import create_tables, make_engine
from store.deliveries import create_delivery
from store.events import apply_event
from store.tables import DeliveryCreate
from tests.activities.activity_samples import event_record, issued_state, responded_state


def open_store(path: str):
    """A new SQLite store at `path` with that commit's tables."""
    engine = make_engine(f"sqlite:///{path}")
    create_tables(engine)
    return engine


def write_answered_ice(session: Session):
    """The ICE memo issued (seq 1) and answered on 2023-01-30 (seq 2): (issued, answered)."""
    ice = issued_state()
    apply_event(session, record=event_record(ice, 1))
    answered = responded_state(ice)
    apply_event(session, record=event_record(answered, 2, EventKind.RESPONSE_RECORDED,
                                             occurred_on=date(2023, 1, 30)))
    return ice, answered


def write_withdrawn_cbp(session: Session) -> None:
    """The CBP memo issued (seq 1) and withdrawn as superseded (seq 2)."""
    cbp = issued_state("OIG-2024-CBP-HOLD", component="CBP")
    apply_event(session, record=event_record(cbp, 1))
    gone, _ = withdraw(cbp, Withdraw(reason="superseded"))
    apply_event(session, record=event_record(gone, 2, EventKind.MEMO_WITHDRAWN))


def write_reminder_attempt(session: Session, memo_id: str, *, target: str, attempt: int,
                           outcome: str, status_code: int, minute: int) -> None:
    """One delivery attempt of the memo's 2022-11-29 reminder to its liaison's webhook."""
    create_delivery(session, delivery_in=DeliveryCreate(
        idempotency_key=f"{memo_id}/reminder/2022-11-29", memo_id=memo_id,
        kind="reminder", role="liaison", channel="webhook", target=target,
        attempt=attempt, outcome=outcome, status_code=status_code,
        at=datetime(2022, 11, 29, 14, minute, tzinfo=UTC)))
