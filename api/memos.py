"""Reading memos (from the store, or live from the workflow) and issuing new ones,
each through the service layer (app.reads, app.pages, app.memos)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.access import StoredMemo, memo_access
from api.context import Ctx
from api.models import LiveMemo, MemoOutcome, MemoPage
from api.problems import READ_PROBLEMS, WRITE_PROBLEMS, problem_doc
from api.tokens import CurrentPrincipal, Office, Principal, Readers, allow, component_filter
from app import memos, pages, reads
from domain.memo import MemoSpec, MemoState
from domain.views import MemoView
from domain.vocabulary import MemoStatus
from store.queries import StoredMemoView
from store.tables import EventPublic

router = APIRouter(tags=["memos"])
MAX_LIMIT = 500
STORE_WAIT_SECONDS = 10.0

Reader = Annotated[StoredMemo, Depends(memo_access(*Readers))]


def outcome(state: MemoState) -> MemoOutcome:
    """What a memo-level action returns: the memo after it, as its workflow holds it."""
    return MemoOutcome(
        memo=reads.view_now(state), hold=state.hold,
        extensions=state.extensions, publications=state.publications,
        publication_due_on=state.publication_due_on, withdrawn_reason=state.withdrawn_reason)


@router.get("/memos", response_model=MemoPage,
            responses={**READ_PROBLEMS, 403: problem_doc("an agency token asking for "
                                                         "another component")},
            summary="List memos (from the store)")
async def list_memos(
    ctx: Ctx, who: CurrentPrincipal,
    overdue: Annotated[bool | None, Query(description="only overdue (true) or only not "
                                          "overdue (false) memos")] = None,
    component: Annotated[str | None, Query(max_length=200)] = None,
    status: Annotated[MemoStatus | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="page size")] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> MemoPage:
    """Memos by response due date, then memo id. An agency token sees only its own
    component's memos (asking for another component is 403)."""
    component = component_filter(who, component)
    views, total = await pages.page(ctx, overdue=overdue, component=component,
                                    status=status.value if status else None, limit=limit,
                                    offset=offset)
    return MemoPage(items=views, total=total, limit=limit, offset=offset)


@router.get("/memos/{memo_id}", response_model=StoredMemoView, responses=READ_PROBLEMS,
            summary="One memo (from the store)")
async def show_memo(ctx: Ctx, memo: Reader) -> StoredMemoView:
    """The memo as `rectrack show MEMO_ID --json` prints it: status, due date,
    `days_late`, `overdue`, counts and each recommendation, with `attention` (why a
    clock stopped, or null) on the memo and each recommendation and `needs_attention`."""
    return await reads.show(ctx, memo.memo_id)


@router.get("/memos/{memo_id}/timeline", response_model=list[EventPublic],
            responses=READ_PROBLEMS, summary="A memo's audit log (from the store)")
async def memo_timeline(
    ctx: Ctx, memo: Reader,
    number: Annotated[int | None, Query(ge=1, description="only this recommendation's "
                                        "events (and the memo events naming it)")] = None,
) -> list[EventPublic]:
    """The memo's events in the order they happened."""
    return await reads.timeline(ctx, memo.memo_id, number)


@router.get("/memos/{memo_id}/live", response_model=LiveMemo,
            responses={**READ_PROBLEMS, 503: WRITE_PROBLEMS[503]},
            summary="One memo, asked of its workflow")
async def live_memo(ctx: Ctx, memo: Reader) -> LiveMemo:
    """The full live state of the memo (a Temporal query), and its view."""
    state = await reads.live(ctx, memo.memo_id)
    return LiveMemo(memo=reads.stored_view_now(state), state=state)


@router.post("/memos", status_code=201, response_model=MemoView, responses=WRITE_PROBLEMS,
             summary="Issue a memo")
async def issue_memo(
    ctx: Ctx, spec: MemoSpec,
    who: Annotated[Principal, Depends(allow(*Office))],
) -> MemoView:
    """Issue a memo; the body is the memo file as JSON (docs/contracts.md#memo-file). Its due
    date is computed and stored now. 409 if the memo id was ever used."""
    spec, view = await memos.issue(ctx, spec, wait_seconds=STORE_WAIT_SECONDS)
    if view is not None:  # the stored view, once the worker has recorded it
        return view
    assert spec.response_due_on is not None  # not yet recorded: the view of its state
    return reads.view_now(MemoState.issue(spec, spec.response_due_on))
