"""The follow-up subcommands: action plans, review, status updates, extension requests,
holds, closure, reopening and publication.

Each turns its flags into the command's fields (dates left out are None: the service
layer fills in today in the memo's office time zone), calls one function of app/, and
prints what changed: for a recommendation, that recommendation and its open due dates;
for the whole memo, the memo as stored.
"""

from __future__ import annotations

import argparse

from app import memos, reads, recommendations
from app.context import Context
from cli.commands import print_memo
from cli.errors import BadInput
from cli.files import load_action_plan, load_status_update
from domain.followup import StatusUpdate
from domain.memo import RecommendationState
from domain.recommendation import due_dates


def describe(rec: RecommendationState) -> str:
    """One line on a recommendation's state and its open due dates."""
    state = f"{rec.implementation.value}, {rec.resolution.value}"
    if rec.closure_reason is not None:
        state += f", closed as {rec.closure_reason.value} on {rec.closed_on}"
    if rec.hold is not None:
        state += f", on hold since {rec.hold.since}"
    dates = ", ".join(f"{clock} {due}" for clock, due in sorted(due_dates(rec).items()))
    return f"  recommendation {rec.number}: {state}; due: {dates or 'nothing'}"


def _changed(what: str, rec: RecommendationState) -> int:
    print(f"{what}\n{describe(rec)}")
    return 0


def _position(updates: list[StatusUpdate], update: StatusUpdate) -> int:
    """The number of `update` among the recommendation's status updates (1-based); the
    returned state may already hold updates sent at the same time after it."""
    return len(updates) - updates[::-1].index(update) if update in updates else len(updates)


def _of(number: int, memo_id: str) -> str:
    return f"recommendation {number} of memo {memo_id}"


# -- recommendation commands ---------------------------------------------------------------


async def cmd_plan(args: argparse.Namespace, ctx: Context) -> int:
    memo = await reads.memo_of(ctx, args.memo_id, args.number)
    loaded = load_action_plan(args.file, received_on=args.received_on, today=memo.today())
    rec, cmd = await recommendations.plan(ctx, args.memo_id, args.number, loaded)
    return _changed(f"recorded the action plan for {_of(args.number, args.memo_id)} "
                    f"(received {cmd.received_on}, target {cmd.plan.target_completion_on})",
                    rec)


async def cmd_review(args: argparse.Namespace, ctx: Context) -> int:
    rec, _ = await recommendations.review(ctx, args.memo_id, args.number, {
        "decision": "accept" if args.accept else "dispute", "reviewed_on": args.on,
        "reason": args.reason, "closure_reason": args.closure_reason,
        "justification": args.justification}, source="review")
    verb = "accepted" if args.accept else "disputed"
    return _changed(f"{verb} the response to {_of(args.number, args.memo_id)}", rec)


async def cmd_update(args: argparse.Namespace, ctx: Context) -> int:
    fields: StatusUpdate | dict[str, object]
    if args.file is not None:
        if args.percent is not None or args.milestone_done or args.evidence:
            raise BadInput("update: give either --file or --progress with its flags, not both")
        memo = await reads.memo_of(ctx, args.memo_id, args.number)
        fields = load_status_update(args.file, received_on=args.received_on,
                                    today=memo.today())
    else:
        fields = {"received_on": args.received_on, "progress": args.progress,
                  "percent_complete": args.percent, "milestones_done": args.milestone_done,
                  "evidence": args.evidence}
    rec, cmd = await recommendations.update(ctx, args.memo_id, args.number, fields,
                                            source="status update")
    return _changed(f"recorded status update {_position(rec.status_updates, cmd)} for "
                    f"{_of(args.number, args.memo_id)} (received {cmd.received_on})", rec)


async def cmd_request_extension(args: argparse.Namespace, ctx: Context) -> int:
    rec, cmd = await recommendations.request_extension(ctx, args.memo_id, args.number, {
        "clock": args.clock, "to_date": args.to_date, "reason": args.reason,
        "requested_on": args.on}, source="extension request")
    # The returned state may already hold requests sent at the same time: find ours.
    [request, *_] = [r for r in reversed(rec.extension_requests)
                     if (r.clock, r.to_date, r.reason, r.requested_on)
                     == (cmd.clock, cmd.to_date, cmd.reason, cmd.requested_on)]
    return _changed(f"recorded extension request #{request.id} for "
                    f"{_of(args.number, args.memo_id)}: {request.clock} from "
                    f"{request.from_date} to {request.to_date} (pending)", rec)


async def cmd_decide_extension(args: argparse.Namespace, ctx: Context) -> int:
    rec, cmd = await recommendations.decide_extension(ctx, args.memo_id, args.number, {
        "request_id": args.request, "approve": args.approve, "decided_by": args.decided_by,
        "reason": args.reason, "decided_on": args.on}, source="extension decision")
    [request] = [r for r in rec.extension_requests if r.id == cmd.request_id]
    return _changed(f"{request.status.value} extension request #{request.id} of "
                    f"{_of(args.number, args.memo_id)} ({request.clock} to "
                    f"{request.to_date})", rec)


async def cmd_close(args: argparse.Namespace, ctx: Context) -> int:
    rec, cmd = await recommendations.close(ctx, args.memo_id, args.number, {
        "reason": args.reason, "justification": args.justification, "closed_on": args.on,
        "evidence": args.evidence}, source="closure")
    return _changed(f"closed {_of(args.number, args.memo_id)} as {cmd.reason.value} "
                    f"on {cmd.closed_on}", rec)


async def cmd_reopen(args: argparse.Namespace, ctx: Context) -> int:
    rec, cmd = await recommendations.reopen(ctx, args.memo_id, args.number, {
        "reason": args.reason, "on": args.on}, source="reopening")
    return _changed(f"reopened {_of(args.number, args.memo_id)} on {cmd.on}", rec)


# -- holds: one recommendation, or the whole memo ------------------------------------------


async def cmd_hold(args: argparse.Namespace, ctx: Context) -> int:
    fields = {"reason": args.reason, "on": args.on}
    if args.number is None:
        _, cmd = await memos.hold(ctx, args.memo_id, fields, source="hold")
        await print_memo(ctx, args.memo_id, f"put memo {args.memo_id} on hold since "
                         f"{cmd.on}; its open recommendations follow")
        return 0
    rec, held = await recommendations.hold(ctx, args.memo_id, args.number, fields,
                                           source="hold")
    return _changed(f"put {_of(args.number, args.memo_id)} on hold since {held.on}", rec)


async def cmd_resume(args: argparse.Namespace, ctx: Context) -> int:
    fields = {"on": args.on}
    if args.number is None:
        state, cmd = await memos.resume(ctx, args.memo_id, fields, source="resume")
        due = (f"; public summary now due {state.publication_due_on}"
               if state.publication_due_on else "")
        await print_memo(ctx, args.memo_id, f"resumed memo {args.memo_id} on {cmd.on}{due}; "
                         "its recommendations held with it resume too, their due dates "
                         "moved by the days on hold")
        return 0
    rec, lifted = await recommendations.resume(ctx, args.memo_id, args.number, fields,
                                               source="resume")
    return _changed(f"resumed {_of(args.number, args.memo_id)} on {lifted.on}; its open due "
                    "dates moved by the days on hold", rec)


# -- memo commands -----------------------------------------------------------------------


async def cmd_publish(args: argparse.Namespace, ctx: Context) -> int:
    _, cmd = await memos.publish(ctx, args.memo_id, {
        "kind": args.kind, "uri": args.uri, "published_on": args.on}, source="publication")
    await print_memo(ctx, args.memo_id, f"published the {cmd.kind.value} of memo "
                     f"{args.memo_id} on {cmd.published_on}: {cmd.uri}")
    return 0
