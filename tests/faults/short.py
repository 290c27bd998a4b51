"""The short fault phase inside `make test`, once per store (test_short.py for SQLite,
test_short_postgresql.py): a few worker SIGKILLs under a burst of notices plus one store
outage longer than the workers' patience, in under a minute each. One file per store, so
that `make test`'s xdist workers can run them side by side.

- SQLite: one write-lock pulse longer than the workers' busy timeout (shortened to 2 s).
- PostgreSQL: connections refused for a few seconds with every open backend terminated,
  then terminated once more after they are allowed back. A worker restarted while they
  are refused waits for the store at start (store.reachable) instead of exiting.

A phase that does not finish within `PHASE_LIMIT` fails instead of holding the suite.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from tests.faults.harness import Phase
from tests.faults.store_faults import (
    lock_pulses,
    pg_allow,
    pg_refuse,
    pg_terminate,
)

MEMOS = 16
KILLS = 3
BUSY_TIMEOUT = 2.0  # the workers' SQLite busy timeout in this phase (15 s by default)
PULSE_SECONDS = 5.0  # beyond that busy timeout: writes fail and retry
REFUSAL_SECONDS = 5.0
PHASE_LIMIT = 150.0


async def sqlite_pulse(phase: Phase) -> str:
    await asyncio.sleep(2.0)  # once notices are flowing
    await lock_pulses(phase.home / "rectrack.db", [PULSE_SECONDS], gap=0.0)
    return f"1 lock pulse of {PULSE_SECONDS:.0f} s"


async def pg_outage(phase: Phase, url: str) -> str:
    await asyncio.sleep(3.0)  # the kills beside it: some restarts meet the refusal
    terminated = await asyncio.to_thread(pg_refuse, url)
    await asyncio.sleep(REFUSAL_SECONDS)
    await asyncio.to_thread(pg_allow, url)
    await asyncio.sleep(2.0)
    terminated += await asyncio.to_thread(pg_terminate, url)
    return (f"connections refused for {REFUSAL_SECONDS:.0f} s, "
            f"{terminated} backends terminated")


async def run_short_phase(phase: Phase, fault: str,
                          outage: Coroutine[Any, Any, str]) -> None:
    """The workload, the kills and the outage together; then nothing lost or doubled."""
    async with asyncio.timeout(PHASE_LIMIT), asyncio.TaskGroup() as group:
        group.create_task(phase.run_memos(MEMOS))
        group.create_task(phase.kill_workers(KILLS, every=2.0))
        injected = group.create_task(outage)
    counts = await phase.finish(
        fault=fault, injected=f"{phase.workers.kills} SIGKILLs, {injected.result()}",
        within=60.0)
    assert counts.failures() == {}, counts.evidence
