"""Shared builders for the follow-up rule tests: recommendation 1 of the ICE memo, walked
through its phases by the real transitions (answered, planned, accepted, disputed, closed).

The ICE answer came on 2023-01-30; by the default policy an action plan is then due
2023-03-01 (30 days), the public summary 2023-04-30 (90 days). The office reviews on
2023-03-15, so the first status update is due 2023-06-13 (90 days).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel

from domain.followup import ActionPlan, Evidence, FollowUpPolicy, Milestone
from domain.memo import MemoSpec, MemoState, RecommendationState, RecordResponse, record_response
from domain.recommendation import Close, Review, close, review
from domain.vocabulary import ClosureReason, ReviewDecision
from tests.unit.conftest import ICE_DUE_ON, RATIONALE, ice_spec_data

RECEIVED_ON = date(2023, 1, 30)
REVIEWED_ON = date(2023, 3, 15)
LATEST_DATE = date(2024, 12, 31)  # "today" for record_response: nothing here is in the future
POLICY = FollowUpPolicy()
MILESTONES = {"Draft policy": "2023-06-30", "Train staff": "2023-09-30"}
EVIDENCE = Evidence(title="Signed directive", uri="https://ice.example/directive.pdf",
                    sha256="0123456789abcdef" * 4)


def snapshot(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")


@contextmanager
def rejected(state: BaseModel, error: type[Exception], match: str) -> Iterator[None]:
    """The transition inside raises `error` whose message names the problem (`match`),
    and the state it was given is left exactly as it was."""
    before = snapshot(state)
    with pytest.raises(error, match=match):
        yield
    assert snapshot(state) == before


def plan(target: str = "2023-12-31", milestones: dict[str, str] | None = None) -> ActionPlan:
    chosen = MILESTONES if milestones is None else milestones
    return ActionPlan(responsible_official="ICE Privacy Officer",
                      target_completion_on=date.fromisoformat(target),
                      milestones=[Milestone(title=t, target_on=date.fromisoformat(d))
                                  for t, d in chosen.items()])


def issued(**follow_up: int) -> MemoState:
    """The ICE memo just issued, with its follow-up policy overridden by `follow_up`."""
    data = ice_spec_data()
    if follow_up:
        data["follow_up"] = follow_up
    return MemoState.issue(MemoSpec.model_validate(data), ICE_DUE_ON)


def answer(decision: str = "concur", action_plan: ActionPlan | None = None,
           number: int = 1, received_on: date = RECEIVED_ON) -> RecordResponse:
    item: dict[str, Any] = {"number": number, "decision": decision}
    if decision != "concur":
        item["rationale"] = RATIONALE
    if action_plan is not None:
        item["action_plan"] = action_plan.model_dump(mode="json")
    return RecordResponse.model_validate({"received_on": received_on.isoformat(),
                                          "responses": [item]})


def answered(decision: str = "concur", action_plan: ActionPlan | None = None
             ) -> RecommendationState:
    """Recommendation 1 answered on 2023-01-30 with `decision` (and the plan, if given)."""
    memo, _ = record_response(issued(), answer(decision, action_plan), LATEST_DATE)
    return memo.recommendation(1)


def planned(decision: str = "concur") -> RecommendationState:
    """Answered with an action plan, awaiting the office's review."""
    return answered(decision, plan())


def accept(on: date = REVIEWED_ON, closure_reason: ClosureReason | None = None,
           justification: str | None = None) -> Review:
    return Review(decision=ReviewDecision.ACCEPT, reviewed_on=on,
                  closure_reason=closure_reason, justification=justification)


def dispute(reason: str | None = "The plan does not cover past searches.",
            on: date = REVIEWED_ON) -> Review:
    return Review(decision=ReviewDecision.DISPUTE, reviewed_on=on, reason=reason)


def in_progress(decision: str = "concur") -> RecommendationState:
    """Plan accepted on 2023-03-15: resolved, in progress, status update due 2023-06-13."""
    rec, _ = review(planned(decision), accept(), POLICY)
    return rec


def disputed() -> RecommendationState:
    """Plan disputed on 2023-03-15: unresolved, a revision due 2023-04-14."""
    rec, _ = review(planned(), dispute(), POLICY)
    return rec


def closing(reason: ClosureReason = ClosureReason.IMPLEMENTED, on: str = "2023-12-15",
            justification: str = "The directive is signed and staff are trained.",
            evidence: tuple[Evidence, ...] = (EVIDENCE,)) -> Close:
    return Close(reason=reason, justification=justification,
                 closed_on=date.fromisoformat(on), evidence=list(evidence))


def closed(reason: ClosureReason = ClosureReason.IMPLEMENTED) -> RecommendationState:
    """An accepted plan carried out and closed on 2023-12-15."""
    rec, _ = close(in_progress(), closing(reason))
    return rec
