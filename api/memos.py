"""Reading memos (from the store, or live from the workflow) and issuing new ones."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

import starter
from api.access import StoredMemo, memo_access
from api.calls import call_workflow, rpc_problem
from api.context import context_of
from api.models import LiveMemo, MemoOutcome, MemoPage
from api.problems import READ_PROBLEMS, WRITE_PROBLEMS, ProblemError, problem_doc
from api.tokens import CurrentPrincipal, Office, Principal, Readers, allow, component_filter
from domain.dates import check_issue_date
from domain.deadlines import check_time_zone
from domain.errors import DomainError
from domain.memo import MemoSpec, MemoState
from domain.office_time import today_in
from domain.views import MemoView, view_of_state
from domain.vocabulary import MemoStatus
from store.queries import (
    StoredMemoView,
    get_memo_view,
    list_memo_views,
    list_timeline,
    state_view,
)
from store.tables import EventPublic

router = APIRouter(tags=["memos"])
MAX_LIMIT = 500
STORE_WAIT_SECONDS = 10.0

Reader = Annotated[StoredMemo, Depends(memo_access(*Readers))]


def outcome(state: MemoState) -> MemoOutcome:
    """What a memo-level action returns: the memo after it, as its workflow holds it."""
    return MemoOutcome(
        memo=view_of_state(state, today_in(state.spec.time_zone)), hold=state.hold,
        extensions=state.extensions, publications=state.publications,
        publication_due_on=state.publication_due_on, withdrawn_reason=state.withdrawn_reason)


@router.get("/memos", response_model=MemoPage,
            responses={**READ_PROBLEMS, 403: problem_doc("an agency token asking for "
                                                         "another component")},
            summary="List memos (from the store)")
async def list_memos(
    request: Request, who: CurrentPrincipal,
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
    with context_of(request).session() as session:
        views = list_memo_views(session, overdue=overdue, component=component,
                                status=status.value if status else None)
    return MemoPage(items=views[offset:offset + limit], total=len(views), limit=limit,
                    offset=offset)


@router.get("/memos/{memo_id}", response_model=StoredMemoView, responses=READ_PROBLEMS,
            summary="One memo (from the store)")
async def show_memo(request: Request, memo: Reader) -> StoredMemoView:
    """The memo as `rectrack show MEMO_ID --json` prints it: status, due date,
    `days_late`, `overdue`, counts and each recommendation, with `attention` (why a
    clock stopped, or null) on the memo and each recommendation and `needs_attention`."""
    with context_of(request).session() as session:
        view = get_memo_view(session, memo_id=memo.memo_id)
    if view is None:  # pragma: no cover - the lookup just found it
        raise ProblemError(404, f"unknown memo {memo.memo_id!r}", field="memo_id")
    return view


@router.get("/memos/{memo_id}/timeline", response_model=list[EventPublic],
            responses=READ_PROBLEMS, summary="A memo's audit log (from the store)")
async def memo_timeline(
    request: Request, memo: Reader,
    number: Annotated[int | None, Query(ge=1, description="only this recommendation's "
                                        "events (and the memo events naming it)")] = None,
) -> list[EventPublic]:
    """The memo's events in the order they happened."""
    if number is not None and number not in memo.numbers:
        raise ProblemError(404, f"memo {memo.memo_id} has no recommendation {number}",
                           field="number")
    with context_of(request).session() as session:
        return list_timeline(session, memo_id=memo.memo_id, number=number)


@router.get("/memos/{memo_id}/live", response_model=LiveMemo,
            responses={**READ_PROBLEMS, 503: WRITE_PROBLEMS[503]},
            summary="One memo, asked of its workflow")
async def live_memo(request: Request, memo: Reader) -> LiveMemo:
    """The full live state of the memo (a Temporal query), and its view."""
    state = await call_workflow(
        context_of(request), memo.memo_id,
        lambda client: starter.live_state(client, memo.memo_id),
        finished=f"{memo.memo_id}: the memo's workflow cannot be queried")
    return LiveMemo(memo=state_view(state, today_in(state.spec.time_zone)), state=state)


@router.post("/memos", status_code=201, response_model=MemoView, responses=WRITE_PROBLEMS,
             summary="Issue a memo")
async def issue_memo(
    request: Request, spec: MemoSpec,
    who: Annotated[Principal, Depends(allow(*Office))],
) -> MemoView:
    """Issue a memo; the body is the memo file as JSON (docs/contracts.md#memo-file). Its due
    date is computed and stored now. 409 if the memo id was ever used."""
    try:
        check_time_zone(spec.time_zone)
    except ValueError as error:
        raise ProblemError(422, f"time_zone: {error}", field="time_zone") from None
    try:
        check_issue_date(spec.issued_on, today_in(spec.time_zone), spec.time_zone)
    except DomainError as error:
        raise ProblemError(422, str(error), field="issued_on") from None
    try:
        spec = starter.resolve_due_date(spec)
    except (ValueError, OverflowError) as error:  # a window past the end of the calendar
        raise ProblemError(422, f"response_window: no due date: {error}",
                           field="response_window") from None
    ctx = context_of(request)
    client = await ctx.client()
    try:
        await starter.issue_memo(client, spec, task_queue=ctx.settings.task_queue)
    except WorkflowAlreadyStartedError:
        raise ProblemError(409, f"memo {spec.memo_id} already exists; nothing changed",
                           field="memo_id") from None
    except RPCError as error:
        raise rpc_problem(spec.memo_id, error) from None
    deadline = time.monotonic() + STORE_WAIT_SECONDS
    while time.monotonic() < deadline:  # answer with the stored view once it is recorded
        with ctx.session() as session:
            view = get_memo_view(session, memo_id=spec.memo_id)
        if view is not None:
            return view
        await asyncio.sleep(0.1)
    assert spec.response_due_on is not None  # not yet recorded: the view of its state
    state = MemoState.issue(spec, spec.response_due_on)
    return view_of_state(state, today_in(spec.time_zone))
