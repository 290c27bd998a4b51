"""Six memos written through the real projection (store.events.apply_event), as of TODAY.

Every date below is chosen so the reports' right answers can be derived by hand in the
tests (test_reports.py). Summary (components ICE and CBP; case officers Ada and Ben):

ICE-1 (ICE, Ada) issued 2022-09-30, due 2022-11-29.
    #1 concurred 2023-01-30; plan 2023-02-20 (target 2023-12-31); accepted 2023-03-15
       -> in progress, resolved 2023-03-15, status update due 2023-06-13.
    #2 partially concurred 2023-01-30; no plan -> action plan due 2023-03-01.
    #3 non-concurred 2023-03-01; accepted 2023-03-15 -> closed not_implemented 2023-03-15.
ICE-2 (ICE, Ben) issued 2023-12-01, due 2024-01-30; 2 recommendations, unanswered.
ICE-3 (ICE, Ada) issued 2023-06-01, due 2023-07-31; withdrawn, recorded 2023-09-01.
CBP-1 (CBP, Ada) issued 2023-02-01, due 2023-04-02.
    #1 concurred 2023-05-01; plan 2023-05-20 (target 2024-06-30); accepted 2023-05-25
       -> resolved 2023-05-25; on hold since 2023-07-01 (status update due 2023-08-23).
    #2 concurred 2023-05-11; plan 2023-05-20 (target 2024-03-10); accepted 2024-01-15
       -> resolved 2024-01-15, status update due 2024-04-14.
CBP-2 (CBP, no case officer) issued 2024-02-20, due 2024-03-15; 1 recommendation.
CBP-3 (CBP, Ben) issued 2023-10-01, due 2023-11-30; memo on hold since 2023-11-01.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlmodel import Session

from activities.models import EventRecord
from domain.followup import ActionPlan, FollowUpPolicy
from domain.memo import (
    MemoSpec,
    MemoState,
    RecommendationResponse,
    RecommendationState,
    RecordResponse,
    Withdraw,
    record_response,
    withdraw,
)
from domain.memo_followup import MemoHold, hold_memo
from domain.recommendation import (
    PlaceHold,
    Review,
    SubmitActionPlan,
    place_hold,
    review,
    submit_action_plan,
)
from domain.vocabulary import ClosureReason, Decision, EventKind, ReviewDecision
from store.events import apply_event

TODAY = date(2024, 3, 1)
POLICY = FollowUpPolicy()


def spec(memo_id: str, component: str, issued_on: date, recommendations: int,
         case_officer: str | None) -> MemoSpec:
    contacts: dict[str, Any] = {"component": {"name": f"{component} liaison"}}
    if case_officer is not None:
        contacts["case_officer"] = {"name": case_officer}
    return MemoSpec.model_validate({
        "memo_id": memo_id, "title": f"Memo {memo_id}", "component": component,
        "issued_on": issued_on, "contacts": contacts,
        "recommendations": [{"number": n, "text": f"{memo_id} recommendation {n}"}
                            for n in range(1, recommendations + 1)]})


class Writer:
    """Applies memo and recommendation events with their own seq counters."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.memo_seq: dict[str, int] = {}
        self.rec_seq: dict[tuple[str, int], int] = {}

    def memo(self, state: MemoState, kind: EventKind, on: date) -> None:
        seq = self.memo_seq[state.memo_id] = self.memo_seq.get(state.memo_id, 0) + 1
        apply_event(self.session, record=EventRecord(
            event_id=f"{state.memo_id}#{seq}", memo_id=state.memo_id, seq=seq, kind=kind,
            occurred_on=on, recorded_at=datetime.combine(on, time(15), tzinfo=UTC),
            numbers=[r.number for r in state.recommendations],
            snapshot=state.model_copy(update={"event_seq": seq})))

    def rec(self, memo_id: str, rec: RecommendationState, kind: EventKind, on: date) -> None:
        key = (memo_id, rec.number)
        seq = self.rec_seq[key] = self.rec_seq.get(key, 0) + 1
        apply_event(self.session, record=EventRecord(
            event_id=f"{memo_id}/{rec.number}#{seq}", memo_id=memo_id, seq=seq, kind=kind,
            occurred_on=on, recorded_at=datetime.combine(on, time(15), tzinfo=UTC),
            numbers=[rec.number], number=rec.number, recommendation=rec))


def respond(state: MemoState, received_on: date, **decisions: Decision) -> MemoState:
    answers = [RecommendationResponse(number=int(n.removeprefix("r")), decision=d,
                                      rationale=None if d is Decision.CONCUR else "because")
               for n, d in decisions.items()]
    new, _ = record_response(state, RecordResponse(received_on=received_on, responses=answers),
                             latest_date=date(2100, 1, 1))
    return new


def planned_and_accepted(rec: RecommendationState, plan_on: date, target: date,
                         accepted_on: date) -> RecommendationState:
    plan = ActionPlan(responsible_official="Official", target_completion_on=target)
    new, _ = submit_action_plan(rec, SubmitActionPlan(received_on=plan_on, plan=plan))
    new, _ = review(new, Review(decision=ReviewDecision.ACCEPT, reviewed_on=accepted_on),
                    POLICY)
    return new


def fill_store(session: Session) -> None:
    w = Writer(session)
    c, p, n = Decision.CONCUR, Decision.PARTIALLY_CONCUR, Decision.NON_CONCUR

    ice1 = MemoState.issue(spec("ICE-1", "ICE", date(2022, 9, 30), 3, "Ada"), date(2022, 11, 29))
    w.memo(ice1, EventKind.MEMO_ISSUED, date(2022, 9, 30))
    ice1 = respond(ice1, date(2023, 1, 30), r1=c, r2=p)
    w.memo(ice1, EventKind.RESPONSE_RECORDED, date(2023, 1, 30))
    one = planned_and_accepted(ice1.recommendation(1), date(2023, 2, 20), date(2023, 12, 31),
                               date(2023, 3, 15))
    w.rec("ICE-1", one, EventKind.RESPONSE_ACCEPTED, date(2023, 3, 15))
    w.rec("ICE-1", ice1.recommendation(2), EventKind.RESPONSE_RECORDED, date(2023, 1, 30))
    ice1 = respond(ice1, date(2023, 3, 1), r3=n)
    w.memo(ice1, EventKind.RESPONSE_RECORDED, date(2023, 3, 1))
    three, _ = review(ice1.recommendation(3), Review(
        decision=ReviewDecision.ACCEPT, reviewed_on=date(2023, 3, 15),
        closure_reason=ClosureReason.NOT_IMPLEMENTED, justification="policy covers it"), POLICY)
    w.rec("ICE-1", three, EventKind.RECOMMENDATION_CLOSED, date(2023, 3, 15))

    ice2 = MemoState.issue(spec("ICE-2", "ICE", date(2023, 12, 1), 2, "Ben"), date(2024, 1, 30))
    w.memo(ice2, EventKind.MEMO_ISSUED, date(2023, 12, 1))

    ice3 = MemoState.issue(spec("ICE-3", "ICE", date(2023, 6, 1), 2, "Ada"), date(2023, 7, 31))
    w.memo(ice3, EventKind.MEMO_ISSUED, date(2023, 6, 1))
    ice3, _ = withdraw(ice3, Withdraw(reason="superseded"))
    w.memo(ice3, EventKind.MEMO_WITHDRAWN, date(2023, 9, 1))  # recorded 2023-09-01 15:00 UTC

    cbp1 = MemoState.issue(spec("CBP-1", "CBP", date(2023, 2, 1), 2, "Ada"), date(2023, 4, 2))
    w.memo(cbp1, EventKind.MEMO_ISSUED, date(2023, 2, 1))
    cbp1 = respond(cbp1, date(2023, 5, 1), r1=c)
    w.memo(cbp1, EventKind.RESPONSE_RECORDED, date(2023, 5, 1))
    cbp1 = respond(cbp1, date(2023, 5, 11), r2=c)
    w.memo(cbp1, EventKind.RESPONSE_RECORDED, date(2023, 5, 11))
    held = planned_and_accepted(cbp1.recommendation(1), date(2023, 5, 20), date(2024, 6, 30),
                                date(2023, 5, 25))
    held, _ = place_hold(held, PlaceHold(reason="litigation", on=date(2023, 7, 1)))
    w.rec("CBP-1", held, EventKind.HOLD_PLACED, date(2023, 7, 1))
    two = planned_and_accepted(cbp1.recommendation(2), date(2023, 5, 20), date(2024, 3, 10),
                               date(2024, 1, 15))
    w.rec("CBP-1", two, EventKind.RESPONSE_ACCEPTED, date(2024, 1, 15))

    cbp2 = MemoState.issue(spec("CBP-2", "CBP", date(2024, 2, 20), 1, None), date(2024, 3, 15))
    w.memo(cbp2, EventKind.MEMO_ISSUED, date(2024, 2, 20))

    cbp3 = MemoState.issue(spec("CBP-3", "CBP", date(2023, 10, 1), 1, "Ben"), date(2023, 11, 30))
    w.memo(cbp3, EventKind.MEMO_ISSUED, date(2023, 10, 1))
    cbp3, _ = hold_memo(cbp3, MemoHold(reason="reorganisation", on=date(2023, 11, 1)))
    w.memo(cbp3, EventKind.HOLD_PLACED, date(2023, 11, 1))
