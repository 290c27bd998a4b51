"""Read models: what `show --json` and `list --json` print (docs/contracts.md#memo-view).

`overdue` and `days_late` are derived here from today's date in the office time zone,
never stored, so a stored row can never go stale.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from domain.deadlines import days_late, is_overdue
from domain.memo import MemoState, RecommendationState
from domain.vocabulary import MemoStatus


class Counts(BaseModel):
    concurred: int = 0
    partially_concurred: int = 0
    non_concurred: int = 0
    awaiting: int = 0


class RecommendationView(BaseModel):
    number: int
    text: str
    kind: str
    response: str
    rationale: str | None
    received_on: date | None
    days_late: int
    implementation: str
    resolution: str
    closure_reason: str | None


class MemoFacts(BaseModel):
    """The stored facts about a memo that a view needs (store row or workflow state)."""

    memo_id: str
    title: str
    office: str | None
    component: str
    status: MemoStatus
    issued_on: date
    response_due_on: date


class MemoView(BaseModel):
    memo_id: str
    title: str
    office: str | None
    component: str
    status: str
    issued_on: date
    response_due_on: date
    response_received_on: date | None
    days_late: int
    overdue: bool
    counts: Counts
    recommendations: list[RecommendationView]


def count_responses(recs: list[RecommendationState]) -> Counts:
    counts = Counts()
    for rec in recs:
        setattr(counts, rec.response.value, getattr(counts, rec.response.value) + 1)
    return counts


def memo_view(facts: MemoFacts, recs: list[RecommendationState], today: date) -> MemoView:
    due = facts.response_due_on
    recs = sorted(recs, key=lambda r: r.number)
    answered = [r.received_on for r in recs if r.received_on is not None]
    received_on = max(answered) if recs and len(answered) == len(recs) else None
    awaiting = facts.status is MemoStatus.AWAITING_RESPONSE
    if received_on is not None or awaiting:
        late = days_late(due, received_on, today)
    else:  # withdrawn or closed without a full answer: the clock stopped
        late = 0
    return MemoView(
        memo_id=facts.memo_id, title=facts.title, office=facts.office,
        component=facts.component, status=facts.status.value, issued_on=facts.issued_on,
        response_due_on=due, response_received_on=received_on, days_late=late,
        overdue=is_overdue(due, awaiting, today), counts=count_responses(recs),
        recommendations=[_rec_view(r, due, today, awaiting) for r in recs],
    )


def _rec_view(
    rec: RecommendationState, due: date, today: date, memo_awaiting: bool
) -> RecommendationView:
    # An unanswered recommendation of a withdrawn memo stopped its clock.
    late = days_late(due, rec.received_on, today) if (rec.received_on or memo_awaiting) else 0
    return RecommendationView(
        number=rec.number, text=rec.text, kind=rec.kind.value, response=rec.response.value,
        rationale=rec.rationale, received_on=rec.received_on,
        days_late=late,
        implementation=rec.implementation.value, resolution=rec.resolution.value,
        closure_reason=rec.closure_reason.value if rec.closure_reason else None,
    )


def view_of_state(state: MemoState, today: date) -> MemoView:
    facts = MemoFacts(memo_id=state.memo_id, title=state.spec.title, office=state.spec.office,
                      component=state.spec.component, status=state.status,
                      issued_on=state.spec.issued_on, response_due_on=state.response_due_on)
    return memo_view(facts, state.recommendations, today)
