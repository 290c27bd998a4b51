"""Writing the audit log and projecting workflow state into the status rows.

`apply_event` is the only writer of `event`, `memo` and `recommendation`. It writes the
event row and the projection in one transaction and is idempotent on `event_id`: a
retry (even one racing the first attempt on another connection) writes nothing and
reports `duplicate=True`.

Two kinds of events share the log:
- memo events carry the memo `snapshot`. They own the memo row (guarded by
  `memo.last_event_seq`) and the response fields of its recommendation rows (the memo
  records the component's answer). A recommendation row they find missing is inserted
  whole from the snapshot; a row no recommendation event has written yet
  (`last_event_seq == 0`) still follows the snapshot whole, so histories recorded before
  recommendations recorded their own events keep projecting fully.
- recommendation events carry one `recommendation` and its `number`. They own that
  row's lifecycle, and write the whole row including `detail` (guarded by the row's own
  `last_event_seq`, the recommendation workflow's counter). Of the memo row they touch
  only `updated_at`.

A response, once recorded, is never projected back to `awaiting` by a state that had not
seen it yet, whichever kind of event carries the older state.

Every event also keeps the report columns of the recommendation rows in sync: copies of
the memo's `component`, `issued_on` and `case_officer`, `days_to_response` and
`ended_on` (see store.tables.Recommendation).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from domain.memo import MemoState, RecommendationState
from domain.office_time import today_in
from domain.records import EventRecord, RecordResult
from domain.vocabulary import Implementation, PublicationKind, ResponseStatus
from store.audit_chain import link
from store.tables import Event, Memo, Recommendation, utcnow

RESPONSE_FIELDS = ("response", "rationale", "received_on")


class MemoNotRecorded(RuntimeError):
    """A recommendation event arrived before its memo's first event: retry later."""


def apply_event(session: Session, *, record: EventRecord) -> RecordResult:
    """Append `record` to the audit log and project its state; commits the session.

    The projection is only written when `record.seq` is newer than the `last_event_seq`
    of the row its workflow owns (the memo row for memo events, the recommendation row
    for recommendation events), so a late or out-of-order write never regresses the
    status rows. The event row is always kept.

    Raises `ValueError` for a record that can never be applied and `MemoNotRecorded`
    (nothing written) for a recommendation event whose memo is not in the store yet.
    """
    if record.snapshot is not None and record.snapshot.memo_id != record.memo_id:
        raise ValueError(
            f"event {record.event_id}: snapshot is of memo {record.snapshot.memo_id}, "
            f"not {record.memo_id}"
        )
    if _event_exists(session, record.event_id):
        session.rollback()
        return RecordResult(event_id=record.event_id, duplicate=True)
    try:
        row = _event_row(record)
        session.add(row)
        # The INSERT goes first: on SQLite it takes the write lock before any read of
        # this transaction, so a concurrent writer waits instead of failing on a stale
        # snapshot; on PostgreSQL a racing duplicate blocks on the unique index.
        session.flush()
        link(session, row)  # the next link of the memo's hash chain
        if record.snapshot is not None:
            _project_memo(session, record, record.snapshot)
        elif record.recommendation is not None:
            _project_recommendation(session, record, record.recommendation)
        session.commit()
    except IntegrityError:
        session.rollback()
        if _event_exists(session, record.event_id):  # a concurrent retry won the race
            session.rollback()
            return RecordResult(event_id=record.event_id, duplicate=True)
        raise
    except BaseException:
        session.rollback()
        raise
    return RecordResult(event_id=record.event_id, duplicate=False)


def _event_exists(session: Session, event_id: str) -> bool:
    found = session.exec(select(Event.id).where(Event.event_id == event_id)).first()
    return found is not None


def _event_row(record: EventRecord) -> Event:
    dumped = record.model_dump(mode="json", include={"numbers", "data"})
    return Event(
        event_id=record.event_id, memo_id=record.memo_id, seq=record.seq,
        number=record.number, kind=record.kind.value, occurred_on=record.occurred_on,
        recorded_at=record.recorded_at, numbers=dumped["numbers"], data=dumped["data"],
    )


def memo_fields(state: MemoState) -> dict[str, Any]:
    """The memo row's business columns for `state`."""
    spec = state.spec
    summaries = [p.published_on for p in state.publications
                 if p.kind is PublicationKind.SUMMARY]
    return {
        "title": spec.title, "office": spec.office, "component": spec.component,
        "kind": spec.kind.value, "issued_on": spec.issued_on,
        "response_due_on": state.response_due_on, "time_zone": spec.time_zone,
        "status": state.status.value, "response_received_on": state.response_received_on,
        "withdrawn_reason": state.withdrawn_reason,
        "publication_due_on": state.publication_due_on, "on_hold": state.hold is not None,
        "summary_published_on": min(summaries) if summaries else None,
        "case_officer": case_officer(state), "attention": state.attention,
    }


def case_officer(state: MemoState) -> str | None:
    """The name of the memo's `case_officer` contact, if it has one."""
    contact = state.spec.contacts.get("case_officer")
    return contact.name if contact is not None else None


def memo_copies(memo: Memo) -> dict[str, Any]:
    """The memo facts copied onto each of its recommendation rows (for the reports)."""
    return {"component": memo.component, "issued_on": memo.issued_on,
            "case_officer": memo.case_officer}


def with_copies(values: dict[str, Any], copies: dict[str, Any]) -> dict[str, Any]:
    """`values` (with `received_on`) plus the memo copies and `days_to_response`."""
    received_on = values["received_on"]
    days = (received_on - copies["issued_on"]).days if received_on is not None else None
    return {**values, **copies, "days_to_response": days}


def ended_on(rec: RecommendationState, previous: date | None, recorded_on: date) -> date | None:
    """The day `rec` stopped being open: its `closed_on`; for a closure without a date (a
    withdrawal with its memo carries none) the first day one was recorded."""
    if rec.implementation is not Implementation.CLOSED:
        return None
    return rec.closed_on or previous or recorded_on


def recommendation_fields(rec: RecommendationState) -> dict[str, Any]:
    """A recommendation row's columns (besides the key and last_event_seq) for `rec`."""
    return {
        "text": rec.text, "kind": rec.kind.value, "priority": rec.priority,
        "response": rec.response.value, "rationale": rec.rationale,
        "received_on": rec.received_on, "implementation": rec.implementation.value,
        "resolution": rec.resolution.value,
        "closure_reason": rec.closure_reason.value if rec.closure_reason else None,
        "action_plan_due_on": rec.action_plan_due_on,
        "revision_due_on": rec.revision_due_on,
        "status_update_due_on": rec.status_update_due_on,
        "target_completion_on": (rec.action_plan.target_completion_on
                                 if rec.action_plan else None),
        "on_hold": rec.hold is not None, "closed_on": rec.closed_on,
        "closure_justification": rec.closure_justification,
        "evidence_count": len(rec.evidence), "resolved_on": rec.resolved_on,
        "attention": rec.attention, "detail": rec.model_dump(mode="json"),
    }


def _response_values(rec: RecommendationState) -> dict[str, Any]:
    return {"response": rec.response.value, "rationale": rec.rationale,
            "received_on": rec.received_on}


def _keep_recorded_response(row: Recommendation, values: dict[str, Any]) -> dict[str, Any]:
    """`values`, unless they would turn a recorded response back into `awaiting`."""
    if (values["response"] == ResponseStatus.AWAITING.value
            and row.response != ResponseStatus.AWAITING.value):
        return {**values, "response": row.response, "rationale": row.rationale,
                "received_on": row.received_on}
    return values


def _with_detail(values: dict[str, Any], detail: dict[str, Any] | None) -> dict[str, Any]:
    """`values` plus a `detail` whose response fields agree with them."""
    if detail is None:
        return values
    patched = {**detail, **{k: values[k] for k in RESPONSE_FIELDS}}
    if patched["received_on"] is not None:
        patched["received_on"] = patched["received_on"].isoformat()
    return {**values, "detail": patched}


def _lock_memo(session: Session, memo_id: str) -> Memo | None:
    """The memo row, locked: every projection of one memo's events runs one at a time."""
    return session.exec(select(Memo).where(Memo.memo_id == memo_id).with_for_update()).first()


def _project_memo(session: Session, record: EventRecord, state: MemoState) -> None:
    memo_id = record.memo_id
    memo = _lock_memo(session, memo_id)
    if memo is not None and record.seq <= memo.last_event_seq:
        return  # an older event arriving late: keep the newer projection
    now = utcnow()
    fields = memo_fields(state)
    if memo is None:
        memo = Memo(memo_id=memo_id, last_event_seq=record.seq, created_at=now,
                    updated_at=now, **fields)
        session.add(memo)
        session.flush()  # the parent row exists before its recommendations
    else:
        memo.sqlmodel_update({**fields, "last_event_seq": record.seq, "updated_at": now})
        session.add(memo)
    copies = memo_copies(memo)
    recorded_on = today_in(memo.time_zone, record.recorded_at)

    existing = {
        row.number: row
        for row in session.exec(
            select(Recommendation).where(Recommendation.memo_id == memo_id).with_for_update())
    }
    for rec in state.recommendations:
        row = existing.pop(rec.number, None)
        if row is None:
            session.add(Recommendation(memo_id=memo_id, number=rec.number,
                                       **with_copies(recommendation_fields(rec), copies),
                                       ended_on=ended_on(rec, None, recorded_on)))
        elif row.last_event_seq == 0:  # no event of its own yet: the snapshot is all we know
            values = _keep_recorded_response(row, recommendation_fields(rec))
            row.sqlmodel_update({**with_copies(values, copies),
                                 "ended_on": ended_on(rec, row.ended_on, recorded_on)})
            session.add(row)
        else:  # its lifecycle belongs to its own events; the memo owns the response
            values = _keep_recorded_response(row, _response_values(rec))
            row.sqlmodel_update(with_copies(_with_detail(values, row.detail), copies))
            session.add(row)
    for stale in existing.values():  # not in the snapshot any more
        session.delete(stale)


def _project_recommendation(session: Session, record: EventRecord,
                            rec: RecommendationState) -> None:
    memo = _lock_memo(session, record.memo_id)
    if memo is None:
        raise MemoNotRecorded(f"event {record.event_id}: memo {record.memo_id} is not in the "
                              "store yet")
    row = session.exec(
        select(Recommendation)
        .where(Recommendation.memo_id == record.memo_id)
        .where(Recommendation.number == rec.number)
        .with_for_update()
    ).first()
    if row is not None and record.seq <= row.last_event_seq:
        return  # an older event of this recommendation arriving late
    values = recommendation_fields(rec)
    copies = memo_copies(memo)
    recorded_on = today_in(memo.time_zone, record.recorded_at)
    if row is None:
        session.add(Recommendation(memo_id=record.memo_id, number=rec.number,
                                   last_event_seq=record.seq,
                                   ended_on=ended_on(rec, None, recorded_on),
                                   **with_copies(values, copies)))
    else:
        values = _with_detail(_keep_recorded_response(row, values), values["detail"])
        row.sqlmodel_update({**with_copies(values, copies), "last_event_seq": record.seq,
                             "ended_on": ended_on(rec, row.ended_on, recorded_on)})
        session.add(row)
    memo.updated_at = utcnow()
    session.add(memo)
