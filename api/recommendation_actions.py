"""Actions on one recommendation: action plan, review, status updates, extension
requests and decisions, hold, resume, closure and reopening.

Each route checks the token (api.access), then calls one function of
app.recommendations and returns the recommendation's new state with its open due dates.
Errors are the service layer's (app.errors), answered as problems by api.problems.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

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
from app.context import Context
from app.recommendations import Fields
from domain.memo import RecommendationState

router = APIRouter(tags=["recommendation actions"], responses=WRITE_PROBLEMS)
PREFIX = "/memos/{memo_id}/recommendations/{number}"

OfficeRec = Annotated[StoredRecommendation, Depends(recommendation_access(*Office))]
AnsweringRec = Annotated[StoredRecommendation, Depends(recommendation_access(*OfficeOrAgency))]


# A function of app.recommendations: (ctx, memo_id, number, fields) -> (state, command).
_Step = Callable[[Context, str, int, Fields], Awaitable[tuple[RecommendationState, Any]]]


async def _apply(step: _Step, ctx: Context, rec: StoredRecommendation,
                 fields: Fields) -> RecommendationOutcome:
    """Call one function of app.recommendations on the path's recommendation, and answer
    with its new state."""
    state, _ = await step(ctx, rec.memo.memo_id, rec.number, fields)
    return RecommendationOutcome.of(rec.memo.memo_id, state)


@router.post(PREFIX + "/action-plan", response_model=RecommendationOutcome,
             summary="Record an action plan")
async def action_plan(ctx: Ctx, rec: AnsweringRec,
                      body: ActionPlanBody) -> RecommendationOutcome:
    """The plan of a (partially) concurred recommendation. Office, or the memo's own
    agency."""
    return await _apply(recommendations.plan, ctx, rec, body)


@router.post(PREFIX + "/review", response_model=RecommendationOutcome,
             summary="Accept or dispute a response or action plan")
async def review(ctx: Ctx, rec: OfficeRec, body: ReviewBody) -> RecommendationOutcome:
    """An accepted plan puts the recommendation in progress; a dispute asks for a
    revision; accepting a non-concurrence closes it."""
    return await _apply(recommendations.review, ctx, rec, body)


@router.post(PREFIX + "/status-updates", response_model=RecommendationOutcome,
             summary="Record a status update")
async def status_update(ctx: Ctx, rec: AnsweringRec,
                        body: StatusUpdateBody) -> RecommendationOutcome:
    """Progress on an accepted action plan, with finished milestones and evidence.
    Office, or the memo's own agency."""
    return await _apply(recommendations.update, ctx, rec, body)


@router.post(PREFIX + "/extension-requests", response_model=RecommendationOutcome,
             summary="Request an extension of a due date")
async def extension_request(ctx: Ctx, rec: AnsweringRec,
                            body: ExtensionRequestBody) -> RecommendationOutcome:
    """The component asks to move one of the recommendation's due dates; the new
    request (pending) is the last of `state.extension_requests`. Office, or the memo's
    own agency."""
    return await _apply(recommendations.request_extension, ctx, rec, body)


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
    return await _apply(recommendations.decide_extension, ctx, rec, fields)


@router.post(PREFIX + "/hold", response_model=RecommendationOutcome,
             summary="Put a recommendation on hold")
async def hold(ctx: Ctx, rec: OfficeRec, body: HoldBody) -> RecommendationOutcome:
    """Its clocks stop until it is resumed."""
    return await _apply(recommendations.hold, ctx, rec, body)


@router.post(PREFIX + "/resume", response_model=RecommendationOutcome,
             summary="Lift a recommendation's hold")
async def resume(ctx: Ctx, rec: OfficeRec,
                 body: Annotated[ResumeBody | None, Body()] = None) -> RecommendationOutcome:
    """Open due dates move by the days on hold (the body may be left out)."""
    return await _apply(recommendations.resume, ctx, rec, body)


@router.post(PREFIX + "/close", response_model=RecommendationOutcome,
             summary="Close a recommendation")
async def close(ctx: Ctx, rec: OfficeRec, body: CloseBody) -> RecommendationOutcome:
    """Close it for a closure reason; the memo closes when its last recommendation
    does."""
    return await _apply(recommendations.close, ctx, rec, body)


@router.post(PREFIX + "/reopen", response_model=RecommendationOutcome,
             summary="Reopen a closed recommendation")
async def reopen(ctx: Ctx, rec: OfficeRec, body: ReopenBody) -> RecommendationOutcome:
    """Reopen it (and its memo, if closed)."""
    return await _apply(recommendations.reopen, ctx, rec, body)
