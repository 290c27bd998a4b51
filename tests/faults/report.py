"""The ledger of fault phases and the writer of `docs/reliability.md`.

Each phase appends its result to `LEDGER`; at the end of a full run the session-finish
hook (conftest.py) writes the report from it, whatever the counts are: the document
states what was measured, and the tests fail on any non-zero count.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tests.faults.invariants import Counts

COMMAND = "make test-faults"
COLUMNS = (("events lost", "events_lost"), ("events duplicated", "events_duplicated"),
           ("notices lost", "notices_lost"), ("notices accepted twice", "notices_duplicated"),
           ("resent after a lost worker (same key)", "resent_after_lost_attempt"),
           ("notices unrecorded", "notices_unrecorded"),
           ("notices still retrying", "notices_retrying"), ("workflows stuck", "workflows_stuck"),
           ("workflows failed", "workflows_failed"), ("store drift", "drift"))


@dataclass
class PhaseResult:
    name: str
    fault: str
    injected: str
    memos: int
    actions: int
    action_errors: int
    seconds: float
    quiet_after: float
    counts: Counts
    activity_failures: dict[str, int]

    def summary(self) -> str:
        failures = self.counts.failures() or "all zero"
        return (f"{self.name}: {self.injected}; {self.memos} memos, {self.counts.notices} "
                f"notices, {self.counts.events} events, attempts {self.counts.attempts}, "
                f"{self.action_errors}/{self.actions} actions failed; quiet after "
                f"{self.quiet_after:.0f} s; {self.seconds:.0f} s; {failures}")


LEDGER: list[PhaseResult] = []


def _failures(by_activity: dict[str, int]) -> str:
    return ", ".join(f"{n} {name}" for name, n in sorted(by_activity.items())) or "0"


def full_mode() -> bool:
    return os.environ.get("RECTRACK_FAULTS", "").lower() == "full"


def render(results: list[PhaseResult], *, started: datetime, seconds: float,
           outcome: str) -> str:
    memos = sum(r.memos for r in results)
    notices = sum(r.counts.notices for r in results)
    events = sum(r.counts.events for r in results)
    failing = [r for r in results if r.counts.failures()]
    lines = [
        "# Reliability: the fault suite (issue 7)",
        "",
        f"Measured on {started:%Y-%m-%d} (UTC {started:%H:%M}) with `{COMMAND}` "
        f"(`RECTRACK_FAULTS=full .venv/bin/python -m pytest tests/faults -q`) on this "
        f"{os.cpu_count()}-core machine: {seconds / 60:.1f} minutes, pytest {outcome}.",
        "",
        f"Totals: {len(results)} phases, {memos} memos, {notices} notices accepted by the "
        f"receiver, {events} audit events.",
        "",
        "Each phase runs the real Temporal dev server (`--db-filename`, WAL pragmas), "
        "`rectrack worker` processes and a webhook receiver on 127.0.0.1, drives a mixed "
        "workload of memos through `starter.py`, injects its fault, waits for quiescence "
        "and then counts. Every count from \"events lost\" on must be 0, except \"resent "
        "after a lost worker\", which shows the one documented resend.",
        "",
        "| phase | fault | injected | memos | actions (failed) | notices | attempts not "
        "delivered | activity failures | " + " | ".join(title for title, _ in COLUMNS)
        + " | quiet after | duration |",
        "|---|---|---|---|---|---|---|---|" + "---|" * len(COLUMNS) + "---|---|",
    ]
    for r in results:
        cells = " | ".join(str(getattr(r.counts, name)) for _, name in COLUMNS)
        missed = ", ".join(f"{n} {o}" for o, n in sorted(r.counts.attempts.items())
                           if o != "delivered") or "0"
        lines.append(f"| {r.name} | {r.fault} | {r.injected} | {r.memos} | "
                     f"{r.actions} ({r.action_errors}) | {r.counts.notices} | {missed} | "
                     f"{_failures(r.activity_failures)} | {cells} | "
                     f"{r.quiet_after:.0f} s | {r.seconds:.0f} s |")
    lines += ["", "What each column means:", "",
              "- actions (failed): workload actions through `starter.py` (issue, respond, "
              "extend, withdraw, plan, review, close, ...), and how many still failed after "
              "a few retries (e.g. an update sent while the server restarted, whose retry is "
              "then refused as already done); the checks below hold whatever they did;",
              "- attempts not delivered: delivery-log rows of attempts that failed (500, "
              "hang, refused), were lost with their worker (unknown) or were rejected: the "
              "fault reached the notice path;",
              "- activity failures: activity attempts the workers reported as failed, by "
              "activity (from their logs; a lost worker reports nothing): store writes that "
              "hit the lock or the refused database, then were retried;",
              "- events lost / duplicated: gaps or repeats of `seq` in each workflow's own "
              "event stream in the store's `event` table, against the workflow's counter "
              "(the memo's `event_seq`, each recommendation's from its history);",
              "- notices lost: recorded as delivered by a workflow, never accepted (2xx) by "
              "the receiver; accepted twice: one `Idempotency-Key` answered 2xx more than "
              "once with no lost attempt to explain it (a real resend; must be 0); resent "
              "after a lost worker: a repeat whose earlier attempt is logged `unknown`, its "
              "worker SIGKILLed between the POST and the activity's completion, at most one "
              "per lost attempt: the one resend the README documents, with the same key, "
              "which a receiver dedupes (reported, not a failure); unrecorded: "
              "accepted, but no workflow recorded it; still retrying: "
              "failed attempts in the delivery log and none delivered at the end;",
              "- workflows stuck: an activity or workflow task still pending after the "
              "bounded quiescence wait; failed: closed other than completed;",
              "- store drift: the memo row (status, due date, response counts, last seq) "
              "and recommendation rows against the live workflows."]
    if failing:
        lines += ["", "## Evidence of the non-zero counts", ""]
        for r in failing:
            lines.append(f"- **{r.name}**: {r.counts.failures()}")
            lines += [f"  - {line}" for line in r.counts.evidence]
    return "\n".join(lines) + "\n"


def write_report(path: Path, results: list[PhaseResult], *, started: datetime,
                 seconds: float, outcome: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(results, started=started.astimezone(UTC), seconds=seconds,
                           outcome=outcome), encoding="utf-8")
