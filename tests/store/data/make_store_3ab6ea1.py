# mypy: ignore-errors
"""How `store-3ab6ea1.db` was made: run with the code of commit 3ab6ea1 (before Alembic).

    git worktree add /tmp/old3ab 3ab6ea1
    cd /tmp/old3ab && PYTHONPATH=. "$OLDPWD"/.venv/bin/python \
        "$OLDPWD"/tests/store/data/make_store_3ab6ea1.py "$OLDPWD"/tests/store/data/store-3ab6ea1.db

It writes through that commit's own `create_tables`, `apply_event` and `create_delivery`:
two memos (one answered, with a recommendation planned and one closed; one withdrawn),
their events, and two delivery attempts. Kept out of the test run (not `test_*.py`); the
code it imports no longer exists in this form.
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
from tests.activities.activity_samples import (
    closed_not_implemented,
    event_record,
    issued_state,
    planned,
    rec_record,
    responded_state,
)


def main(path: str) -> None:
    engine = make_engine(f"sqlite:///{path}")
    create_tables(engine)
    with Session(engine) as session:
        ice = issued_state()
        apply_event(session, record=event_record(ice, 1))
        answered = responded_state(ice)
        apply_event(session, record=event_record(answered, 2, EventKind.RESPONSE_RECORDED,
                                                 occurred_on=date(2023, 1, 30)))
        rec1 = planned(answered.recommendation(1))
        apply_event(session, record=rec_record(ice.memo_id, rec1, 1,
                                               EventKind.ACTION_PLAN_SUBMITTED))
        rec3 = closed_not_implemented(answered.recommendation(3))
        apply_event(session, record=rec_record(ice.memo_id, rec3, 1,
                                               EventKind.RECOMMENDATION_CLOSED))
        cbp = issued_state("OIG-2024-CBP-HOLD", component="CBP")
        apply_event(session, record=event_record(cbp, 1))
        gone, _ = withdraw(cbp, Withdraw(reason="superseded"))
        apply_event(session, record=event_record(gone, 2, EventKind.MEMO_WITHDRAWN))
        for attempt, outcome in ((1, "failed"), (2, "delivered")):
            create_delivery(session, delivery_in=DeliveryCreate(
                idempotency_key=f"{ice.memo_id}/reminder/2022-11-29", memo_id=ice.memo_id,
                kind="reminder", role="liaison", channel="webhook",
                target="http://127.0.0.1:9/hook", attempt=attempt, outcome=outcome,
                status_code=500 if outcome == "failed" else 200,
                at=datetime(2022, 11, 29, 14, attempt, tzinfo=UTC)))
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1])
