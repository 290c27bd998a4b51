"""`rectrack doctor`: what stopped silently, and where the store and the workflows disagree.

Nothing else looks for a workflow retrying an activity for days, a memo whose clock stopped
(its `attention` set, or no next notice planned), or status rows that drifted from the
workflows. The doctor lists the running rectrack workflows (Temporal visibility, by
workflow type), reads the store, runs the checks of cli.doctor_checks, and prints a
report; it exits 1 when it found anything, 0 when all is clear. It changes nothing.

A difference or a missing next notice can be a moment's lag (the store is written just
after the workflow changes; a workflow re-plans between notices): what is found is checked
once more after `SETTLE_SECONDS`, and only what is still there is reported.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from cli.db_commands import require_store
from settings import Settings
from store.db import make_engine
from store.tables import Memo, Recommendation

if TYPE_CHECKING:  # imported where used: cli.main builds this parser for every command
    from temporalio.client import Client

    from cli.doctor_checks import Finding, StoredMemo

WORKFLOW_TYPES = ("MemoWorkflow", "RecommendationWorkflow")
RUNNING_QUERY = ("ExecutionStatus = 'Running' AND ("
                 + " OR ".join(f"WorkflowType = '{name}'" for name in WORKFLOW_TYPES) + ")")
CONCURRENCY = 16
SETTLE_SECONDS = 1.5
TRANSIENT = {"drift", "next_notice", "no_store_row", "no_workflow"}


def add_doctor_parser(sub: Any) -> None:
    doctor: argparse.ArgumentParser = sub.add_parser(
        "doctor", help="find failing activities, stopped clocks and store/workflow drift")
    doctor.set_defaults(handler=cmd_doctor)
    doctor.add_argument("--memo", action="append", default=[], metavar="MEMO_ID",
                        help="check only this memo and its recommendations (repeatable)")
    doctor.add_argument("--json", action="store_true", help="machine-readable output")


@dataclass
class Report:
    findings: list[Finding]
    memos_checked: int
    workflows_checked: int

    def as_json(self) -> dict[str, Any]:
        return {"ok": not self.findings, "memos_checked": self.memos_checked,
                "workflows_checked": self.workflows_checked,
                "findings": [f.as_json() for f in self.findings]}

    def text(self) -> str:
        checked = (f"{_count(self.memos_checked, 'memo')}, "
                   f"{_count(self.workflows_checked, 'workflow')} checked")
        if not self.findings:
            return f"all clear: {checked}"
        lines = [f"{_count(len(self.findings), 'problem')} found ({checked}):"]
        width = max(len(f.check) for f in self.findings)
        lines += [f"  {f.check.ljust(width)}  {f.workflow_id}  {f.message}"
                  for f in self.findings]
        return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


async def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    from cli.commands import _client

    client = await _client()
    report = await examine(client, settings, memo_ids=set(args.memo) or None)
    print(json.dumps(report.as_json(), indent=2) if args.json else report.text())
    return 1 if report.findings else 0


async def examine(client: Client, settings: Settings, *,
                  memo_ids: set[str] | None = None) -> Report:
    """Run every check (only on `memo_ids` when given) and return what was found."""
    from temporalio.client import WorkflowExecutionStatus

    from cli.doctor_checks import (
        activity_findings,
        memo_findings,
        memo_id_of,
        recommendation_findings,
        workflow_status,
    )

    running = [e.id async for e in client.list_workflows(RUNNING_QUERY)
               if memo_ids is None or memo_id_of(e.id) in memo_ids]
    stored = await asyncio.to_thread(read_store, settings, memo_ids)
    limit = asyncio.Semaphore(CONCURRENCY)

    async def gathered(jobs: Iterable[Awaitable[list[Finding]]]) -> list[Finding]:
        async def one(job: Awaitable[list[Finding]]) -> list[Finding]:
            async with limit:
                return await job
        return [f for found in await asyncio.gather(*(one(j) for j in jobs)) for f in found]

    memo_workflows = {memo_id_of(w) for w in running if w.startswith("memo/")}
    memos = sorted(memo_workflows | set(stored) | (memo_ids or set()))
    # Visibility may lag a just-started workflow: ask for the others directly.
    statuses: dict[str, WorkflowExecutionStatus | None] = dict.fromkeys(
        memo_workflows, WorkflowExecutionStatus.RUNNING)
    unlisted = [m for m in memos if m not in memo_workflows]
    for memo_id, status in zip(unlisted, await asyncio.gather(
            *(workflow_status(client, f"memo/{m}") for m in unlisted)), strict=True):
        statuses[memo_id] = status
    described = running + [f"memo/{m}" for m in unlisted
                           if statuses[m] is WorkflowExecutionStatus.RUNNING]

    async def memo_and_recs(memo_ids: list[str], rows: dict[str, StoredMemo]) -> list[Finding]:
        recs = [w for w in running if w.startswith("rec/") and memo_id_of(w) in memo_ids]
        return await gathered([
            *(memo_findings(client, m, rows.get(m), statuses[m]) for m in memo_ids),
            *(recommendation_findings(client, w) for w in recs)])

    findings = await gathered(activity_findings(client, w) for w in described)
    first = await memo_and_recs(memos, stored)
    again = sorted({f.memo_id for f in first if f.check in TRANSIENT})
    if again:  # look twice before reporting what may be a moment's lag
        await asyncio.sleep(SETTLE_SECONDS)
        rows = await asyncio.to_thread(read_store, settings, set(again))
        first = [f for f in first if f.memo_id not in again] + await memo_and_recs(again, rows)
    findings += first
    findings.sort(key=lambda f: (f.memo_id, f.workflow_id, f.check, f.field or ""))
    return Report(findings=findings, memos_checked=len(memos),
                  workflows_checked=len(described))


def read_store(settings: Settings, memo_ids: set[str] | None) -> dict[str, StoredMemo]:
    """Every memo row (or those of `memo_ids`) with its recommendation rows, as values."""
    from cli.doctor_checks import StoredMemo

    engine = make_engine(settings.db_url)
    require_store(engine)
    try:
        with Session(engine) as session:
            memos = select(Memo)
            recs = select(Recommendation)
            if memo_ids is not None:
                memos = memos.where(col(Memo.memo_id).in_(memo_ids))
                recs = recs.where(col(Recommendation.memo_id).in_(memo_ids))
            found = {m.memo_id: StoredMemo(row=m.model_dump()) for m in session.exec(memos)}
            for rec in session.exec(recs):
                if rec.memo_id in found:
                    found[rec.memo_id].recs[rec.number] = rec.model_dump()
            return found
    finally:
        engine.dispose()
