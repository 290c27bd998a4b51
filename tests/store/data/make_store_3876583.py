# mypy: ignore-errors
"""How `store-3876583.db` was made: run with the code of commit 3876583, the first release.

    git worktree add /tmp/old387 3876583
    cd /tmp/old387 && PYTHONPATH=. "$OLDPWD"/.venv/bin/python \
        "$OLDPWD"/tests/store/data/make_store_3876583.py "$OLDPWD"/tests/store/data/store-3876583.db

It writes through that commit's own `create_tables`, `apply_event` and `create_delivery`:
one memo answered (one concurrence, two non-concurrences), one withdrawn (its
recommendations closed without a date), their events and one delivery attempt. Kept out
of the test run (not `test_*.py`); the code it imports no longer exists in this form.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime

from sqlmodel import Session

from domain.memo import Withdraw, withdraw
from domain.vocabulary import EventKind
from store.db import create_tables, make_engine
from store.deliveries import create_delivery
from store.events import apply_event
from store.tables import DeliveryCreate
from tests.activities.activity_samples import event_record, issued_state, responded_state


def main(path: str) -> None:
    engine = make_engine(f"sqlite:///{path}")
    create_tables(engine)
    with Session(engine) as session:
        ice = issued_state()
        apply_event(session, record=event_record(ice, 1))
        apply_event(session, record=event_record(responded_state(ice), 2,
                                                 EventKind.RESPONSE_RECORDED,
                                                 occurred_on=date(2023, 1, 30)))
        cbp = issued_state("OIG-2024-CBP-HOLD", component="CBP")
        apply_event(session, record=event_record(cbp, 1))
        gone, _ = withdraw(cbp, Withdraw(reason="superseded"))
        apply_event(session, record=event_record(gone, 2, EventKind.MEMO_WITHDRAWN))
        create_delivery(session, delivery_in=DeliveryCreate(
            idempotency_key=f"{ice.memo_id}/reminder/2022-11-29", memo_id=ice.memo_id,
            kind="reminder", role="liaison", channel="webhook", target="http://127.0.0.1:9/h",
            attempt=1, outcome="delivered", status_code=200,
            at=datetime(2022, 11, 29, 14, 0, tzinfo=UTC)))
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1])
