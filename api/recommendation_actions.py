"""Actions on one recommendation: action plan, review, status updates, extension
requests and decisions, hold, resume, closure and reopening.

Each route checks the token (api.access), then calls one function of
app.recommendations and returns the recommendation's new state with its open due dates.
Errors are the service layer's (app.errors), answered as problems by api.problems.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path

from api.access import StoredRecommendation, recommendation_access
from api.bodies import (
    ActionPlanBody,
    CloseBody,
    ExtensionDecisionBody,
    ExtensionRequestBody,
    HoldBody,
    ReopenBody,
    ResumeBody,
    ReviewBody,
    StatusUpdateBody,
)
from api.context import Ctx
from api.models import RecommendationOutcome
from api.problems import WRITE_PROBLEMS, ProblemError
from api.tokens import Office, OfficeOrAgency
from app import recommendations
from domain.memo import RecommendationState

router = APIRouter(tags=["recommendation actions"], responses=WRITE_PROBLEMS)
PREFIX = "/memos/{memo_id}/recommendations/{number}"

OfficeRec = Annotated[StoredRecommendation, Depends(recommendation_access(*Office))]
AnsweringRec = Annotated[StoredRecommendation, Depends(recommendation_access(*OfficeOrAgency))]


def _outcome(rec: StoredRecommendation, state: RecommendationState) -> RecommendationOutcome:
    return RecommendationOutcome.of(rec.memo.memo_id, state)


@router.post(PREFIX + "/action-plan", response_model=RecommendationOutcome,
             summary="Record an action plan")
async def action_plan(ctx: Ctx, rec: AnsweringRec,
                      body: ActionPlanBody) -> RecommendationOutcome:
    """The plan of a (partially) concurred recommendation. Office, or the memo's own
    agency."""
    state, _ = await recommendations.plan(ctx, rec.memo.memo_id, rec.number, body)
    return _outcome(rec, state)


@router.post(PREFIX + "/review", response_model=RecommendationOutcome,
             summary="Accept or dispute a response or action plan")
async def review(ctx: Ctx, rec: OfficeRec, body: ReviewBody) -> RecommendationOutcome:
    """An accepted plan puts the recommendation in progress; a dispute asks for a
    revision; accepting a non-concurrence closes it."""
    state, _ = await recommendations.review(ctx, rec.memo.memo_id, rec.number, body)
    return _outcome(rec, state)


@router.post(PREFIX + "/status-updates", response_model=RecommendationOutcome,
             summary="Record a status update")
async def status_update(ctx: Ctx, rec: AnsweringRec,
                        body: StatusUpdateBody) -> RecommendationOutcome:
    """Progress on an accepted action plan, with finished milestones and evidence.
    Office, or the memo's own agency."""
    state, _ = await recommendations.update(ctx, rec.memo.memo_id, rec.number, body)
    return _outcome(rec, state)


@router.post(PREFIX + "/extension-requests", response_model=RecommendationOutcome,
             summary="Request an extension of a due date")
async def extension_request(ctx: Ctx, rec: AnsweringRec,
                            body: ExtensionRequestBody) -> RecommendationOutcome:
    """The component asks to move one of the recommendation's due dates; the new
    request (pending) is the last of `state.extension_requests`. Office, or the memo's
    own agency."""
    state, _ = await recommendations.request_extension(ctx, rec.memo.memo_id, rec.number,
                                                       body)
    return _outcome(rec, state)


@router.post(PREFIX + "/extension-requests/{request_id}/decision",
             response_model=RecommendationOutcome, summary="Decide an extension request")
async def extension_decision(
    ctx: Ctx, rec: OfficeRec, body: ExtensionDecisionBody,
    request_id: Annotated[int, Path(ge=1, le=1_000_000, description="the request's id")],
) -> RecommendationOutcome:
    """Approve or deny a pending extension request."""
    if body.request_id is not None and body.request_id != request_id:
        raise ProblemError(422, f"request_id: {body.request_id} in the body is not the "
                                f"request {request_id} of the path", field="request_id")
    fields = {**body.model_dump(exclude_none=True), "request_id": request_id}
    state, _ = await recommendations.decide_extension(ctx, rec.memo.memo_id, rec.number,
                                                      fields)
    return _outcome(rec, state)


@router.post(PREFIX + "/hold", response_model=RecommendationOutcome,
             summary="Put a recommendation on hold")
async def hold(ctx: Ctx, rec: OfficeRec, body: HoldBody) -> RecommendationOutcome:
    """Its clocks stop until it is resumed."""
    state, _ = await recommendations.hold(ctx, rec.memo.memo_id, rec.number, body)
    return _outcome(rec, state)


@router.post(PREFIX + "/resume", response_model=RecommendationOutcome,
             summary="Lift a recommendation's hold")
async def resume(ctx: Ctx, rec: OfficeRec,
                 body: Annotated[ResumeBody | None, Body()] = None) -> RecommendationOutcome:
    """Open due dates move by the days on hold (the body may be left out)."""
    state, _ = await recommendations.resume(ctx, rec.memo.memo_id, rec.number, body)
    return _outcome(rec, state)


@router.post(PREFIX + "/close", response_model=RecommendationOutcome,
             summary="Close a recommendation")
async def close(ctx: Ctx, rec: OfficeRec, body: CloseBody) -> RecommendationOutcome:
    """Close it for a closure reason; the memo closes when its last recommendation
    does."""
    state, _ = await recommendations.close(ctx, rec.memo.memo_id, rec.number, body)
    return _outcome(rec, state)


@router.post(PREFIX + "/reopen", response_model=RecommendationOutcome,
             summary="Reopen a closed recommendation")
async def reopen(ctx: Ctx, rec: OfficeRec, body: ReopenBody) -> RecommendationOutcome:
    """Reopen it (and its memo, if closed)."""
    state, _ = await recommendations.reopen(ctx, rec.memo.memo_id, rec.number, body)
    return _outcome(rec, state)
