"""`rectrack show` and `rectrack list`: the memo-level commands that only read the store.

They live apart from cli.commands for start-up time: an operator runs them often, and
they need only the store. Nothing here (nor in app.reads' store reads, app.context and
cli.render) imports temporalio, the workflows or the write side of the service layer;
`show --live` asks the workflow, and only that branch brings Temporal in (app.reads.live).
tests/integration/test_read_startup.py keeps it so.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from app import reads
from app.context import Context
from cli import render


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, default=date.isoformat)


async def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    if args.live:
        state = await reads.live(ctx, args.memo_id)
        view = reads.stored_view_now(state)
    else:
        view = await reads.show(ctx, args.memo_id)
    if args.json:
        data = view.model_dump(mode="json")
        if args.timeline:  # the audit log is in the store, even with --live
            events = await reads.timeline(ctx, args.memo_id)
            data["timeline"] = [e.model_dump(mode="json", exclude={"id"}) for e in events]
        print(_dump(data))
        return 0
    numbers = [r.number for r in view.recommendations]
    parts = [render.memo_detail(view)]
    [everything, *timelines] = await reads.timelines(ctx, args.memo_id, [None, *numbers])
    for number, events in zip(numbers, timelines, strict=True):
        parts += ["", f"recommendation {number}: timeline",
                  render.timeline(events, number=number)]
    # The memo's own events that concern no one recommendation (publication, memo hold,
    # closure of the memo), when there are any.
    memo_only = [e for e in everything if e.number is None and not e.numbers]
    if memo_only:
        parts += ["", f"memo {args.memo_id}: timeline", render.timeline(memo_only)]
    print("\n".join(parts))
    return 0


async def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    views = await reads.list_memos(ctx, overdue=True if args.overdue else None,
                                   component=args.component, status=args.status)
    if args.json:
        print(_dump([v.model_dump(mode="json") for v in views]))
    else:
        print(render.memo_list(views))
    return 0
