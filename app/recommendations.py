"""Actions on one recommendation: action plan, review, status update, extension request
and decision, hold, resume, close, reopen.

Each takes the memo id, the recommendation number, the command's fields and a Context:
it finds both in the store (NotFound), fills the business date (today in the memo's
office), builds the domain command (Invalid), runs the recommendation workflow's update
and returns the recommendation's new state with the command that was sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

from app import temporal
from app.calls import guarded
from app.commands import build
from app.context import Context
from app.reads import memo_of
from domain import recommendation as rules
from domain.followup import StatusUpdate
from domain.memo import RecommendationState
from workflows.recommendation import RecommendationWorkflow

Fields = Mapping[str, Any] | BaseModel | None
Command = TypeVar("Command", bound=BaseModel)
Outcome = tuple[RecommendationState, Command]


async def _act(ctx: Context, memo_id: str, number: int, update: Any, model: type[Command],
               fields: Fields, source: str | None, date_field: str,
               **values: Any) -> tuple[RecommendationState, Command]:
    """Find, default, build, update: the steps every recommendation action shares."""
    memo = await memo_of(ctx, memo_id, number)
    cmd = build(model, fields, source=source, **{date_field: memo.today()}, **values)
    client = await ctx.client()
    state = await guarded(
        memo_id, temporal.update_recommendation(client, memo_id, number, update, cmd),
        finished=f"{memo_id}: recommendation {number} takes no more actions "
                 "(its workflow has finished)")
    return state, cmd


async def plan(ctx: Context, memo_id: str, number: int, fields: Fields, *,
               source: str | None = None) -> Outcome[rules.SubmitActionPlan]:
    """Record an action plan (`plan`, `received_on`)."""
    return await _act(ctx, memo_id, number, RecommendationWorkflow.submit_action_plan,
                      rules.SubmitActionPlan, fields, source, "received_on")


async def review(ctx: Context, memo_id: str, number: int, fields: Fields, *,
                 source: str | None = None) -> Outcome[rules.Review]:
    """Accept or dispute a response or plan (`decision`, `reason`, `reviewed_on`...)."""
    return await _act(ctx, memo_id, number, RecommendationWorkflow.review, rules.Review, fields,
                      source, "reviewed_on")


async def update(ctx: Context, memo_id: str, number: int, fields: Fields, *,
                 source: str | None = None) -> Outcome[StatusUpdate]:
    """Record a status update on an accepted action plan."""
    return await _act(ctx, memo_id, number, RecommendationWorkflow.submit_status_update,
                      StatusUpdate, fields, source, "received_on")


async def request_extension(ctx: Context, memo_id: str, number: int, fields: Fields, *,
                            source: str | None = None) -> Outcome[rules.RequestExtension]:
    """Record the component's request to move a due date (`clock`, `to_date`, `reason`)."""
    return await _act(ctx, memo_id, number, RecommendationWorkflow.request_extension,
                      rules.RequestExtension, fields, source, "requested_on")


async def decide_extension(ctx: Context, memo_id: str, number: int, fields: Fields, *,
                           source: str | None = None) -> Outcome[rules.DecideExtension]:
    """Approve or deny a pending extension request (`request_id`, `approve`, ...)."""
    return await _act(ctx, memo_id, number, RecommendationWorkflow.decide_extension,
                      rules.DecideExtension, fields, source, "decided_on")


async def hold(ctx: Context, memo_id: str, number: int, fields: Fields, *,
               source: str | None = None) -> Outcome[rules.PlaceHold]:
    """Put the recommendation on hold (`reason`, `on`)."""
    return await _act(ctx, memo_id, number, RecommendationWorkflow.place_hold, rules.PlaceHold,
                      fields, source, "on")


async def resume(ctx: Context, memo_id: str, number: int, fields: Fields, *,
                 source: str | None = None) -> Outcome[rules.LiftHold]:
    """Lift its hold (`on`); open due dates move by the days on hold."""
    return await _act(ctx, memo_id, number, RecommendationWorkflow.lift_hold, rules.LiftHold,
                      fields, source, "on")


async def close(ctx: Context, memo_id: str, number: int, fields: Fields, *,
                source: str | None = None) -> Outcome[rules.Close]:
    """Close it for a reason (`reason`, `justification`, `evidence`, `closed_on`)."""
    return await _act(ctx, memo_id, number, RecommendationWorkflow.close, rules.Close, fields,
                      source, "closed_on")


async def reopen(ctx: Context, memo_id: str, number: int, fields: Fields, *,
                 source: str | None = None) -> Outcome[rules.Reopen]:
    """Reopen a closed recommendation (`reason`, `on`)."""
    return await _act(ctx, memo_id, number, RecommendationWorkflow.reopen, rules.Reopen, fields,
                      source, "on")
