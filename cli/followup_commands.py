"""The follow-up subcommands: action plans, review, status updates, extension requests,
holds, closure, reopening and publication.

Each one first finds the memo in the store: its office time zone gives today's date, the
default of every `--on` / `--received-on`, and its recommendation numbers catch a wrong
number before anything is sent. Then it builds the domain command (bad values are exit 2
naming the field), runs the workflow update through starter.py (a validator's rejection
is exit 2 too) and prints what changed, then the memo as stored.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select
from temporalio.client import Client

import starter
from cli.commands import _call_workflow, _client, _print_state
from cli.db_commands import require_store
from cli.errors import BadInput
from cli.files import load_action_plan, load_status_update, validate
from domain.followup import StatusUpdate
from domain.memo import MemoState, RecommendationState
from domain.memo_followup import MemoHold, MemoResume, Publish
from domain.office_time import today_in
from domain.recommendation import (
    Close,
    DecideExtension,
    LiftHold,
    PlaceHold,
    Reopen,
    RequestExtension,
    Review,
    due_dates,
)
from settings import Settings
from store.db import make_engine
from store.tables import Memo, Recommendation

RecAction = Callable[[], Awaitable[RecommendationState]]


@dataclass(frozen=True)
class StoredMemo:
    """What the CLI needs to know about a memo before acting on it."""

    memo_id: str
    time_zone: str
    numbers: tuple[int, ...]

    def today(self) -> date:
        return today_in(self.time_zone)

    def on(self, given: date | None) -> date:
        """The business date of the action: as given, else today in the office."""
        return given or self.today()

    def check_number(self, number: int) -> None:
        if number not in self.numbers:
            raise BadInput(f"memo {self.memo_id} has no recommendation {number}")


def stored_memo(settings: Settings, memo_id: str, number: int | None = None) -> StoredMemo:
    """The memo as the store knows it (exit 2 if unknown, or without `number`)."""
    engine = make_engine(settings.db_url)
    require_store(engine)
    try:
        with Session(engine) as session:
            row = session.get(Memo, memo_id)
            numbers = session.exec(
                select(Recommendation.number).where(Recommendation.memo_id == memo_id)
                .order_by(col(Recommendation.number))).all()
    finally:
        engine.dispose()
    if row is None:
        raise BadInput(f"unknown memo {memo_id!r}")
    memo = StoredMemo(memo_id=memo_id, time_zone=row.time_zone, numbers=tuple(numbers))
    if number is not None:
        memo.check_number(number)
    return memo


def describe(rec: RecommendationState) -> str:
    """One line on a recommendation's state and its open due dates."""
    state = f"{rec.implementation.value}, {rec.resolution.value}"
    if rec.closure_reason is not None:
        state += f", closed as {rec.closure_reason.value} on {rec.closed_on}"
    if rec.hold is not None:
        state += f", on hold since {rec.hold.since}"
    dates = ", ".join(f"{clock} {due}" for clock, due in sorted(due_dates(rec).items()))
    return f"  recommendation {rec.number}: {state}; due: {dates or 'nothing'}"


async def _on_recommendation(settings: Settings, memo: StoredMemo, number: int,
                             action: Callable[[Client], RecAction],
                             what: Callable[[RecommendationState], str]) -> int:
    """Run one recommendation update and print what changed, then the memo."""
    client = await _client()
    rec = await _call_workflow(
        memo.memo_id, action(client),
        not_found=f"{memo.memo_id}: recommendation {number} takes no more actions "
                  "(its workflow has finished)")
    _print_state(settings, memo.memo_id, f"{what(rec)}\n{describe(rec)}")
    return 0


def _position(updates: list[StatusUpdate], update: StatusUpdate) -> int:
    """The number of `update` among the recommendation's status updates (1-based); the
    returned state may already hold updates sent at the same time after it."""
    return len(updates) - updates[::-1].index(update) if update in updates else len(updates)


def _of(number: int, memo_id: str) -> str:
    return f"recommendation {number} of memo {memo_id}"


# -- recommendation commands ---------------------------------------------------------------


async def cmd_plan(args: argparse.Namespace, settings: Settings) -> int:
    memo = stored_memo(settings, args.memo_id, args.number)
    cmd = load_action_plan(args.file, received_on=args.received_on, today=memo.today())
    return await _on_recommendation(
        settings, memo, args.number,
        lambda client: lambda: starter.submit_action_plan(client, memo.memo_id, args.number,
                                                          cmd),
        lambda rec: f"recorded the action plan for {_of(args.number, memo.memo_id)} "
                    f"(received {cmd.received_on}, target {cmd.plan.target_completion_on})")


async def cmd_review(args: argparse.Namespace, settings: Settings) -> int:
    memo = stored_memo(settings, args.memo_id, args.number)
    cmd = validate(Review, {"decision": "accept" if args.accept else "dispute",
                            "reviewed_on": memo.on(args.on), "reason": args.reason,
                            "closure_reason": args.closure_reason,
                            "justification": args.justification}, "review")

    def what(rec: RecommendationState) -> str:
        verb = "accepted" if args.accept else "disputed"
        return f"{verb} the response to {_of(args.number, memo.memo_id)}"

    return await _on_recommendation(
        settings, memo, args.number,
        lambda client: lambda: starter.review(client, memo.memo_id, args.number, cmd), what)


async def cmd_update(args: argparse.Namespace, settings: Settings) -> int:
    memo = stored_memo(settings, args.memo_id, args.number)
    if args.file is not None:
        if args.percent is not None or args.milestone_done or args.evidence:
            raise BadInput("update: give either --file or --progress with its flags, not both")
        cmd = load_status_update(args.file, received_on=args.received_on, today=memo.today())
    else:
        cmd = validate(StatusUpdate, {
            "received_on": memo.on(args.received_on), "progress": args.progress,
            "percent_complete": args.percent, "milestones_done": args.milestone_done,
            "evidence": args.evidence}, "status update")
    return await _on_recommendation(
        settings, memo, args.number,
        lambda client: lambda: starter.submit_status_update(client, memo.memo_id, args.number,
                                                            cmd),
        lambda rec: f"recorded status update {_position(rec.status_updates, cmd)} for "
                    f"{_of(args.number, memo.memo_id)} (received {cmd.received_on})")


async def cmd_request_extension(args: argparse.Namespace, settings: Settings) -> int:
    memo = stored_memo(settings, args.memo_id, args.number)
    cmd = validate(RequestExtension, {"clock": args.clock, "to_date": args.to_date,
                                      "reason": args.reason,
                                      "requested_on": memo.on(args.on)}, "extension request")

    def what(rec: RecommendationState) -> str:
        # The returned state may already hold requests sent at the same time: find ours.
        [request, *_] = [r for r in reversed(rec.extension_requests)
                         if (r.clock, r.to_date, r.reason, r.requested_on)
                         == (cmd.clock, cmd.to_date, cmd.reason, cmd.requested_on)]
        return (f"recorded extension request #{request.id} for "
                f"{_of(args.number, memo.memo_id)}: {request.clock} from {request.from_date} "
                f"to {request.to_date} (pending)")

    return await _on_recommendation(
        settings, memo, args.number,
        lambda client: lambda: starter.request_extension(client, memo.memo_id, args.number,
                                                         cmd), what)


async def cmd_decide_extension(args: argparse.Namespace, settings: Settings) -> int:
    memo = stored_memo(settings, args.memo_id, args.number)
    cmd = validate(DecideExtension, {"request_id": args.request, "approve": args.approve,
                                     "decided_by": args.decided_by, "reason": args.reason,
                                     "decided_on": memo.on(args.on)}, "extension decision")

    def what(rec: RecommendationState) -> str:
        [request] = [r for r in rec.extension_requests if r.id == cmd.request_id]
        return (f"{request.status.value} extension request #{request.id} of "
                f"{_of(args.number, memo.memo_id)} ({request.clock} to {request.to_date})")

    return await _on_recommendation(
        settings, memo, args.number,
        lambda client: lambda: starter.decide_extension(client, memo.memo_id, args.number,
                                                        cmd), what)


async def cmd_close(args: argparse.Namespace, settings: Settings) -> int:
    memo = stored_memo(settings, args.memo_id, args.number)
    cmd = validate(Close, {"reason": args.reason, "justification": args.justification,
                           "closed_on": memo.on(args.on), "evidence": args.evidence}, "closure")
    return await _on_recommendation(
        settings, memo, args.number,
        lambda client: lambda: starter.close_recommendation(client, memo.memo_id, args.number,
                                                            cmd),
        lambda rec: f"closed {_of(args.number, memo.memo_id)} as {cmd.reason.value} "
                    f"on {cmd.closed_on}")


async def cmd_reopen(args: argparse.Namespace, settings: Settings) -> int:
    memo = stored_memo(settings, args.memo_id, args.number)
    cmd = validate(Reopen, {"reason": args.reason, "on": memo.on(args.on)}, "reopening")
    return await _on_recommendation(
        settings, memo, args.number,
        lambda client: lambda: starter.reopen_recommendation(client, memo.memo_id,
                                                             args.number, cmd),
        lambda rec: f"reopened {_of(args.number, memo.memo_id)} on {cmd.on}")


# -- holds: one recommendation, or the whole memo ------------------------------------------


async def cmd_hold(args: argparse.Namespace, settings: Settings) -> int:
    memo = stored_memo(settings, args.memo_id, args.number)
    on = memo.on(args.on)
    if args.number is None:
        cmd = validate(MemoHold, {"reason": args.reason, "on": on}, "hold")
        return await _on_memo(settings, memo, lambda client: lambda: starter.hold_memo(
            client, memo.memo_id, cmd), lambda state: (
            f"put memo {memo.memo_id} on hold since {on}; its open recommendations follow"))
    rec_cmd = validate(PlaceHold, {"reason": args.reason, "on": on}, "hold")
    return await _on_recommendation(
        settings, memo, args.number,
        lambda client: lambda: starter.place_hold(client, memo.memo_id, args.number, rec_cmd),
        lambda rec: f"put {_of(args.number, memo.memo_id)} on hold since {on}")


async def cmd_resume(args: argparse.Namespace, settings: Settings) -> int:
    memo = stored_memo(settings, args.memo_id, args.number)
    on = memo.on(args.on)
    if args.number is None:
        cmd = validate(MemoResume, {"on": on}, "resume")

        def memo_resumed(state: MemoState) -> str:
            due = (f"; public summary now due {state.publication_due_on}"
                   if state.publication_due_on else "")
            return (f"resumed memo {memo.memo_id} on {on}{due}; its recommendations held "
                    "with it resume too, their due dates moved by the days on hold")

        return await _on_memo(settings, memo, lambda client: lambda: starter.resume_memo(
            client, memo.memo_id, cmd), memo_resumed)
    rec_cmd = validate(LiftHold, {"on": on}, "resume")
    return await _on_recommendation(
        settings, memo, args.number,
        lambda client: lambda: starter.lift_hold(client, memo.memo_id, args.number, rec_cmd),
        lambda rec: f"resumed {_of(args.number, memo.memo_id)} on {on}; its open due dates "
                    "moved by the days on hold")


# -- memo commands -----------------------------------------------------------------------


async def _on_memo(settings: Settings, memo: StoredMemo,
                   action: Callable[[Client], Callable[[], Awaitable[MemoState]]],
                   what: Callable[[MemoState], str]) -> int:
    client = await _client()
    state = await _call_workflow(memo.memo_id, action(client))
    _print_state(settings, memo.memo_id, what(state))
    return 0


async def cmd_publish(args: argparse.Namespace, settings: Settings) -> int:
    memo = stored_memo(settings, args.memo_id)
    cmd = validate(Publish, {"kind": args.kind, "uri": args.uri,
                             "published_on": memo.on(args.on)}, "publication")
    return await _on_memo(
        settings, memo,
        lambda client: lambda: starter.publish(client, memo.memo_id, cmd),
        lambda state: f"published the {cmd.kind.value} of memo {memo.memo_id} on "
                      f"{cmd.published_on}: {cmd.uri}")
