"""One fault phase: its own dev server, workers, receiver, store and workload, in a tmp dir.

`open_phase` starts everything (and stops everything in `finally`); the test injects its
fault while `Phase.run_memos` drives the workload, then `Phase.finish` waits for
quiescence (bounded), counts, prints the evidence and adds the result to the ledger that
the report is written from.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from temporalio.client import Client

from store.db import make_engine
from store.migrate import upgrade
from tests.faults.cluster import Server, Workers
from tests.faults.invariants import Counts, measure
from tests.faults.quiet import busy_workflows, wait_quiet, workflow_ids
from tests.faults.receiver import Receiver
from tests.faults.report import LEDGER, PhaseResult
from tests.faults.workload import Workload, run_memos
from tests.integration.support import free_address
from worker import connect


@dataclass
class Phase:
    name: str
    home: Path
    server: Server
    workers: Workers
    receiver: Receiver
    client: Client
    engine: Engine
    task_queue: str
    started: float = field(default_factory=time.monotonic)
    workload: Workload = field(default_factory=Workload)

    async def run_memos(self, count: int, *, label: str = "m", concurrency: int = 6) -> None:
        await run_memos(self.client, task_queue=self.task_queue,
                        receiver_url=f"{self.receiver.base_url}/hook", prefix=label,
                        count=count, workload=self.workload, concurrency=concurrency)

    async def kill_workers(self, count: int, *, every: float) -> None:
        """SIGKILL one live worker every `every` seconds, `count` times, each replaced."""
        for index in range(count):
            await asyncio.sleep(every)
            self.workers.kill_one(index)

    async def finish(self, *, fault: str, injected: str, within: float) -> Counts:
        """Wait until quiet (at most `within` s), count, record and print the result."""
        memo_ids = sorted(self.workload.memo_ids)
        quiet = await wait_quiet(self.client, self.engine, self.receiver, memo_ids,
                                 within=within)
        busy = await busy_workflows(self.client, workflow_ids(memo_ids))
        counts = await measure(self.client, self.engine, self.receiver, memo_ids, busy)
        for line in self.workers.crashed():
            counts.note(f"worker crashed on its own: {line}")
        result = PhaseResult(
            name=self.name, fault=fault, injected=injected, memos=len(memo_ids),
            actions=self.workload.actions, action_errors=len(self.workload.errors),
            seconds=time.monotonic() - self.started, quiet_after=quiet, counts=counts,
            activity_failures=self.workers.activity_failures())
        LEDGER.append(result)
        print(f"\n[faults] {result.summary()}")
        for line in counts.evidence + self.workload.errors[:10]:
            print(f"[faults]   {line}")
        return counts


@asynccontextmanager
async def open_phase(tmp_path: Path, name: str, *, workers: int = 2,
                     database_url: str | None = None,
                     sqlite_busy_timeout: float | None = None) -> AsyncIterator[Phase]:
    """Receiver, dev server, `workers` worker processes and the store of one phase.

    `sqlite_busy_timeout` shortens the workers' wait on a locked SQLite store, so a short
    lock pulse already makes their writes fail and retry."""
    home = tmp_path / name
    home.mkdir(parents=True)
    task_queue = f"faults-{name}-{uuid.uuid4().hex[:6]}"
    extra = {"RECTRACK_DATABASE_URL": database_url} if database_url else {}
    if sqlite_busy_timeout is not None:
        extra["RECTRACK_SQLITE_BUSY_TIMEOUT_SECONDS"] = str(sqlite_busy_timeout)
    engine = make_engine(database_url or f"sqlite:///{home / 'rectrack.db'}")
    with Receiver() as receiver:
        server = Server(home=home, address=free_address())
        pool: Workers | None = None
        try:
            await server.wait_ready()
            client = await connect(server.address)
            await asyncio.to_thread(upgrade, engine)
            pool = Workers(home=home, address=server.address, task_queue=task_queue,
                           extra_env=extra)
            pool.start(workers)
            yield Phase(name=name, home=home, server=server, workers=pool,
                        receiver=receiver, client=client, engine=engine,
                        task_queue=task_queue)
        finally:
            if pool is not None:
                pool.close()
            server.close()
            engine.dispose()
