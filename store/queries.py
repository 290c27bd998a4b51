"""Read queries for the CLI and managers' lists (never used by workflows).

`overdue` and `days_late` are not stored: they are derived by `domain.views.memo_view`
from today's date in each memo's office time zone (or a fixed `today` when given).

The views read from the store are `StoredMemoView`s: the domain's `MemoView` plus the
attention state the store projects (`attention` on the memo and on each recommendation,
and `needs_attention` when either is set), so that nothing that stopped does so silently.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from domain.memo import MemoState, RecommendationState
from domain.office_time import today_in
from domain.views import MemoFacts, MemoView, RecommendationView, memo_view, view_of_state
from domain.vocabulary import (
    ClosureReason,
    EventKind,
    Implementation,
    MemoStatus,
    RecommendationKind,
    Resolution,
    ResponseStatus,
)
from store.tables import Delivery, DeliveryPublic, Event, EventPublic, Memo, Recommendation

AWAITING = MemoStatus.AWAITING_RESPONSE.value


class StoredRecommendationView(RecommendationView):
    attention: str | None = None  # why its clocks stopped; None while all is well


class StoredMemoView(MemoView):
    """A memo view from the store, with its attention state."""

    attention: str | None = None  # why the memo's own clocks stopped
    # The memo's own attention or any of its recommendations' is set.
    needs_attention: bool = False
    recommendations: list[StoredRecommendationView]  # type: ignore[assignment]

    @property
    def attention_reasons(self) -> list[str]:
        """One line per stopped clock: the memo's, then each recommendation's (`#N: ...`)."""
        reasons = [self.attention] if self.attention else []
        return reasons + [f"#{r.number}: {r.attention}" for r in self.recommendations
                          if r.attention]


def recommendation_state(row: Recommendation) -> RecommendationState:
    """The recommendation's full state: from `detail`, or from the columns on rows
    written before `detail` existed."""
    if row.detail is not None:
        return RecommendationState.model_validate(row.detail)
    return RecommendationState(
        number=row.number, text=row.text, kind=RecommendationKind(row.kind),
        priority=row.priority, response=ResponseStatus(row.response), rationale=row.rationale,
        received_on=row.received_on, implementation=Implementation(row.implementation),
        resolution=Resolution(row.resolution),
        closure_reason=ClosureReason(row.closure_reason) if row.closure_reason else None,
        action_plan_due_on=row.action_plan_due_on, revision_due_on=row.revision_due_on,
        status_update_due_on=row.status_update_due_on, closed_on=row.closed_on,
        closure_justification=row.closure_justification,
    )


def view_from_rows(memo: Memo, recs: Sequence[Recommendation], today: date) -> StoredMemoView:
    facts = MemoFacts(
        memo_id=memo.memo_id, title=memo.title, office=memo.office, component=memo.component,
        status=MemoStatus(memo.status), issued_on=memo.issued_on,
        response_due_on=memo.response_due_on,
    )
    view = memo_view(facts, [recommendation_state(r) for r in recs], today)
    return with_attention(view, memo.attention, {r.number: r.attention for r in recs})


def with_attention(view: MemoView, attention: str | None,
                   rec_attention: Mapping[int, str | None]) -> StoredMemoView:
    """`view` with the memo's `attention` and each recommendation's (by number)."""
    recs = [StoredRecommendationView(**dict(r), attention=rec_attention.get(r.number))
            for r in view.recommendations]
    values = {name: getattr(view, name) for name in MemoView.model_fields
              if name != "recommendations"}
    return StoredMemoView(**values, recommendations=recs, attention=attention,
                          needs_attention=bool(attention) or any(r.attention for r in recs))


def state_view(state: MemoState, today: date) -> StoredMemoView:
    """The view of a memo workflow's live state, with the same attention fields as the
    store's (so `show --live --json` prints what `show --json` does)."""
    return with_attention(view_of_state(state, today), state.attention,
                          {r.number: r.attention for r in state.recommendations})


def get_memo_view(
    session: Session, *, memo_id: str, today: date | None = None
) -> StoredMemoView | None:
    """The full view of one memo, or None if the store has no such memo."""
    memo = session.get(Memo, memo_id)
    if memo is None:
        return None
    recs = session.exec(
        select(Recommendation)
        .where(Recommendation.memo_id == memo_id)
        .order_by(col(Recommendation.number))
    ).all()
    return view_from_rows(memo, recs, today or today_in(memo.time_zone))


def _today_bounds(today: date | None) -> tuple[date, date]:
    """Earliest and latest possible 'today' over all office time zones (UTC-12..UTC+14)."""
    if today is not None:
        return today, today
    utc_today = datetime.now(UTC).date()
    return utc_today - timedelta(days=1), utc_today + timedelta(days=1)


def list_memo_views(
    session: Session,
    *,
    overdue: bool | None = None,
    component: str | None = None,
    status: str | None = None,
    needs_attention: bool | None = None,
    today: date | None = None,
) -> list[StoredMemoView]:
    """Memo views sorted by response_due_on then memo_id, optionally filtered.

    `overdue=True` keeps memos awaiting a response whose due date is before today in
    their office time zone; `overdue=False` keeps all the others. `needs_attention=True`
    keeps the memos whose own attention, or one of whose recommendations', is set.
    """
    conditions: list[ColumnElement[bool]] = []
    if needs_attention is not None:
        flagged = or_(col(Memo.attention).is_not(None), col(Memo.memo_id).in_(
            select(Recommendation.memo_id).where(col(Recommendation.attention).is_not(None))))
        conditions.append(flagged if needs_attention else ~flagged)
    if component is not None:
        conditions.append(col(Memo.component) == component)
    if status is not None:
        conditions.append(col(Memo.status) == status)
    earliest, latest = _today_bounds(today)
    if overdue is True:
        conditions.append(col(Memo.status) == AWAITING)
        conditions.append(col(Memo.response_due_on) < latest)
    elif overdue is False:
        conditions.append(
            or_(col(Memo.status) != AWAITING, col(Memo.response_due_on) >= earliest)
        )

    memos = session.exec(
        select(Memo).where(*conditions).order_by(col(Memo.response_due_on), col(Memo.memo_id))
    ).all()
    if not memos:
        return []
    matching_ids = select(Memo.memo_id).where(*conditions)
    recs_by_memo: dict[str, list[Recommendation]] = defaultdict(list)
    for rec in session.exec(
        select(Recommendation)
        .where(col(Recommendation.memo_id).in_(matching_ids))
        .order_by(col(Recommendation.memo_id), col(Recommendation.number))
    ):
        recs_by_memo[rec.memo_id].append(rec)

    todays: dict[str, date] = {}
    views: list[StoredMemoView] = []
    for memo in memos:
        memo_today = today
        if memo_today is None:
            if memo.time_zone not in todays:
                todays[memo.time_zone] = today_in(memo.time_zone)
            memo_today = todays[memo.time_zone]
        view = view_from_rows(memo, recs_by_memo[memo.memo_id], memo_today)
        if overdue is None or view.overdue == overdue:
            views.append(view)
    return views


def list_events(session: Session, *, memo_id: str) -> list[EventPublic]:
    """The audit log of one memo (its own events and its recommendations'), in the order
    they happened: by `recorded_at`, then by the order they were written."""
    rows = session.exec(
        select(Event).where(Event.memo_id == memo_id)
        .order_by(col(Event.recorded_at), col(Event.id))
    ).all()
    return [EventPublic.model_validate(row) for row in rows]


def list_timeline(
    session: Session, *, memo_id: str, number: int | None = None
) -> list[EventPublic]:
    """The events of one memo, or of one of its recommendations, in the order they happened.

    Without `number`: every event of the memo and of its recommendations. With one: that
    recommendation's own events and the memo events that name it in `numbers` (its
    issue, the response recorded for it, notices that listed it...).
    """
    conditions: list[ColumnElement[bool]] = [col(Event.memo_id) == memo_id]
    if number is not None:
        conditions.append(or_(col(Event.number) == number, col(Event.number).is_(None)))
    rows = session.exec(
        select(Event).where(*conditions).order_by(col(Event.recorded_at), col(Event.id))
    ).all()
    # JSON containment is spelled differently per backend: filter memo events here.
    events = [EventPublic.model_validate(row) for row in rows
              if number is None or row.number == number or number in row.numbers]
    if number is not None:  # the memo's own line says it better than the echo it caused
        events = [e for e in events if not (e.number is not None and e.data.get("from_memo")
                                            and e.kind == EventKind.RESPONSE_RECORDED)]
    return events


def list_deliveries(
    session: Session, *, memo_id: str | None = None, idempotency_key: str | None = None
) -> list[DeliveryPublic]:
    """Delivery attempts in the order they were recorded, optionally filtered."""
    conditions: list[Any] = []
    if memo_id is not None:
        conditions.append(col(Delivery.memo_id) == memo_id)
    if idempotency_key is not None:
        conditions.append(col(Delivery.idempotency_key) == idempotency_key)
    rows = session.exec(select(Delivery).where(*conditions).order_by(col(Delivery.id))).all()
    return [DeliveryPublic.model_validate(row) for row in rows]
