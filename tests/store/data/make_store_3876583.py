# mypy: ignore-errors
"""How `store-3876583.db` was made: run with the code of commit 3876583, the first release.

    git worktree add /tmp/old387 3876583
    cd /tmp/old387 && PYTHONPATH=. "$OLDPWD"/.venv/bin/python \
        "$OLDPWD"/tests/store/data/make_store_3876583.py "$OLDPWD"/tests/store/data/store-3876583.db

It writes through that commit's own `create_tables`, `apply_event` and `create_delivery`
(the steps it shares with make_store_3ab6ea1.py are in old_store.py):
one memo answered (one concurrence, two non-concurrences), one withdrawn (its
recommendations closed without a date), their events and one delivery attempt. Kept out
of the test run (not `test_*.py`); the code it imports no longer exists in this form.
"""

from __future__ import annotations

import sys

from old_store import open_store, write_answered_ice, write_reminder_attempt, write_withdrawn_cbp
from sqlmodel import Session


def main(path: str) -> None:
    engine = open_store(path)
    with Session(engine) as session:
        ice, _ = write_answered_ice(session)
        write_withdrawn_cbp(session)
        write_reminder_attempt(session, ice.memo_id, target="http://127.0.0.1:9/h", attempt=1,
                               outcome="delivered", status_code=200, minute=0)
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1])
