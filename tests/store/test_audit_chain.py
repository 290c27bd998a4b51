"""The audit log's hash chain, on SQLite and PostgreSQL: events written by apply_event form
an intact chain per memo, and editing, deleting or reordering rows directly in the
database is detected at the first broken event; `rectrack audit verify` exits 1 naming it.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.vocabulary import EventKind
from store.audit_chain import memo_ids, verify_memo
from store.db import make_engine
from store.events import apply_event
from store.migrate import upgrade
from tests.activities.activity_samples import (
    event_record,
    issued_state,
    rec_record,
    responded_state,
)
from tests.helpers import BIN_DIR

MEMO = "OIG-CHAIN-1"


def write_memo_events(engine: Engine, memo_id: str = MEMO) -> list[str]:
    """Five events of one memo, its own and its recommendations', as the worker writes."""
    issued = issued_state(memo_id)
    answered = responded_state(issued)
    records = [event_record(issued, 1),
               event_record(answered, 2, EventKind.RESPONSE_RECORDED),
               *(rec_record(memo_id, rec, 1) for rec in answered.recommendations)]
    with Session(engine) as session:
        for record in records:
            apply_event(session, record=record)
    return [r.event_id for r in records]


@pytest.fixture
def store(blank_engine: Engine) -> Iterator[Engine]:
    upgrade(blank_engine)
    write_memo_events(blank_engine)
    write_memo_events(blank_engine, "OIG-CHAIN-2")  # another memo's chain is its own
    yield blank_engine


def check(engine: Engine) -> tuple[int, str | None]:
    with Session(engine) as session:
        count, broken = verify_memo(session, MEMO)
    return count, str(broken) if broken else None


def execute(engine: Engine, statement: str, **values: object) -> None:
    with engine.begin() as conn:
        conn.execute(text(statement), values)


def test_events_written_by_the_worker_form_an_intact_chain(store: Engine) -> None:
    assert check(store) == (5, None)
    with store.connect() as conn:
        rows = conn.execute(text("SELECT chain_seq, prev_hash, hash FROM event "
                                 "WHERE memo_id = :m ORDER BY chain_seq"), {"m": MEMO}).all()
    assert [r.chain_seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash is None
    assert all(later.prev_hash == earlier.hash for earlier, later in pairwise(rows))


def test_an_edited_event_is_named(store: Engine) -> None:
    execute(store, "UPDATE event SET kind = 'memo_withdrawn' WHERE event_id = :e",
            e=f"{MEMO}#2")
    assert check(store) == (5, f"{MEMO}: event {MEMO}#2 (position 2): its content was "
                               "changed (hash differs)")


def test_a_deleted_event_is_named(store: Engine) -> None:
    execute(store, "DELETE FROM event WHERE event_id = :e", e=f"{MEMO}#2")
    count, broken = check(store)
    assert count == 4 and broken is not None and "expected 2" in broken


def test_reordered_events_are_named(store: Engine) -> None:
    # Swap two events' positions (and their links), as someone rewriting history might.
    execute(store, "UPDATE event SET chain_seq = -1 WHERE memo_id = :m AND chain_seq = 2",
            m=MEMO)
    execute(store, "UPDATE event SET chain_seq = 2 WHERE memo_id = :m AND chain_seq = 3",
            m=MEMO)
    execute(store, "UPDATE event SET chain_seq = 3 WHERE memo_id = :m AND chain_seq = -1",
            m=MEMO)
    count, broken = check(store)
    assert count == 5 and broken is not None and "position 2" in broken


def test_audit_verify_exits_1_naming_the_first_broken_event(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'rectrack.db'}")
    upgrade(engine)
    write_memo_events(engine)
    env = {**os.environ, "RECTRACK_HOME": str(tmp_path)}
    rectrack = str(BIN_DIR / "rectrack")
    intact = subprocess.run([rectrack, "audit", "verify"], env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert (intact.returncode, intact.stdout.strip()) == (
        0, "audit log intact: 5 events in 1 memo chains")
    execute(engine, """UPDATE event SET data = '{"note": "edited"}' WHERE event_id = :e""",
            e=f"{MEMO}/2#1")
    engine.dispose()
    broken = subprocess.run([rectrack, "audit", "verify", MEMO], env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert broken.returncode == 1
    assert broken.stdout.splitlines()[0].startswith(f"broken: {MEMO}: event {MEMO}/2#1")
    unknown = subprocess.run([rectrack, "audit", "verify", "NO-SUCH"], env=env,
                             capture_output=True, text=True, timeout=60, check=False)
    assert unknown.returncode == 2 and "NO-SUCH" in unknown.stderr


def test_events_written_before_the_chain_are_linked_by_the_upgrade(tmp_path: Path) -> None:
    old = tmp_path / "rectrack.db"
    old.write_bytes((Path(__file__).parent / "data" / "store-3ab6ea1.db").read_bytes())
    engine = make_engine(f"sqlite:///{old}")
    upgrade(engine)
    with Session(engine) as session:
        results = [verify_memo(session, m) for m in memo_ids(session)]
    engine.dispose()
    assert results and all(broken is None and count > 0 for count, broken in results)
