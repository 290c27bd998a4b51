"""Writing the audit log and projecting memo state into the status rows.

`apply_event` is the only writer of `event`, `memo` and `recommendation`. It writes the
event row and the projection in one transaction and is idempotent on `event_id`: a
retry (even one racing the first attempt on another connection) writes nothing and
reports `duplicate=True`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from activities.models import EventRecord, RecordResult
from domain.memo import MemoState, RecommendationState
from store.tables import Event, Memo, Recommendation, utcnow


def apply_event(session: Session, *, record: EventRecord) -> RecordResult:
    """Append `record` to the audit log and project its snapshot; commits the session.

    The projection (memo row + every recommendation row) is only written when
    `record.seq` is newer than the memo row's `last_event_seq`, so a late or
    out-of-order write never regresses the status rows. The event row is always kept.
    """
    if record.snapshot.memo_id != record.memo_id:
        raise ValueError(
            f"event {record.event_id}: snapshot is of memo {record.snapshot.memo_id}, "
            f"not {record.memo_id}"
        )
    if _event_exists(session, record.event_id):
        session.rollback()
        return RecordResult(event_id=record.event_id, duplicate=True)
    try:
        session.add(_event_row(record))
        # The INSERT goes first: on SQLite it takes the write lock before any read of
        # this transaction, so a concurrent writer waits instead of failing on a stale
        # snapshot; on PostgreSQL a racing duplicate blocks on the unique index.
        session.flush()
        _project(session, record)
        session.commit()
    except IntegrityError:
        session.rollback()
        if _event_exists(session, record.event_id):  # a concurrent retry won the race
            session.rollback()
            return RecordResult(event_id=record.event_id, duplicate=True)
        raise
    return RecordResult(event_id=record.event_id, duplicate=False)


def _event_exists(session: Session, event_id: str) -> bool:
    found = session.exec(select(Event.id).where(Event.event_id == event_id)).first()
    return found is not None


def _event_row(record: EventRecord) -> Event:
    dumped = record.model_dump(mode="json", include={"numbers", "data"})
    return Event(
        event_id=record.event_id, memo_id=record.memo_id, seq=record.seq,
        kind=record.kind.value, occurred_on=record.occurred_on,
        recorded_at=record.recorded_at, numbers=dumped["numbers"], data=dumped["data"],
    )


def memo_fields(state: MemoState) -> dict[str, Any]:
    """The memo row's business columns for `state`."""
    spec = state.spec
    return {
        "title": spec.title, "office": spec.office, "component": spec.component,
        "kind": spec.kind.value, "issued_on": spec.issued_on,
        "response_due_on": state.response_due_on, "time_zone": spec.time_zone,
        "status": state.status.value, "response_received_on": state.response_received_on,
        "withdrawn_reason": state.withdrawn_reason,
    }


def recommendation_fields(rec: RecommendationState) -> dict[str, Any]:
    """A recommendation row's columns (besides the key) for `rec`."""
    return {
        "text": rec.text, "kind": rec.kind.value, "priority": rec.priority,
        "response": rec.response.value, "rationale": rec.rationale,
        "received_on": rec.received_on, "implementation": rec.implementation.value,
        "resolution": rec.resolution.value,
        "closure_reason": rec.closure_reason.value if rec.closure_reason else None,
    }


def _project(session: Session, record: EventRecord) -> None:
    memo_id = record.memo_id
    memo = session.exec(
        select(Memo).where(Memo.memo_id == memo_id).with_for_update()
    ).first()
    if memo is not None and record.seq <= memo.last_event_seq:
        return  # an older event arriving late: keep the newer projection
    now = utcnow()
    fields = memo_fields(record.snapshot)
    if memo is None:
        memo = Memo(memo_id=memo_id, last_event_seq=record.seq, created_at=now,
                    updated_at=now, **fields)
        session.add(memo)
        session.flush()  # the parent row exists before its recommendations
    else:
        memo.sqlmodel_update({**fields, "last_event_seq": record.seq, "updated_at": now})
        session.add(memo)

    existing = {
        row.number: row
        for row in session.exec(select(Recommendation).where(Recommendation.memo_id == memo_id))
    }
    for rec in record.snapshot.recommendations:
        values = recommendation_fields(rec)
        row = existing.pop(rec.number, None)
        if row is None:
            session.add(Recommendation(memo_id=memo_id, number=rec.number, **values))
        else:
            row.sqlmodel_update(values)
            session.add(row)
    for stale in existing.values():  # not in the snapshot any more
        session.delete(stale)
