"""Client-side actions on memos and recommendations, each taking an injected Temporal client.

The `rectrack` command (see cli/) is built on these; tests call them directly with the
client of their test server. `main` is the console-script entry point.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.common import WorkflowIDReusePolicy
from temporalio.service import RPCError, RPCStatusCode

from domain.deadlines import due_date
from domain.followup import StatusUpdate
from domain.memo import (
    GrantExtension,
    MemoSpec,
    MemoState,
    RecommendationState,
    RecordResponse,
    Withdraw,
)
from domain.memo_followup import MemoHold, MemoResume, Publish
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
from workflows import search_attributes as sa
from workflows.inputs import MemoStart, memo_workflow_id, recommendation_workflow_id
from workflows.memo import MemoWorkflow
from workflows.recommendation import RecommendationWorkflow

Result = TypeVar("Result")
UPDATE_ATTEMPTS = 5


def resolve_due_date(spec: MemoSpec) -> MemoSpec:
    """The memo with its due date fixed: given in the file, else from the response window."""
    if spec.response_due_on is not None:
        return spec
    window = spec.response_window
    return spec.model_copy(update={
        "response_due_on": due_date(spec.issued_on, window.days, window.counting)})


async def issue_memo(client: Client, spec: MemoSpec, *, task_queue: str) -> WorkflowHandle[
        MemoWorkflow, MemoState]:
    """Start the memo's workflow; raises WorkflowAlreadyStartedError for a known memo id."""
    spec = resolve_due_date(spec)
    assert spec.response_due_on is not None
    state = MemoState.issue(spec, spec.response_due_on)
    return await client.start_workflow(
        MemoWorkflow.run,
        MemoStart(state=state),
        id=memo_workflow_id(spec.memo_id),
        task_queue=task_queue,
        # A memo id names one memo forever, even after its workflow has closed.
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        search_attributes=sa.memo_pairs(
            memo_id=spec.memo_id, component=spec.component, status=state.status.value,
            response_due_on=state.response_due_on, overdue=False),
    )


async def _update(handle: WorkflowHandle[Any, Any],
                  send: Callable[[str], Awaitable[Result]]) -> Result:
    """Send an update (`send(update_id)`), again if it raced a continue-as-new.

    The server can resolve the workflow id to the run that is just continuing as new;
    that closed run answers NOT_FOUND ("workflow execution already completed") for an
    update id it never received (one it did receive answers with its outcome). So the
    update never ran: it is sent again, with the same id, once a newer run is running.
    """
    update_id = str(uuid.uuid4())
    for attempt in range(UPDATE_ATTEMPTS):
        try:
            return await send(update_id)
        except RPCError as error:
            if (error.status is not RPCStatusCode.NOT_FOUND or attempt == UPDATE_ATTEMPTS - 1
                    or not await _running(handle)):
                raise
        await asyncio.sleep(0.05 * 2 ** attempt)
    raise AssertionError("unreachable")


async def _running(handle: WorkflowHandle[Any, Any]) -> bool:
    """Whether the workflow id has a running run (a new one, after continue-as-new);
    `handle` names no run, so it describes the latest."""
    try:
        description = await handle.describe()
    except RPCError:
        return False
    return description.status is WorkflowExecutionStatus.RUNNING


def memo_handle(client: Client, memo_id: str) -> WorkflowHandle[MemoWorkflow, MemoState]:
    return client.get_workflow_handle_for(MemoWorkflow.run, memo_workflow_id(memo_id))


async def record_response(client: Client, memo_id: str, cmd: RecordResponse) -> MemoState:
    handle = memo_handle(client, memo_id)
    return await _update(handle, lambda update_id: handle.execute_update(
        MemoWorkflow.record_response, cmd, id=update_id))


async def grant_extension(client: Client, memo_id: str, cmd: GrantExtension) -> MemoState:
    handle = memo_handle(client, memo_id)
    return await _update(handle, lambda update_id: handle.execute_update(
        MemoWorkflow.grant_extension, cmd, id=update_id))


async def withdraw_memo(client: Client, memo_id: str, cmd: Withdraw) -> MemoState:
    handle = memo_handle(client, memo_id)
    return await _update(handle, lambda update_id: handle.execute_update(
        MemoWorkflow.withdraw, cmd, id=update_id))


async def live_state(client: Client, memo_id: str) -> MemoState:
    return await memo_handle(client, memo_id).query(MemoWorkflow.state_query)


# -- memo-level follow-up --------------------------------------------------------------


async def publish(client: Client, memo_id: str, cmd: Publish) -> MemoState:
    handle = memo_handle(client, memo_id)
    return await _update(handle, lambda update_id: handle.execute_update(
        MemoWorkflow.publish, cmd, id=update_id))


async def hold_memo(client: Client, memo_id: str, cmd: MemoHold) -> MemoState:
    """Hold the memo; it tells its open recommendations by signal (asynchronously)."""
    handle = memo_handle(client, memo_id)
    return await _update(handle, lambda update_id: handle.execute_update(
        MemoWorkflow.hold, cmd, id=update_id))


async def resume_memo(client: Client, memo_id: str, cmd: MemoResume) -> MemoState:
    handle = memo_handle(client, memo_id)
    return await _update(handle, lambda update_id: handle.execute_update(
        MemoWorkflow.resume, cmd, id=update_id))


# -- one recommendation's follow-up ----------------------------------------------------
# Each update returns the recommendation's new state once its events are recorded; the
# memo hears of the change by signal afterwards (e.g. its closure when the last one closes).


def recommendation_handle(client: Client, memo_id: str, number: int) -> WorkflowHandle[
        RecommendationWorkflow, RecommendationState]:
    return client.get_workflow_handle_for(RecommendationWorkflow.run,
                                          recommendation_workflow_id(memo_id, number))


async def recommendation_state(client: Client, memo_id: str,
                               number: int) -> RecommendationState:
    return await recommendation_handle(client, memo_id, number).query(
        RecommendationWorkflow.state_query)


async def update_recommendation(client: Client, memo_id: str, number: int,
                                update: Any, cmd: Any) -> RecommendationState:
    """Run one of RecommendationWorkflow's updates (e.g. `RecommendationWorkflow.review`)."""
    handle = recommendation_handle(client, memo_id, number)
    result: RecommendationState = await _update(
        handle, lambda update_id: handle.execute_update(update, cmd, id=update_id))
    return result


async def submit_action_plan(client: Client, memo_id: str, number: int,
                            cmd: SubmitActionPlan) -> RecommendationState:
    return await update_recommendation(client, memo_id, number,
                                       RecommendationWorkflow.submit_action_plan, cmd)


async def review(client: Client, memo_id: str, number: int,
                cmd: Review) -> RecommendationState:
    return await update_recommendation(client, memo_id, number,
                                       RecommendationWorkflow.review, cmd)


async def submit_status_update(client: Client, memo_id: str, number: int,
                              cmd: StatusUpdate) -> RecommendationState:
    return await update_recommendation(client, memo_id, number,
                                       RecommendationWorkflow.submit_status_update, cmd)


async def request_extension(client: Client, memo_id: str, number: int,
                           cmd: RequestExtension) -> RecommendationState:
    return await update_recommendation(client, memo_id, number,
                                       RecommendationWorkflow.request_extension, cmd)


async def decide_extension(client: Client, memo_id: str, number: int,
                          cmd: DecideExtension) -> RecommendationState:
    return await update_recommendation(client, memo_id, number,
                                       RecommendationWorkflow.decide_extension, cmd)


async def place_hold(client: Client, memo_id: str, number: int,
                    cmd: PlaceHold) -> RecommendationState:
    return await update_recommendation(client, memo_id, number,
                                       RecommendationWorkflow.place_hold, cmd)


async def lift_hold(client: Client, memo_id: str, number: int,
                   cmd: LiftHold) -> RecommendationState:
    return await update_recommendation(client, memo_id, number,
                                       RecommendationWorkflow.lift_hold, cmd)


async def close_recommendation(client: Client, memo_id: str, number: int,
                              cmd: Close) -> RecommendationState:
    return await update_recommendation(client, memo_id, number,
                                       RecommendationWorkflow.close, cmd)


async def reopen_recommendation(client: Client, memo_id: str, number: int,
                               cmd: Reopen) -> RecommendationState:
    return await update_recommendation(client, memo_id, number,
                                       RecommendationWorkflow.reopen, cmd)


def main() -> None:
    from cli.main import main as cli_main

    code = cli_main()
    # Exit without interpreter finalization: the Temporal client's Rust threads may still
    # call into Python while it finalizes, and CPython then aborts the process
    # ("PyGILState_Release: thread state ... must be current", exit 134 instead of
    # `code`; temporalio/sdk-python#300). Nothing is left to clean up at this point.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
