"""The Temporal side of every action: the workflows' handles, starting a memo's
workflow, and sending an update again when it raced a continue-as-new.

Only the service layer (app/) talks to the workflows; it turns their errors into
app.errors (see app.calls). Every process connects through `connect`: one path for the
worker, the CLI and the API, so TLS, API keys and profiles (temporalio.envconfig), the
payload codec (app.encryption) and tracing and metrics (app.telemetry) apply everywhere.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.common import WorkflowIDReusePolicy
from temporalio.converter import DataConverter
from temporalio.runtime import Runtime
from temporalio.service import RPCError, RPCStatusCode

from app.telemetry import client_interceptors
from domain.deadlines import due_date
from domain.memo import MemoSpec, MemoState, RecommendationState
from domain.provenance import BacklogImport
from settings import Settings, temporal_connect_config
from workflows import search_attributes as sa
from workflows.inputs import MemoStart, memo_workflow_id, recommendation_workflow_id
from workflows.memo import MemoWorkflow
from workflows.recommendation import RecommendationWorkflow

Result = TypeVar("Result")
UPDATE_ATTEMPTS = 8  # 6 s of backoff in all


class ConnectError(RuntimeError):
    """Temporal cannot be reached, or its connection settings cannot be read; the message
    names the address."""


async def connect(settings: Settings, *, data_converter: DataConverter,
                  target_host: str | None = None, runtime: Runtime | None = None) -> Client:
    """A client from the temporalio.envconfig profile (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
    TEMPORAL_TLS_*, TEMPORAL_API_KEY, TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE; `target_host`
    overrides the address), with `data_converter`, the tracing interceptor when tracing is
    on, and `runtime` (the worker's metrics runtime, app.telemetry) when given."""
    try:
        # The profile and its certificate files are read from disk: off the event loop.
        config = await asyncio.to_thread(temporal_connect_config)
    except (RuntimeError, OSError, ValueError) as error:
        raise ConnectError(f"cannot read the Temporal connection settings: {error}") \
            from None
    if target_host:
        config["target_host"] = target_host
    try:
        return await Client.connect(**config, data_converter=data_converter,
                                    interceptors=client_interceptors(settings),
                                    runtime=runtime)
    except RuntimeError as error:
        raise ConnectError(f"cannot reach Temporal at {config['target_host']}: "
                           f"{error}") from None


def resolve_due_date(spec: MemoSpec) -> MemoSpec:
    """The memo with its due date fixed: given in the file, else from the response window."""
    if spec.response_due_on is not None:
        return spec
    window = spec.response_window
    return spec.model_copy(update={
        "response_due_on": due_date(spec.issued_on, window.days, window.counting)})


async def start_memo(client: Client, spec: MemoSpec, *, task_queue: str,
                     backlog: BacklogImport | None = None) -> WorkflowHandle[
        MemoWorkflow, MemoState]:
    """Start the memo's workflow (`backlog`: brought in by `rectrack import`); raises
    WorkflowAlreadyStartedError for a known memo id."""
    spec = resolve_due_date(spec)
    assert spec.response_due_on is not None
    state = MemoState.issue(spec, spec.response_due_on).model_copy(update={"backlog": backlog})
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


def recommendation_handle(client: Client, memo_id: str, number: int) -> WorkflowHandle[
        RecommendationWorkflow, RecommendationState]:
    return client.get_workflow_handle_for(RecommendationWorkflow.run,
                                          recommendation_workflow_id(memo_id, number))


async def update_memo(client: Client, memo_id: str, update: Any, cmd: Any) -> MemoState:
    """Run one of MemoWorkflow's updates (e.g. `MemoWorkflow.withdraw`)."""
    handle = memo_handle(client, memo_id)
    result: MemoState = await send_update(
        handle, lambda update_id: handle.execute_update(update, cmd, id=update_id))
    return result


async def update_recommendation(client: Client, memo_id: str, number: int,
                                update: Any, cmd: Any) -> RecommendationState:
    """Run one of RecommendationWorkflow's updates (e.g. `RecommendationWorkflow.review`)."""
    handle = recommendation_handle(client, memo_id, number)
    result: RecommendationState = await send_update(
        handle, lambda update_id: handle.execute_update(update, cmd, id=update_id))
    return result


async def live_state(client: Client, memo_id: str) -> MemoState:
    return await memo_handle(client, memo_id).query(MemoWorkflow.state_query)


async def recommendation_state(client: Client, memo_id: str,
                               number: int) -> RecommendationState:
    return await recommendation_handle(client, memo_id, number).query(
        RecommendationWorkflow.state_query)


async def send_update(handle: WorkflowHandle[Any, Any],
                      send: Callable[[str], Awaitable[Result]]) -> Result:
    """Send an update (`send(update_id)`), again if it raced a continue-as-new.

    The server can resolve the workflow id to the run that is just continuing as new;
    that closed run answers NOT_FOUND ("workflow execution already completed") for an
    update id it never received (one it did receive answers with its outcome). So the
    update never ran: it is sent again, with the same id, once a newer run is running.
    A workflow id with no run at all is a recommendation its memo has not started yet (the
    memo records itself first): the update waits for it the same way.
    """
    update_id = str(uuid.uuid4())
    for attempt in range(UPDATE_ATTEMPTS):
        try:
            return await send(update_id)
        except RPCError as error:
            if (error.status is not RPCStatusCode.NOT_FOUND or attempt == UPDATE_ATTEMPTS - 1
                    or not await _running_or_starting(handle)):
                raise
        await asyncio.sleep(0.05 * 2 ** attempt)
    raise AssertionError("unreachable")


async def _running_or_starting(handle: WorkflowHandle[Any, Any]) -> bool:
    """Whether the workflow id has a running run (a new one, after continue-as-new) or no
    run yet; `handle` names no run, so it describes the latest."""
    try:
        description = await handle.describe()
    except RPCError as error:
        return error.status is RPCStatusCode.NOT_FOUND
    return description.status is WorkflowExecutionStatus.RUNNING
