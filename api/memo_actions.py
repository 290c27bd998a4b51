"""Actions on a whole memo: response, extension, withdrawal, hold, resume, publication.

Each route checks the token (api.access), then calls one function of app.memos and
returns the memo as its workflow holds it afterwards (the store follows within moments).
Errors are the service layer's (app.errors), answered as problems by api.problems.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends

from api.access import StoredMemo, memo_access
from api.bodies import HoldBody, PublishBody, ResumeBody
from api.context import Ctx
from api.memos import outcome
from api.models import MemoOutcome
from api.problems import WRITE_PROBLEMS
from api.tokens import Office, OfficeOrAgency
from app import memos
from app.context import Context
from app.memos import Fields
from domain.memo import GrantExtension, MemoState, RecordResponse, Withdraw

router = APIRouter(tags=["memo actions"], responses=WRITE_PROBLEMS)

OfficeMemo = Annotated[StoredMemo, Depends(memo_access(*Office))]
AnsweringMemo = Annotated[StoredMemo, Depends(memo_access(*OfficeOrAgency))]

# A function of app.memos: (ctx, memo_id, fields) -> (state, command).
_Step = Callable[[Context, str, Fields], Awaitable[tuple[MemoState, Any]]]


async def _apply(step: _Step, ctx: Context, memo: StoredMemo, fields: Fields) -> MemoOutcome:
    """Call one function of app.memos on the path's memo, and answer with the memo as its
    workflow holds it afterwards."""
    state, _ = await step(ctx, memo.memo_id, fields)
    return outcome(state)


@router.post("/memos/{memo_id}/responses", response_model=MemoOutcome,
             summary="Record the component's response")
async def record_response(ctx: Ctx, memo: AnsweringMemo,
                          body: RecordResponse) -> MemoOutcome:
    """The response file as JSON: `received_on` (the date on the letter) and
    `responses` (`number`, `decision`, `rationale`, optional `action_plan`), for some or
    all recommendations. Office, or the memo's own agency."""
    return await _apply(memos.respond, ctx, memo, body)


@router.post("/memos/{memo_id}/extensions", response_model=MemoOutcome,
             summary="Grant an extension of the response deadline")
async def grant_extension(ctx: Ctx, memo: OfficeMemo, body: GrantExtension) -> MemoOutcome:
    """Move the response deadline later (`to_due_on`), with a reason and an approver."""
    return await _apply(memos.extend, ctx, memo, body)


@router.post("/memos/{memo_id}/withdraw", response_model=MemoOutcome,
             summary="Withdraw a memo")
async def withdraw(ctx: Ctx, memo: OfficeMemo, body: Withdraw) -> MemoOutcome:
    """Withdraw the memo (`on` defaults to today in the office); its open recommendations
    close as `withdrawn` on that date."""
    return await _apply(memos.withdraw, ctx, memo, body)


@router.post("/memos/{memo_id}/hold", response_model=MemoOutcome,
             summary="Put the whole memo on hold")
async def hold(ctx: Ctx, memo: OfficeMemo, body: HoldBody) -> MemoOutcome:
    """Stop the memo's clocks; its open recommendations follow."""
    return await _apply(memos.hold, ctx, memo, body)


@router.post("/memos/{memo_id}/resume", response_model=MemoOutcome,
             summary="Lift the memo's hold")
async def resume(ctx: Ctx, memo: OfficeMemo,
                 body: Annotated[ResumeBody | None, Body()] = None) -> MemoOutcome:
    """Resume the memo (the body may be left out); open due dates move by the days on
    hold, and the recommendations held with it resume too."""
    return await _apply(memos.resume, ctx, memo, body)


@router.post("/memos/{memo_id}/publications", response_model=MemoOutcome,
             summary="Record a publication of the memo")
async def publish(ctx: Ctx, memo: OfficeMemo, body: PublishBody) -> MemoOutcome:
    """A public summary or redacted memo, published at `uri` on `published_on`."""
    return await _apply(memos.publish, ctx, memo, body)
