"""Waiting for quiescence after a fault, and telling stuck workflows from idle ones.

A phase is quiet when, for `settle` seconds, the receiver accepted nothing new and has
no request open, the store's event and delivery tables stopped growing, no notice is
waiting to be tried again (failed attempts in the delivery log, none delivered: the
workflow sleeps out its backoff on a timer), and every workflow of the phase is idle: no
pending activity, no pending workflow task. The wait is
bounded; what is still busy when it ends is what `busy_workflows` reports as stuck.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Engine
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError

from tests.faults.receiver import Receiver
from tests.faults.workload import RECOMMENDATIONS

DESCRIBE_CONCURRENCY = 16
POLL_SECONDS = 2.0
OK_STATUSES = (WorkflowExecutionStatus.RUNNING, WorkflowExecutionStatus.COMPLETED,
               WorkflowExecutionStatus.CONTINUED_AS_NEW)


def workflow_ids(memo_ids: Iterable[str]) -> list[str]:
    ids = []
    for memo_id in memo_ids:
        ids.append(f"memo/{memo_id}")
        ids.extend(f"rec/{memo_id}/{n}" for n in range(1, RECOMMENDATIONS + 1))
    return ids


@dataclass
class Busy:
    """Why one workflow is not idle (or not healthy)."""

    workflow_id: str
    reason: str
    failed: bool = False  # closed as failed, terminated, timed out, or missing


async def _describe(client: Client, workflow_id: str) -> Busy | None:
    try:
        description = await client.get_workflow_handle(workflow_id).describe()
    except RPCError as error:
        return Busy(workflow_id, f"describe failed: {error}", failed=True)
    if description.status not in OK_STATUSES:
        status = description.status.name if description.status else "?"
        return Busy(workflow_id, f"status {status}", failed=True)
    raw = description.raw_description
    if raw.pending_activities:
        worst = max(raw.pending_activities, key=lambda a: a.attempt)
        failure = worst.last_failure.message[:200] if worst.HasField("last_failure") else ""
        return Busy(workflow_id, f"{len(raw.pending_activities)} pending activities, "
                    f"{worst.activity_type.name} at attempt {worst.attempt} {failure}".strip())
    if raw.HasField("pending_workflow_task"):
        return Busy(workflow_id, f"workflow task pending (attempt "
                    f"{raw.pending_workflow_task.attempt})")
    return None


async def busy_workflows(client: Client, ids: list[str]) -> list[Busy]:
    gate = asyncio.Semaphore(DESCRIBE_CONCURRENCY)

    async def one(workflow_id: str) -> Busy | None:
        async with gate:
            return await _describe(client, workflow_id)

    found = await asyncio.gather(*(one(i) for i in ids))
    return [b for b in found if b is not None]


def retrying_notices(engine: Engine) -> dict[str, int]:
    """Notices with failed attempts logged and none delivered or rejected yet: the
    workflow is waiting out its backoff (a timer, not a pending activity) to try again.
    Key -> attempts logged."""
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT idempotency_key, count(*) FROM delivery GROUP BY idempotency_key "
            "HAVING sum(CASE WHEN outcome IN ('delivered', 'rejected', 'skipped_duplicate') "
            "THEN 1 ELSE 0 END) = 0")).all()
    return {str(key): int(attempts) for key, attempts in rows}


def store_fingerprint(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        events = conn.execute(text("SELECT count(*) FROM event")).scalar_one()
        deliveries = conn.execute(text("SELECT count(*) FROM delivery")).scalar_one()
    return int(events), int(deliveries)


async def wait_quiet(client: Client, engine: Engine, receiver: Receiver, memo_ids: list[str],
                     *, within: float, settle: float = 6.0) -> float:
    """Seconds until the phase was quiet, or `within` if it never was (then check)."""
    started = time.monotonic()
    ids = workflow_ids(memo_ids)
    last: object = None
    stable_since = started
    while time.monotonic() - started < within:
        try:
            fingerprint: object = (receiver.snapshot(),
                                   await asyncio.to_thread(store_fingerprint, engine))
        except Exception as error:  # the store may be down during the fault itself
            fingerprint = repr(error)
        now = time.monotonic()
        if fingerprint != last:
            last, stable_since = fingerprint, now
        elif (now - stable_since >= settle and receiver.snapshot()[1] == 0
              and not await asyncio.to_thread(retrying_notices, engine)
              and not await busy_workflows(client, ids)):
            return now - started
        await asyncio.sleep(POLL_SECONDS)
    return within
