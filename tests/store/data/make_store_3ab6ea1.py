# mypy: ignore-errors
"""How `store-3ab6ea1.db` was made: run with the code of commit 3ab6ea1 (before Alembic).

    git worktree add /tmp/old3ab 3ab6ea1
    cd /tmp/old3ab && PYTHONPATH=. "$OLDPWD"/.venv/bin/python \
        "$OLDPWD"/tests/store/data/make_store_3ab6ea1.py "$OLDPWD"/tests/store/data/store-3ab6ea1.db

It writes through that commit's own `create_tables`, `apply_event` and `create_delivery`
(the steps it shares with make_store_3876583.py are in old_store.py):
two memos (one answered, with a recommendation planned and one closed; one withdrawn),
their events, and two delivery attempts. Kept out of the test run (not `test_*.py`); the
code it imports no longer exists in this form.
"""

from __future__ import annotations

import sys

from old_store import open_store, write_answered_ice, write_reminder_attempt, write_withdrawn_cbp
from sqlmodel import Session

from domain.vocabulary import EventKind
from store.events import apply_event
from tests.activities.activity_samples import closed_not_implemented, planned, rec_record


def main(path: str) -> None:
    engine = open_store(path)
    with Session(engine) as session:
        ice, answered = write_answered_ice(session)
        rec1 = planned(answered.recommendation(1))
        apply_event(session, record=rec_record(ice.memo_id, rec1, 1,
                                               EventKind.ACTION_PLAN_SUBMITTED))
        rec3 = closed_not_implemented(answered.recommendation(3))
        apply_event(session, record=rec_record(ice.memo_id, rec3, 1,
                                               EventKind.RECOMMENDATION_CLOSED))
        write_withdrawn_cbp(session)
        for attempt, outcome in ((1, "failed"), (2, "delivered")):
            write_reminder_attempt(session, ice.memo_id, target="http://127.0.0.1:9/hook",
                                   attempt=attempt, outcome=outcome,
                                   status_code=500 if outcome == "failed" else 200,
                                   minute=attempt)
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1])
