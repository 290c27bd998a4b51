"""Client-side actions on memos, each taking an injected Temporal client.

The `rectrack` command (see cli/) is built on these; tests call them directly with the
client of their test server. `main` is the console-script entry point.
"""

from __future__ import annotations

import contextlib
import os
import sys

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDReusePolicy

from domain.deadlines import due_date
from domain.memo import GrantExtension, MemoSpec, MemoState, RecordResponse, Withdraw
from workflows import search_attributes as sa
from workflows.inputs import MemoStart, memo_workflow_id
from workflows.memo import MemoWorkflow


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


def memo_handle(client: Client, memo_id: str) -> WorkflowHandle[MemoWorkflow, MemoState]:
    return client.get_workflow_handle_for(MemoWorkflow.run, memo_workflow_id(memo_id))


async def record_response(client: Client, memo_id: str, cmd: RecordResponse) -> MemoState:
    return await memo_handle(client, memo_id).execute_update(MemoWorkflow.record_response, cmd)


async def grant_extension(client: Client, memo_id: str, cmd: GrantExtension) -> MemoState:
    return await memo_handle(client, memo_id).execute_update(MemoWorkflow.grant_extension, cmd)


async def withdraw_memo(client: Client, memo_id: str, cmd: Withdraw) -> MemoState:
    return await memo_handle(client, memo_id).execute_update(MemoWorkflow.withdraw, cmd)


async def live_state(client: Client, memo_id: str) -> MemoState:
    return await memo_handle(client, memo_id).query(MemoWorkflow.state_query)


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
