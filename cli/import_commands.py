"""`rectrack import FILE`: bring an office's backlog in (docs/import.md).

Reading and checking the file is `backlog/`'s work and bringing memos in is app.backlog's;
this module only parses the flags, reports bad rows, shows progress (a bar with rate and
ETA on a terminal, plain periodic lines otherwise, both on stderr) and prints the summary.

Exit codes: 0 when every row is in rectrack; 2 when the file cannot be read, with
`--dry-run` or `--strict` when any row is bad, and when rows were skipped (bad, or in
conflict with what rectrack recorded); 1 when Temporal or the store is down.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.context import Context
from cli.db_commands import require_store
from cli.errors import BadInput
from store.queries import StoredMemoView, get_memo_view

if TYPE_CHECKING:
    from app.backlog import MemoOutcome
    from domain.backlog import BacklogPlan

PLAIN_EVERY_SECONDS = 5.0


def add_import_parser(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "import", help="bring a backlog in from CSV, XLSX or JSON Lines (docs/import.md)")
    parser.add_argument("file", type=Path)
    parser.add_argument("--map", type=Path, metavar="MAP",
                        help="YAML column map for files whose headers differ")
    parser.add_argument("--dry-run", action="store_true",
                        help="check every row and start nothing (exit 2 if any is bad)")
    parser.add_argument("--strict", action="store_true",
                        help="import nothing if any row is bad")
    parser.add_argument("--quiet", action="store_true",
                        help="no catch-up notice at all: reminders resume from today")


async def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    # Here, not at the top: app.backlog brings Temporal and the workflows, which every
    # other command's parser would otherwise load (cli.main builds them all).
    from app.backlog import import_memos

    plan = _checked(args.file, args.map)
    for problem in plan.problems:
        print(f"{args.file.name}: {problem}", file=sys.stderr)
    held = sum(len(rows) for rows in plan.held_back.values())
    if args.dry_run or (args.strict and plan.problems):
        print(f"checked {plan.rows_read} rows: {len(plan.memos)} memos "
              f"({plan.recommendation_count} recommendations) can be imported; "
              f"{_count(len(plan.problems), 'problem')}, {held} rows held back")
        if plan.problems:
            raise BadInput(f"{args.file.name}: {_count(len(plan.problems), 'bad row')}; "
                           + ("nothing imported (--strict)" if args.strict
                              else "nothing imported (--dry-run)"))
        return 0
    await asyncio.to_thread(require_store, ctx.engine)
    started = time.monotonic()
    with _Reporter(len(plan.memos)) as report:
        outcomes = await import_memos(ctx, plan.memos, file=args.file.name,
                                      now=datetime.now(UTC), quiet=args.quiet,
                                      done=report.done)
    views = await _views(ctx, [o.memo_id for o in outcomes])
    print(_summary(plan, outcomes, views, time.monotonic() - started))
    skipped = [p for o in outcomes for p in (*o.conflicts, *o.failures)]
    for problem in skipped:
        print(f"{args.file.name}: {problem}", file=sys.stderr)
    if plan.problems or skipped:
        raise BadInput(f"{args.file.name}: {_count(len(plan.problems) + len(skipped), 'row')}"
                       " not imported (listed above); the rest is in rectrack")
    return 0


def _checked(path: Path, map_path: Path | None) -> BacklogPlan:
    # Here, not at the top: openpyxl and the file readers cost every other command's
    # start-up a quarter of a second.
    from backlog.check import plan_backlog
    from backlog.columns import BacklogFileError, ColumnMap
    from backlog.read import read_table

    try:
        column_map = ColumnMap.load(map_path) if map_path else None
        table = read_table(path)
        return plan_backlog(table, column_map, path.name, datetime.now(UTC).date())
    except BacklogFileError as error:
        for problem in error.problems[1:]:
            print(f"{path.name}: {problem}", file=sys.stderr)
        raise BadInput(f"{path.name}: {error.problems[0]}") from None
    except OSError as error:
        raise BadInput(f"{path}: cannot read: {error.strerror}") from None


class _Reporter:
    """Progress on stderr: a rich bar on a terminal, else a line every few seconds."""

    def __init__(self, total: int) -> None:
        self.total, self.finished = total, 0
        self.started = self.last_line = time.monotonic()
        self.bar: Any = None  # a rich Progress, on a terminal
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[rate]} memos/s"),
                                TimeRemainingColumn(), console=Console(stderr=True),
                                transient=True)
            self.task = self.bar.add_task("import", total=total, rate="-")

    def __enter__(self) -> _Reporter:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def done(self, _outcome: MemoOutcome) -> None:
        self.finished += 1
        now = time.monotonic()
        rate = self.finished / max(now - self.started, 1e-6)
        if self.bar is not None:
            self.bar.update(self.task, advance=1, rate=f"{rate:.1f}")
        elif now - self.last_line >= PLAIN_EVERY_SECONDS or self.finished == self.total:
            self.last_line = now
            print(f"imported {self.finished}/{self.total} memos ({rate:.1f} memos/s)",
                  file=sys.stderr, flush=True)


async def _views(ctx: Context, memo_ids: list[str]) -> list[StoredMemoView]:
    def read(session: Any) -> list[StoredMemoView]:
        views = (get_memo_view(session, memo_id=memo_id) for memo_id in memo_ids)
        return [view for view in views if view is not None]
    return await ctx.read(read)


def _summary(plan: BacklogPlan, outcomes: list[MemoOutcome], views: list[StoredMemoView],
             seconds: float) -> str:
    issued = sum(o.issued for o in outcomes)
    applied = sum(o.applied for o in outcomes)
    if not issued and not applied:
        head = (f"nothing to do: the {_count(len(outcomes), 'memo')} of {plan.file} "
                "are already in rectrack as the file has them")
    else:
        head = (f"imported {plan.file}: {_count(issued, 'memo')} issued, "
                f"{_count(applied, 'update')} applied, "
                f"{sum(o.already for o in outcomes)} already in rectrack")
    memos = Counter(str(v.status) for v in views)
    recs = Counter(_state(r) for v in views for r in v.recommendations)
    skipped = len(plan.problems) + sum(len(o.conflicts) + len(o.failures) for o in outcomes)
    lines = [head, "memos by status:"]
    lines += [f"  {status:<28} {n:>5}" for status, n in sorted(memos.items())]
    lines += ["recommendations by state:"]
    lines += [f"  {state:<28} {n:>5}" for state, n in sorted(recs.items())]
    lines += [f"rows skipped: {skipped}", f"elapsed: {seconds:.1f} s"]
    return "\n".join(lines)


def _state(rec: Any) -> str:
    if rec.closure_reason:
        return f"closed: {rec.closure_reason}"
    if str(rec.response) == "awaiting":
        return "awaiting response"
    if str(rec.resolution) == "resolved":
        return f"{rec.response}, resolved"
    return f"{rec.response}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"

