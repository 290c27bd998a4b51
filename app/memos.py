"""Actions on a whole memo: issue, respond, extend, withdraw, hold, resume, publish.

Each takes plain inputs (the command's fields) and a Context: it finds the memo in the
store (NotFound), fills the business date (today in the memo's office), builds the
domain command (Invalid), runs the workflow update (Conflict, Invalid, Unavailable, see
app.calls) and returns the memo's new state as its workflow holds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from app import temporal
from app.calls import guarded, refusal
from app.commands import build
from app.context import Context
from app.errors import Conflict, Invalid
from app.reads import memo_of, recorded
from domain.dates import check_issue_date
from domain.deadlines import check_time_zone
from domain.errors import DomainError
from domain.memo import GrantExtension, MemoSpec, MemoState, RecordResponse, Withdraw
from domain.memo_followup import MemoHold, MemoResume, Publish
from domain.office_time import today_in
from store.queries import StoredMemoView
from workflows.memo import MemoWorkflow

Fields = Mapping[str, Any] | BaseModel | None
Command = TypeVar("Command", bound=BaseModel)


def checked_spec(spec: MemoSpec) -> MemoSpec:
    """The memo with its due date fixed, once its time zone and issue date are sound."""
    try:
        check_time_zone(spec.time_zone)
    except ValueError as error:
        raise Invalid(f"time_zone: {error}", field="time_zone") from None
    try:
        check_issue_date(spec.issued_on, today_in(spec.time_zone), spec.time_zone)
    except DomainError as error:
        raise Invalid(str(error), field=error.field) from None
    try:
        return temporal.resolve_due_date(spec)
    except (ValueError, OverflowError) as error:  # a window past the end of the calendar
        raise Invalid(f"response_window: no due date: {error}",
                      field="response_window") from None


async def issue(ctx: Context, spec: MemoSpec, *,
                wait_seconds: float = 30.0) -> tuple[MemoSpec, StoredMemoView | None]:
    """Start the memo's workflow (Conflict if its id was ever used), then wait for the
    worker to record it: the stored view, or None if it is not recorded in time."""
    spec = checked_spec(spec)
    client = await ctx.client()
    try:
        await temporal.start_memo(client, spec, task_queue=ctx.settings.task_queue)
    except WorkflowAlreadyStartedError:
        raise Conflict(f"memo {spec.memo_id} already exists; nothing changed",
                       field="memo_id") from None
    except RPCError as error:
        raise refusal(spec.memo_id, error) from None
    return spec, await recorded(ctx, spec.memo_id, wait_seconds=wait_seconds)


async def _act(ctx: Context, memo_id: str, update: Any, model: type[Command], fields: Fields,
               source: str | None, date_field: str | None = None) -> tuple[MemoState, Command]:
    """Find, default, build, update: the steps every memo action shares. `date_field`
    names the business date that defaults to today in the memo's office."""
    memo = await memo_of(ctx, memo_id)
    defaults = {date_field: memo.today()} if date_field else {}
    cmd = build(model, fields, source=source, **defaults)
    client = await ctx.client()
    state = await guarded(memo.memo_id, temporal.update_memo(client, memo.memo_id, update, cmd),
                          finished=memo.finished)
    return state, cmd


async def respond(ctx: Context, memo_id: str, fields: Fields, *,
                  source: str | None = None) -> tuple[MemoState, RecordResponse]:
    """Record the component's response (`received_on`, `responses`, `recorded_by`)."""
    return await _act(ctx, memo_id, MemoWorkflow.record_response, RecordResponse, fields,
                      source)


async def extend(ctx: Context, memo_id: str, fields: Fields, *,
                 source: str | None = None) -> tuple[MemoState, GrantExtension]:
    """Grant an extension of the response deadline (`to_due_on`, `reason`, `approved_by`)."""
    return await _act(ctx, memo_id, MemoWorkflow.grant_extension, GrantExtension, fields,
                      source)


async def withdraw(ctx: Context, memo_id: str, fields: Fields, *,
                   source: str | None = None) -> tuple[MemoState, Withdraw]:
    """Withdraw the memo (`reason`, `on`: default today)."""
    return await _act(ctx, memo_id, MemoWorkflow.withdraw, Withdraw, fields, source, "on")


async def hold(ctx: Context, memo_id: str, fields: Fields, *,
               source: str | None = None) -> tuple[MemoState, MemoHold]:
    """Put the whole memo on hold (`reason`, `on`); its open recommendations follow."""
    return await _act(ctx, memo_id, MemoWorkflow.hold, MemoHold, fields, source, "on")


async def resume(ctx: Context, memo_id: str, fields: Fields, *,
                 source: str | None = None) -> tuple[MemoState, MemoResume]:
    """Lift the memo's hold (`on`); open due dates move by the days on hold."""
    return await _act(ctx, memo_id, MemoWorkflow.resume, MemoResume, fields, source, "on")


async def publish(ctx: Context, memo_id: str, fields: Fields, *,
                  source: str | None = None) -> tuple[MemoState, Publish]:
    """Record a publication (`kind`, `uri`, `published_on`)."""
    return await _act(ctx, memo_id, MemoWorkflow.publish, Publish, fields, source,
                      "published_on")
