"""Actions on a whole memo: response, extension, withdrawal, hold, resume, publication.

Each runs the workflow update through starter.py, as the CLI does, and returns the
memo as its workflow holds it afterwards (the store follows within moments).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from pydantic import BaseModel
from temporalio.client import Client

import starter
from api.access import StoredMemo, memo_access
from api.bodies import HoldBody, PublishBody, ResumeBody, command
from api.calls import call_workflow
from api.context import context_of
from api.memos import outcome
from api.models import MemoOutcome
from api.problems import WRITE_PROBLEMS
from api.tokens import Office, OfficeOrAgency
from domain.memo import GrantExtension, MemoState, RecordResponse, Withdraw
from domain.memo_followup import MemoHold, MemoResume, Publish

router = APIRouter(tags=["memo actions"], responses=WRITE_PROBLEMS)
MemoAction = Callable[[Client, str, Any], Awaitable[MemoState]]

OfficeMemo = Annotated[StoredMemo, Depends(memo_access(*Office))]
AnsweringMemo = Annotated[StoredMemo, Depends(memo_access(*OfficeOrAgency))]


async def _run(request: Request, memo: StoredMemo, action: MemoAction,
               cmd: BaseModel) -> MemoOutcome:
    state = await call_workflow(
        context_of(request), memo.memo_id, lambda client: action(client, memo.memo_id, cmd),
        command=cmd, finished=memo.finished)
    return outcome(state)


@router.post("/memos/{memo_id}/responses", response_model=MemoOutcome,
             summary="Record the component's response")
async def record_response(request: Request, memo: AnsweringMemo,
                          body: RecordResponse) -> MemoOutcome:
    """The response file as JSON: `received_on` (the date on the letter) and
    `responses` (`number`, `decision`, `rationale`, optional `action_plan`), for some or
    all recommendations. Office, or the memo's own agency."""
    return await _run(request, memo, starter.record_response, body)


@router.post("/memos/{memo_id}/extensions", response_model=MemoOutcome,
             summary="Grant an extension of the response deadline")
async def grant_extension(request: Request, memo: OfficeMemo,
                          body: GrantExtension) -> MemoOutcome:
    """Move the response deadline later (`to_due_on`), with a reason and an approver."""
    return await _run(request, memo, starter.grant_extension, body)


@router.post("/memos/{memo_id}/withdraw", response_model=MemoOutcome,
             summary="Withdraw a memo")
async def withdraw(request: Request, memo: OfficeMemo, body: Withdraw) -> MemoOutcome:
    """Withdraw the memo (`on` defaults to today in the office); its open recommendations
    close as `withdrawn` on that date."""
    return await _run(request, memo, starter.withdraw_memo,
                      body.model_copy(update={"on": memo.on(body.on)}))


@router.post("/memos/{memo_id}/hold", response_model=MemoOutcome,
             summary="Put the whole memo on hold")
async def hold(request: Request, memo: OfficeMemo, body: HoldBody) -> MemoOutcome:
    """Stop the memo's clocks; its open recommendations follow."""
    cmd = command(MemoHold, body, on=memo.on(body.on))
    return await _run(request, memo, starter.hold_memo, cmd)


@router.post("/memos/{memo_id}/resume", response_model=MemoOutcome,
             summary="Lift the memo's hold")
async def resume(request: Request, memo: OfficeMemo,
                 body: Annotated[ResumeBody | None, Body()] = None) -> MemoOutcome:
    """Resume the memo (the body may be left out); open due dates move by the days on
    hold, and the recommendations held with it resume too."""
    cmd = command(MemoResume, body, on=memo.on(body.on if body else None))
    return await _run(request, memo, starter.resume_memo, cmd)


@router.post("/memos/{memo_id}/publications", response_model=MemoOutcome,
             summary="Record a publication of the memo")
async def publish(request: Request, memo: OfficeMemo, body: PublishBody) -> MemoOutcome:
    """A public summary or redacted memo, published at `uri` on `published_on`."""
    cmd = command(Publish, body, published_on=memo.on(body.published_on))
    return await _run(request, memo, starter.publish, cmd)
