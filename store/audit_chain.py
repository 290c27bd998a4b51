"""The tamper-evident audit log: each memo's events form a hash chain.

When an event is written (store.events.apply_event) it takes the next position of its
memo's chain (`chain_seq` 1, 2, ...) and stores the hash of its predecessor
(`prev_hash`) and its own (`hash`: SHA-256 over its content and `prev_hash`, in a
canonical JSON form). Positions are taken under a per-memo lock (SQLite's write lock; a
transaction-scoped advisory lock on PostgreSQL), so concurrent writers of one memo never
fork its chain. Anyone editing, deleting or reordering event rows in the database without
recomputing every later hash breaks a link, and `verify` names the first broken event.
Rows written before the chain existed were linked by migration 0005, in insertion order.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from store.tables import Event


def event_hash(event: Event, prev_hash: str | None) -> str:
    """SHA-256 of the event's content, its chain position and its predecessor's hash."""
    content = {
        "event_id": event.event_id, "memo_id": event.memo_id, "seq": event.seq,
        "number": event.number, "kind": event.kind,
        "occurred_on": event.occurred_on.isoformat() if event.occurred_on else None,
        "recorded_at": _instant(event.recorded_at), "numbers": list(event.numbers),
        "data": event.data, "chain_seq": event.chain_seq, "prev_hash": prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False, default=_plain)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _instant(value: datetime) -> str:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


def _plain(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def link(session: Session, event: Event) -> None:
    """Give a new (flushed) event the next position of its memo's chain and its hashes;
    the caller's transaction holds the memo's lock until it commits."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(text("SELECT pg_advisory_xact_lock(:k)"),
                                     {"k": _lock_key(event.memo_id)})
    last = session.exec(
        select(Event).where(Event.memo_id == event.memo_id, col(Event.chain_seq).is_not(None),
                            Event.id != event.id)
        .order_by(col(Event.chain_seq).desc()).limit(1)).first()
    event.chain_seq = (last.chain_seq or 0) + 1 if last is not None else 1
    event.prev_hash = last.hash if last is not None else None
    event.hash = event_hash(event, event.prev_hash)
    session.add(event)
    session.flush()


def _lock_key(memo_id: str) -> int:
    return zlib.crc32(f"rectrack-chain:{memo_id}".encode()) - 2**31  # a signed 32-bit key


@dataclass(frozen=True)
class Break:
    memo_id: str
    chain_seq: int | None
    event_id: str | None
    problem: str

    def __str__(self) -> str:
        where = f"event {self.event_id} (position {self.chain_seq})" if self.event_id \
            else f"position {self.chain_seq}"
        return f"{self.memo_id}: {where}: {self.problem}"


def verify_memo(session: Session, memo_id: str) -> tuple[int, Break | None]:
    """How many events the memo's chain holds, and its first broken link (None: intact)."""
    events = session.exec(select(Event).where(Event.memo_id == memo_id)
                          .order_by(col(Event.chain_seq), col(Event.id))).all()
    prev: str | None = None
    for position, event in enumerate(events, start=1):
        if event.chain_seq != position:
            problem = ("is not in the chain" if event.chain_seq is None
                       else f"has position {event.chain_seq}, expected {position}: an "
                            "event before it is missing or was moved")
            return len(events), Break(memo_id, event.chain_seq, event.event_id, problem)
        if event.prev_hash != prev:
            return len(events), Break(memo_id, position, event.event_id,
                                      "does not follow its predecessor (prev_hash differs)")
        if event.hash != event_hash(event, prev):
            return len(events), Break(memo_id, position, event.event_id,
                                      "its content was changed (hash differs)")
        prev = event.hash
    return len(events), None


def memo_ids(session: Session) -> list[str]:
    return list(session.exec(select(Event.memo_id).distinct().order_by(col(Event.memo_id))))
