"""The checks behind `rectrack doctor`, one workflow or one memo at a time.

A workflow whose activity keeps failing only retries, and a memo whose clock stopped
waits for nobody: neither shows anywhere unless someone asks. These functions ask
Temporal (describe, `state_query`, `next_notice`) and compare what they learn with the
store rows (read by cli.doctor), returning one `Finding` per problem. They only read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from temporalio.client import Client, WorkflowExecutionStatus, WorkflowQueryFailedError
from temporalio.service import RPCError, RPCStatusCode

from domain.clocks import publication_clock
from domain.memo import MemoState, RecommendationState
from domain.recommendation import due_dates
from domain.views import Counts, count_responses
from domain.vocabulary import Implementation, MemoStatus

RETRYING_ATTEMPTS = 3  # an activity at this attempt or later is retrying long
NEXT_NOTICE_QUERY = "next_notice"
OPEN_STATUSES = {MemoStatus.AWAITING_RESPONSE.value, MemoStatus.RESPONDED.value}


@dataclass(frozen=True)
class Finding:
    """One problem: `check` is activity, workflow_task, attention, next_notice, drift,
    no_store_row, no_workflow or query."""

    check: str
    memo_id: str
    workflow_id: str
    message: str
    field: str | None = None
    store: Any = None
    workflow: Any = None

    def as_json(self) -> dict[str, Any]:
        return {"check": self.check, "memo_id": self.memo_id, "workflow_id": self.workflow_id,
                "field": self.field, "store": self.store, "workflow": self.workflow,
                "message": self.message}


@dataclass(frozen=True)
class StoredMemo:
    """A memo row and its recommendation rows, as plain values."""

    row: dict[str, Any]
    recs: dict[int, dict[str, Any]] = field(default_factory=dict)


def memo_id_of(workflow_id: str) -> str:
    """`memo/<id>` and `rec/<id>/<n>` both name memo `<id>`."""
    if workflow_id.startswith("memo/"):
        return workflow_id.removeprefix("memo/")
    return workflow_id.removeprefix("rec/").rpartition("/")[0]


# -- any running workflow ---------------------------------------------------------------------


async def workflow_status(client: Client, workflow_id: str) -> WorkflowExecutionStatus | None:
    """The status of the workflow id's latest run; None if Temporal has no such workflow."""
    try:
        description = await client.get_workflow_handle(workflow_id).describe()
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            return None
        raise
    return description.status


async def activity_findings(client: Client, workflow_id: str) -> list[Finding]:
    """Pending activities failing or retrying long, and a workflow task that keeps failing."""
    memo_id = memo_id_of(workflow_id)
    try:
        raw = (await client.get_workflow_handle(workflow_id).describe()).raw_description
    except RPCError as error:
        return [Finding("query", memo_id, workflow_id, f"cannot describe: {error.message}")]
    findings = []
    for pending in raw.pending_activities:
        failure = pending.last_failure.message if pending.HasField("last_failure") else None
        if pending.attempt >= RETRYING_ATTEMPTS or failure:
            name = pending.activity_type.name
            findings.append(Finding(
                "activity", memo_id, workflow_id, field=name, workflow=pending.attempt,
                message=f"activity {name} at attempt {pending.attempt}, last failure: "
                        f"{one_line(failure) if failure else '-'}"))
    task = raw.pending_workflow_task
    if raw.HasField("pending_workflow_task") and task.attempt >= RETRYING_ATTEMPTS:
        findings.append(Finding("workflow_task", memo_id, workflow_id, workflow=task.attempt,
                                message=f"workflow task failing, at attempt {task.attempt}"))
    return findings


def one_line(text: str, width: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


async def next_notice(client: Client, workflow_id: str) -> tuple[datetime | None, str | None]:
    """The workflow's next planned notice, or (None, why it is unknown)."""
    try:
        value = await client.get_workflow_handle(workflow_id).query(NEXT_NOTICE_QUERY)
    except WorkflowQueryFailedError as error:
        message = str(error)
        if "next_notice" in message and ("unknown" in message.lower()
                                         or "not found" in message.lower()):
            return None, "next notice unknown: the workflow has no next_notice query"
        return None, f"next notice unknown: the query failed: {one_line(message)}"
    except RPCError as error:
        return None, f"next notice unknown: {one_line(error.message)}"
    if value is None:
        return None, None
    return (datetime.fromisoformat(value) if isinstance(value, str) else value), None


# -- memos --------------------------------------------------------------------------------------


async def memo_findings(client: Client, memo_id: str, stored: StoredMemo | None,
                        status: WorkflowExecutionStatus | None) -> list[Finding]:
    """Everything wrong with one memo: its workflow against its store rows, and its clock."""
    workflow_id = f"memo/{memo_id}"
    if status is not WorkflowExecutionStatus.RUNNING:
        if stored is None or stored.row["status"] not in OPEN_STATUSES:
            return []  # a finished memo whose workflow ended or was cleaned up: fine
        what = "does not exist" if status is None else f"is {status.name.lower()}"
        return [Finding("no_workflow", memo_id, workflow_id, field="status",
                        store=stored.row["status"], workflow=None if status is None
                        else status.name.lower(),
                        message=f"the store says {stored.row['status']}, but workflow "
                                f"{workflow_id} {what}")]
    try:
        state = await client.get_workflow_handle(workflow_id).query(
            "state_query", result_type=MemoState)
    except (WorkflowQueryFailedError, RPCError) as error:
        return [Finding("query", memo_id, workflow_id, f"state_query failed: {error}")]
    if stored is None:
        return [Finding("no_store_row", memo_id, workflow_id, field="status",
                        workflow=state.status.value,
                        message=f"workflow {workflow_id} is running ({state.status.value}) "
                                "but the store has no row for the memo")]
    findings = drift(memo_id, stored, state)
    if state.attention:
        findings.append(Finding("attention", memo_id, workflow_id, field="attention",
                                workflow=state.attention,
                                message=f"next notice missing: {state.attention}"))
    elif _memo_clock_open(stored, state):
        at, unknown = await next_notice(client, workflow_id)
        if at is None:
            findings.append(Finding("next_notice", memo_id, workflow_id, field="next_notice",
                                    message=unknown or "next notice missing: the memo is "
                                    f"{stored.row['status']} and not on hold, but no "
                                    "notice is planned"))
    return findings


def _memo_clock_open(stored: StoredMemo, state: MemoState) -> bool:
    """Open (store status), not on hold: awaiting a response, or a publication clock."""
    status = stored.row["status"]
    if stored.row["on_hold"] or state.hold is not None:
        return False
    if status == MemoStatus.AWAITING_RESPONSE.value:
        return True
    return status == MemoStatus.RESPONDED.value and publication_clock(state) is not None


def drift(memo_id: str, stored: StoredMemo, state: MemoState) -> list[Finding]:
    """Each field on which the store rows and the memo workflow's state differ."""
    row = stored.row
    pairs: list[tuple[str, Any, Any]] = [
        ("status", row["status"], state.status.value),
        ("response_due_on", row["response_due_on"], state.response_due_on),
        ("on_hold", row["on_hold"], state.hold is not None),
        ("attention", row.get("attention"), state.attention),
    ]
    store_counts = Counts()
    for rec in stored.recs.values():
        if rec["response"] in Counts.model_fields:
            setattr(store_counts, rec["response"], getattr(store_counts, rec["response"]) + 1)
    live_counts = count_responses(state.recommendations)
    pairs += [(f"counts.{name}", getattr(store_counts, name), getattr(live_counts, name))
              for name in Counts.model_fields]
    live = {rec.number: rec for rec in state.recommendations}
    for number in sorted(set(live) | set(stored.recs)):
        if number not in stored.recs or number not in live:
            pairs.append((f"recommendation {number}", "present" if number in stored.recs
                          else "missing", "present" if number in live else "missing"))
            continue
        pairs += _rec_pairs(number, stored.recs[number], live[number])
    return [Finding("drift", memo_id, f"memo/{memo_id}", field=name, store=_plain(ours),
                    workflow=_plain(theirs),
                    message=f"{name}: store {_plain(ours)}, workflow {_plain(theirs)}")
            for name, ours, theirs in pairs if _plain(ours) != _plain(theirs)]


def _rec_pairs(number: int, row: dict[str, Any],
               rec: RecommendationState) -> list[tuple[str, Any, Any]]:
    return [(f"recommendation {number}.implementation", row["implementation"],
             rec.implementation.value),
            (f"recommendation {number}.response", row["response"], rec.response.value)]


def _plain(value: Any) -> Any:
    """A JSON-ready value (dates as ISO strings)."""
    return value.isoformat() if hasattr(value, "isoformat") else value


# -- recommendations ----------------------------------------------------------------------------


async def recommendation_findings(client: Client, workflow_id: str) -> list[Finding]:
    """A recommendation whose clock stopped: attention set, or open clocks (not on hold)
    and no next notice planned."""
    memo_id = memo_id_of(workflow_id)
    try:
        rec = await client.get_workflow_handle(workflow_id).query(
            "state_query", result_type=RecommendationState)
    except (WorkflowQueryFailedError, RPCError) as error:
        return [Finding("query", memo_id, workflow_id, f"state_query failed: {error}")]
    if rec.attention:
        return [Finding("attention", memo_id, workflow_id, field="attention",
                        workflow=rec.attention, message=f"next notice missing: {rec.attention}")]
    if (rec.implementation is Implementation.CLOSED or rec.hold is not None
            or not due_dates(rec)):
        return []
    at, unknown = await next_notice(client, workflow_id)
    if at is not None:
        return []
    clocks = ", ".join(sorted(due_dates(rec)))
    return [Finding("next_notice", memo_id, workflow_id, field="next_notice",
                    message=unknown or f"next notice missing: open clocks ({clocks}), not on "
                    "hold, but no notice is planned")]
