"""The raw-Temporal baseline: what the same machine does with a minimal workflow.

`BenchRaw` is the least a recommendation could be on Temporal: start, record a row,
wait for a signal (or a timer), one more activity (record a second row, or POST one
notice to the receiver), complete. No domain, no audit log, no child workflows; the
same Python SDK, the same sandboxed runner by default, the same pydantic data converter,
a store of its own (one SQLite file, WAL) on the same disk. Its worker is a process of
its own (`python -m bench.raw`), so its RSS is measured apart from rectrack's.

The rounds (`issue`, `respond`, `burst`) drive it from the benchmark's client; each is
timed until every row is in its store (or every notice at the receiver), like rectrack's.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from temporalio import activity, workflow
from temporalio.client import Client

with workflow.unsafe.imports_passed_through():
    import httpx

IDLE_TIMER = timedelta(days=30)  # an idle baseline workflow waits this long for its signal
ACTIVITY_TIMEOUT = timedelta(seconds=30)
SCHEMA = "CREATE TABLE IF NOT EXISTS raw (key TEXT, stage TEXT, at REAL, PRIMARY KEY (key, stage))"


@dataclass
class RawInput:
    key: str
    record_start: bool = True  # record an "issued" row first
    wait_signal: bool = True  # wait for `respond` (or IDLE_TIMER); False: no wait at all
    post_url: str | None = None  # the last activity POSTs here instead of recording "done"


@dataclass
class RawStep:
    key: str
    stage: str
    post_url: str | None = None


@workflow.defn(name="BenchRaw")
class RawWorkflow:
    def __init__(self) -> None:
        self.signalled = False

    @workflow.signal
    def respond(self) -> None:
        self.signalled = True

    @workflow.run
    async def run(self, start: RawInput) -> None:
        if start.record_start:
            await workflow.execute_activity("bench_raw_step", RawStep(start.key, "issued"),
                                            start_to_close_timeout=ACTIVITY_TIMEOUT)
        if start.wait_signal:
            try:
                await workflow.wait_condition(lambda: self.signalled, timeout=IDLE_TIMER)
            except TimeoutError:
                pass
        await workflow.execute_activity(
            "bench_raw_step", RawStep(start.key, "done", start.post_url),
            start_to_close_timeout=ACTIVITY_TIMEOUT)


class RawActivities:
    def __init__(self, db: Path, http: httpx.AsyncClient) -> None:
        self.db = db
        self.http = http

    def _record(self, step: RawStep) -> None:
        with sqlite3.connect(self.db, timeout=15) as conn:
            conn.execute("PRAGMA synchronous=NORMAL")  # as rectrack's store (store.db)
            conn.execute("INSERT OR IGNORE INTO raw VALUES (?, ?, ?)",
                         (step.key, step.stage, time.time()))
        conn.close()

    @activity.defn(name="bench_raw_step")
    async def step(self, step: RawStep) -> None:
        if step.post_url is None:
            await asyncio.to_thread(self._record, step)
            return
        response = await self.http.post(step.post_url, json={"key": step.key},
                                        headers={"Idempotency-Key": step.key})
        response.raise_for_status()


def open_db(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(SCHEMA)
    conn.close()


def count_rows(db: Path, prefix: str, stage: str) -> int:
    with sqlite3.connect(db, timeout=15) as conn:
        (count,) = conn.execute("SELECT count(*) FROM raw WHERE key LIKE ? AND stage = ?",
                                (f"{prefix}%", stage)).fetchone()
    conn.close()
    return int(count)


async def serve(address: str, task_queue: str, db: Path) -> None:
    from temporalio.worker import Worker

    from worker import connect

    await asyncio.to_thread(open_db, db)
    client = await connect(address)
    async with httpx.AsyncClient(timeout=10) as http:
        activities = RawActivities(db, http)
        async with Worker(client, task_queue=task_queue, workflows=[RawWorkflow],
                          activities=[activities.step]):
            print(f"raw worker polling task queue {task_queue!r}", flush=True)
            await asyncio.Event().wait()


# -- the rounds, driven from the benchmark's client ---------------------------------------


def workflow_id(key: str) -> str:
    return f"bench-raw/{key}"


async def _rows(db: Path, prefix: str, stage: str, expected: int, within: float) -> None:
    from bench.stack import until

    async def done() -> bool:
        return await asyncio.to_thread(count_rows, db, prefix, stage) >= expected

    await until(done, f"{expected} raw {stage!r} rows for {prefix}", within)


async def issue(client: Client, queue: str, db: Path, prefix: str, count: int, *,
                concurrency: int, within: float) -> float:
    """Start `count` workflows that record a row and then wait for their signal; seconds
    until every row is in the raw store."""
    from bench.stack import each

    keys = [f"{prefix}{n:06d}" for n in range(count)]
    started = time.perf_counter()
    await each(keys, concurrency, lambda key: client.start_workflow(
        RawWorkflow.run, RawInput(key), id=workflow_id(key), task_queue=queue))
    await _rows(db, prefix, "issued", count, within)
    return time.perf_counter() - started


async def respond(client: Client, db: Path, prefix: str, count: int, *,
                  concurrency: int, within: float) -> float:
    """Signal every workflow of `issue`; seconds until each recorded its row and ended."""
    from bench.stack import each

    keys = [f"{prefix}{n:06d}" for n in range(count)]
    started = time.perf_counter()
    await each(keys, concurrency, lambda key: client.get_workflow_handle(
        workflow_id(key)).signal(RawWorkflow.respond))
    await _rows(db, prefix, "done", count, within)
    return time.perf_counter() - started


async def burst(client: Client, queue: str, url: str, keys: Sequence[str], *,
                concurrency: int) -> float:
    """Start one workflow per notice, each POSTing its key at once; returns the seconds
    its starts took (the caller waits for the receiver)."""
    from bench.stack import each

    started = time.perf_counter()
    await each(keys, concurrency, lambda key: client.start_workflow(
        RawWorkflow.run, RawInput(key, record_start=False, wait_signal=False,
                                  post_url=f"{url}/{key}"),
        id=workflow_id(key), task_queue=queue))
    return time.perf_counter() - started


async def completed(client: Client, prefix: str) -> int:
    """How many of the workflows whose id starts with bench-raw/`prefix` completed."""
    query = (f"WorkflowId STARTS_WITH '{workflow_id(prefix)}' "
             "AND ExecutionStatus = 'Completed'")
    return (await client.count_workflows(query)).count


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="the raw-Temporal baseline's worker")
    parser.add_argument("--address", required=True)
    parser.add_argument("--task-queue", required=True)
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        asyncio.run(serve(args.address, args.task_queue, args.db))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
