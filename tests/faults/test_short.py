"""The short fault phase inside `make test`, once per store: a few worker SIGKILLs under a
burst of notices plus one store outage longer than the workers' patience, in under a
minute each.

- SQLite: one write-lock pulse longer than the workers' busy timeout (shortened to 2 s).
- PostgreSQL: after the kills, connections refused for a few seconds with every open
  backend terminated, then terminated once more after they are allowed back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import pytest

from tests.faults.conftest import short_only
from tests.faults.harness import Phase, open_phase
from tests.faults.store_faults import (
    lock_pulses,
    pg_allow,
    pg_database,
    pg_refuse,
    pg_terminate,
)

MEMOS = 16
KILLS = 3
BUSY_TIMEOUT = 2.0  # the workers' SQLite busy timeout in this phase (15 s by default)
PULSE_SECONDS = 5.0  # beyond that busy timeout: writes fail and retry
REFUSAL_SECONDS = 5.0


async def _sqlite_pulse(phase: Phase) -> str:
    await asyncio.sleep(2.0)  # once notices are flowing
    await lock_pulses(phase.home / "rectrack.db", [PULSE_SECONDS], gap=0.0)
    return f"1 lock pulse of {PULSE_SECONDS:.0f} s"


async def _pg_outage(phase: Phase, url: str) -> str:
    # The kills come first: a worker restarted while connections are refused exits at
    # start (it cannot check the store's schema), and the harness restarts only the
    # workers it killed itself, so the phase would be left without a worker.
    await phase.kill_workers(KILLS, every=2.0)
    terminated = await asyncio.to_thread(pg_refuse, url)
    await asyncio.sleep(REFUSAL_SECONDS)
    await asyncio.to_thread(pg_allow, url)
    await asyncio.sleep(2.0)
    terminated += await asyncio.to_thread(pg_terminate, url)
    return (f"connections refused for {REFUSAL_SECONDS:.0f} s, "
            f"{terminated} backends terminated")


@short_only
@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgresql",
                                                          marks=pytest.mark.postgres)])
async def test_worker_kills_and_a_store_outage(tmp_path: Path, store: str) -> None:
    if store == "sqlite":
        async with open_phase(tmp_path, "short", workers=2,
                              sqlite_busy_timeout=BUSY_TIMEOUT) as phase:
            await _run(phase, "worker SIGKILL + SQLite write lock", _sqlite_pulse(phase))
        return
    with pg_database() as url:
        async with open_phase(tmp_path, "short-pg", workers=2, database_url=url) as phase:
            await _run(phase, "worker SIGKILL, then PostgreSQL refused and terminated",
                       _pg_outage(phase, url), kills_beside=False)


async def _run(phase: Phase, fault: str, outage: Coroutine[Any, Any, str], *,
               kills_beside: bool = True) -> None:
    async with asyncio.TaskGroup() as group:
        group.create_task(phase.run_memos(MEMOS))
        if kills_beside:  # else the outage makes its own kills
            group.create_task(phase.kill_workers(KILLS, every=2.0))
        injected = group.create_task(outage)
    counts = await phase.finish(
        fault=fault, injected=f"{phase.workers.kills} SIGKILLs, {injected.result()}",
        within=60.0)
    assert counts.failures() == {}, counts.evidence
