"""Actions on one recommendation: action plan, review, status updates, extension
requests and decisions, hold, resume, closure and reopening.

Each runs the recommendation workflow's update through starter.py, as the CLI does, and
returns the recommendation's new state with its open due dates.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Request
from pydantic import BaseModel
from temporalio.client import Client

import starter
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
    command,
)
from api.calls import call_workflow
from api.context import context_of
from api.models import RecommendationOutcome
from api.problems import WRITE_PROBLEMS, ProblemError
from api.tokens import Office, OfficeOrAgency
from domain.followup import StatusUpdate
from domain.memo import RecommendationState
from domain.recommendation import (
    Close,
    DecideExtension,
    LiftHold,
    PlaceHold,
    Reopen,
    RequestExtension,
    Review,
    SubmitActionPlan,
)

router = APIRouter(tags=["recommendation actions"], responses=WRITE_PROBLEMS)
PREFIX = "/memos/{memo_id}/recommendations/{number}"

OfficeRec = Annotated[StoredRecommendation, Depends(recommendation_access(*Office))]
AnsweringRec = Annotated[StoredRecommendation, Depends(recommendation_access(*OfficeOrAgency))]
Update = Callable[[Client, str, int, Any], Awaitable[RecommendationState]]


async def _run(request: Request, rec: StoredRecommendation, update: Update,
               cmd: BaseModel) -> RecommendationOutcome:
    memo_id, number = rec.memo.memo_id, rec.number
    state = await call_workflow(
        context_of(request), memo_id, lambda client: update(client, memo_id, number, cmd),
        command=cmd, finished=f"{memo_id}: recommendation {number} takes no more actions "
                              "(its workflow has finished)")
    return RecommendationOutcome.of(memo_id, state)


@router.post(PREFIX + "/action-plan", response_model=RecommendationOutcome,
             summary="Record an action plan")
async def action_plan(request: Request, rec: AnsweringRec,
                      body: ActionPlanBody) -> RecommendationOutcome:
    """The plan of a (partially) concurred recommendation. Office, or the memo's own
    agency."""
    cmd = command(SubmitActionPlan, body, received_on=rec.memo.on(body.received_on))
    return await _run(request, rec, starter.submit_action_plan, cmd)


@router.post(PREFIX + "/review", response_model=RecommendationOutcome,
             summary="Accept or dispute a response or action plan")
async def review(request: Request, rec: OfficeRec, body: ReviewBody) -> RecommendationOutcome:
    """An accepted plan puts the recommendation in progress; a dispute asks for a
    revision; accepting a non-concurrence closes it."""
    cmd = command(Review, body, reviewed_on=rec.memo.on(body.reviewed_on))
    return await _run(request, rec, starter.review, cmd)


@router.post(PREFIX + "/status-updates", response_model=RecommendationOutcome,
             summary="Record a status update")
async def status_update(request: Request, rec: AnsweringRec,
                        body: StatusUpdateBody) -> RecommendationOutcome:
    """Progress on an accepted action plan, with finished milestones and evidence.
    Office, or the memo's own agency."""
    cmd = command(StatusUpdate, body, received_on=rec.memo.on(body.received_on))
    return await _run(request, rec, starter.submit_status_update, cmd)


@router.post(PREFIX + "/extension-requests", response_model=RecommendationOutcome,
             summary="Request an extension of a due date")
async def extension_request(request: Request, rec: AnsweringRec,
                            body: ExtensionRequestBody) -> RecommendationOutcome:
    """The component asks to move one of the recommendation's due dates; the new
    request (pending) is the last of `state.extension_requests`. Office, or the memo's
    own agency."""
    cmd = command(RequestExtension, body, requested_on=rec.memo.on(body.requested_on))
    return await _run(request, rec, starter.request_extension, cmd)


@router.post(PREFIX + "/extension-requests/{request_id}/decision",
             response_model=RecommendationOutcome, summary="Decide an extension request")
async def extension_decision(
    request: Request, rec: OfficeRec, body: ExtensionDecisionBody,
    request_id: Annotated[int, Path(ge=1, le=1_000_000, description="the request's id")],
) -> RecommendationOutcome:
    """Approve or deny a pending extension request."""
    if body.request_id is not None and body.request_id != request_id:
        raise ProblemError(422, f"request_id: {body.request_id} in the body is not the "
                                f"request {request_id} of the path", field="request_id")
    cmd = command(DecideExtension, body, request_id=request_id,
                  decided_on=rec.memo.on(body.decided_on))
    return await _run(request, rec, starter.decide_extension, cmd)


@router.post(PREFIX + "/hold", response_model=RecommendationOutcome,
             summary="Put a recommendation on hold")
async def hold(request: Request, rec: OfficeRec, body: HoldBody) -> RecommendationOutcome:
    """Its clocks stop until it is resumed."""
    cmd = command(PlaceHold, body, on=rec.memo.on(body.on))
    return await _run(request, rec, starter.place_hold, cmd)


@router.post(PREFIX + "/resume", response_model=RecommendationOutcome,
             summary="Lift a recommendation's hold")
async def resume(request: Request, rec: OfficeRec,
                 body: Annotated[ResumeBody | None, Body()] = None) -> RecommendationOutcome:
    """Open due dates move by the days on hold (the body may be left out)."""
    cmd = command(LiftHold, body, on=rec.memo.on(body.on if body else None))
    return await _run(request, rec, starter.lift_hold, cmd)


@router.post(PREFIX + "/close", response_model=RecommendationOutcome,
             summary="Close a recommendation")
async def close(request: Request, rec: OfficeRec, body: CloseBody) -> RecommendationOutcome:
    """Close it for a closure reason; the memo closes when its last recommendation
    does."""
    cmd = command(Close, body, closed_on=rec.memo.on(body.closed_on))
    return await _run(request, rec, starter.close_recommendation, cmd)


@router.post(PREFIX + "/reopen", response_model=RecommendationOutcome,
             summary="Reopen a closed recommendation")
async def reopen(request: Request, rec: OfficeRec, body: ReopenBody) -> RecommendationOutcome:
    """Reopen it (and its memo, if closed)."""
    cmd = command(Reopen, body, on=rec.memo.on(body.on))
    return await _run(request, rec, starter.reopen_recommendation, cmd)
