"""Bringing a checked backlog file in: each memo to its recorded state, through its workflows.

`backlog.check.plan_backlog` has already read the file and played every memo through the
domain rules. This module issues each memo (marked as imported, so its clocks do not
catch up on the years before rectrack) and sends the updates of `domain.backlog.
memo_steps` in order, each with the file and rows it came from. There is no back door
into the store: the workflows record every event as they do for a letter typed in.

Re-running is safe. A memo already in rectrack is compared with its rows: a step its
workflow already took is skipped, a step missing (an import killed half-way, or rows added
to the file since) is sent, and a row that says something else than rectrack recorded is
reported as a conflict and not applied. Memos are brought in a few at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time

from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from app import temporal
from app.calls import guarded, refusal
from app.context import Context
from app.errors import AppError
from app.memos import checked_spec
from app.reads import recorded
from domain import backlog as history
from domain.backlog import MemoHistory, RowProblem
from domain.memo import MemoState, RecommendationState
from domain.office_time import local_instant, next_business_day, today_in
from domain.provenance import BacklogImport, Origin
from domain.vocabulary import Implementation, ResponseStatus
from workflows.memo import MemoWorkflow
from workflows.recommendation import RecommendationWorkflow

CONCURRENT_MEMOS = 8


@dataclass
class MemoOutcome:
    """What importing one memo did."""

    memo_id: str
    issued: bool = False  # False: it was already in rectrack
    applied: int = 0  # updates sent
    already: int = 0  # updates its workflows had already taken
    conflicts: list[RowProblem] = field(default_factory=list)
    failures: list[RowProblem] = field(default_factory=list)  # refused while applying


async def import_memos(ctx: Context, memos: list[MemoHistory], *, file: str, now: datetime,
                       quiet: bool = False,
                       done: Callable[[MemoOutcome], None] = lambda _outcome: None,
                       ) -> list[MemoOutcome]:
    """Bring every memo in, `CONCURRENT_MEMOS` at a time; `done` hears of each as it ends."""
    client = await ctx.client()
    gate = asyncio.Semaphore(CONCURRENT_MEMOS)

    async def one(memo: MemoHistory) -> MemoOutcome:
        async with gate:
            outcome = await _import_memo(ctx, client, memo, file=file, now=now, quiet=quiet)
        done(outcome)
        return outcome

    return list(await asyncio.gather(*(one(memo) for memo in memos)))


def backlog_of(memo: MemoHistory, *, file: str, now: datetime, quiet: bool) -> BacklogImport:
    """How the memo is marked: quiet before `now`; unless `quiet`, one catch-up notice at
    the notice hour of the next business day in its office."""
    if quiet:
        return BacklogImport(file=file, rows=memo.rows, quiet_before=now)
    day = next_business_day(today_in(memo.spec.time_zone, now))
    return BacklogImport(file=file, rows=memo.rows, quiet_before=now, catch_up_on=day,
                         catch_up_at=local_instant(day, time(9), memo.spec.time_zone))


async def _import_memo(ctx: Context, client: Client, memo: MemoHistory, *, file: str,
                       now: datetime, quiet: bool) -> MemoOutcome:
    memo_id = memo.spec.memo_id
    outcome = MemoOutcome(memo_id=memo_id)
    try:
        spec = checked_spec(memo.spec)
        await temporal.start_memo(client, spec, task_queue=ctx.settings.task_queue,
                                  backlog=backlog_of(memo, file=file, now=now, quiet=quiet))
        outcome.issued = True
        await recorded(ctx, memo_id)  # as `issue` does: the store shows it from here on
    except WorkflowAlreadyStartedError:
        state = await temporal.live_state(client, memo_id)
        outcome.conflicts.extend(_memo_conflicts(memo, state))
        if outcome.conflicts:
            return outcome
    except AppError as error:
        outcome.failures.append(RowProblem(row=memo.rows[0], column=error.field or "memo_id",
                                           problem=str(error)))
        return outcome
    steps = history.memo_steps(memo, file)
    # The letters first, in date order; then each recommendation's own steps in order,
    # the recommendations side by side (their workflows are independent).
    for step in steps:
        if isinstance(step, history.RespondStep):
            await _bring_reported(client, memo_id, step, outcome)
    by_number: dict[int, list[history.Step]] = {}
    for step in steps:
        if not isinstance(step, history.RespondStep):
            by_number.setdefault(step.number, []).append(step)
    await asyncio.gather(*(_bring_in_order(client, memo_id, rec_steps, outcome)
                           for rec_steps in by_number.values()))
    return outcome


async def _bring_in_order(client: Client, memo_id: str, steps: list[history.Step],
                          outcome: MemoOutcome) -> None:
    for step in steps:
        await _bring_reported(client, memo_id, step, outcome)


async def _bring_reported(client: Client, memo_id: str, step: history.Step,
                          outcome: MemoOutcome) -> None:
    """Bring one step; a refusal is reported against its row, never raised."""
    try:
        await _bring(client, memo_id, step, outcome)
    except RPCError as error:  # Temporal refused a query
        outcome.failures.append(RowProblem(row=step.origin.rows[0], column=step.action,
                                           problem=str(refusal(memo_id, error))))
    except AppError as error:
        outcome.failures.append(RowProblem(row=step.origin.rows[0],
                                           column=error.field or step.action,
                                           problem=str(error)))


def _memo_conflicts(memo: MemoHistory, state: MemoState) -> list[RowProblem]:
    """A known memo must be the one the rows describe, and have their recommendations."""
    recorded = state.spec
    problems = [RowProblem(row=memo.rows[0], column=name,
                           problem=f"the file says {mine!r}, rectrack has {theirs!r}")
                for name, mine, theirs in (
                    ("issued_on", memo.spec.issued_on, recorded.issued_on),
                    ("component", memo.spec.component, recorded.component),
                    ("title", memo.spec.title, recorded.title))
                if mine != theirs]
    known = {r.number for r in state.recommendations}
    problems.extend(
        RowProblem(row=rec.row, column="number",
                   problem=f"memo {memo.spec.memo_id} is in rectrack without recommendation "
                           f"{rec.number}; a recommendation cannot be added to an issued memo")
        for rec in memo.recommendations if rec.number not in known)
    return problems


async def _bring(client: Client, memo_id: str, step: history.Step,
                 outcome: MemoOutcome) -> None:
    """Send `step` unless its workflow already took it; a contradiction is reported. A
    memo issued by this import has taken nothing yet, so it is not asked."""
    if isinstance(step, history.RespondStep):
        state = None if outcome.issued else await temporal.live_state(client, memo_id)
        await _respond(client, memo_id, step, state, outcome)
        return
    handle = temporal.recommendation_handle(client, memo_id, step.number)
    if not outcome.issued:
        # Its memo starts it just after recording itself: a query may come first, and waits.
        rec = await temporal.send_update(handle, lambda _id: handle.query(
            RecommendationWorkflow.state_query))
        if not _still_to_take(step, rec, outcome):
            return
    await guarded(memo_id, temporal.send_update(handle, lambda update_id: handle.execute_update(
        RecommendationWorkflow.apply_imported, step, id=update_id)),
        finished=f"{memo_id}: recommendation {step.number} takes no more actions")
    outcome.applied += 1


def _still_to_take(step: history.ReviewStep | history.CloseStep, rec: RecommendationState,
                   outcome: MemoOutcome) -> bool:
    conflict, taken = _taken(step, rec)
    if conflict:
        outcome.conflicts.append(RowProblem(row=step.origin.rows[0], column=conflict[0],
                                            problem=conflict[1]))
    elif taken:
        outcome.already += 1
    return conflict is None and not taken


async def _respond(client: Client, memo_id: str, step: history.RespondStep,
                   state: MemoState | None, outcome: MemoOutcome) -> None:
    """Send the letter's answers that rectrack does not have yet (all of them to a memo
    just issued: `state` None)."""
    missing, rows = [], []
    for answer, row in zip(step.command.responses, step.origin.rows, strict=True):
        if state is None:
            missing.append(answer)
            rows.append(row)
            continue
        rec = state.recommendation(answer.number)
        if rec.response is ResponseStatus.AWAITING and \
                rec.implementation is not Implementation.CLOSED:
            missing.append(answer)
            rows.append(row)
        elif rec.response is not answer.decision.response:
            outcome.conflicts.append(RowProblem(row=row, column="decision", problem=(
                f"the file says {answer.decision.value}, rectrack has "
                f"{rec.response.value} for recommendation {rec.number}")))
        else:
            outcome.already += 1
    if not missing:
        return
    letter = history.RespondStep(
        command=step.command.model_copy(update={"responses": missing}),
        origin=Origin(file=step.origin.file, rows=rows))
    handle = temporal.memo_handle(client, memo_id)
    await guarded(memo_id, temporal.send_update(handle, lambda update_id: handle.execute_update(
        MemoWorkflow.record_imported_response, letter, id=update_id)),
        finished=f"{memo_id} takes no more actions (its workflow has finished)")
    outcome.applied += 1


def _taken(step: history.ReviewStep | history.CloseStep,
           rec: RecommendationState) -> tuple[tuple[str, str] | None, bool]:
    """(conflict as (column, problem) or None, whether the step is already taken)."""
    if isinstance(step, history.ReviewStep):
        if rec.resolved_on is not None:
            return None, True
        if rec.implementation is Implementation.CLOSED:
            return ("resolution", f"recommendation {rec.number} is closed in rectrack "
                                  "without being resolved"), False
        return None, False
    if rec.implementation is not Implementation.CLOSED:
        return None, False
    if rec.closure_reason is step.command.reason:
        return None, True
    reason = rec.closure_reason.value if rec.closure_reason else "no reason"
    return ("closure_reason", f"the file says {step.command.reason.value}, rectrack closed "
                              f"recommendation {rec.number} as {reason}"), False

