"""The store failing under a burst of notices (full suite): the SQLite file write-locked
in pulses, and a PostgreSQL store refusing connections and having them terminated.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.faults.conftest import full_only
from tests.faults.harness import Phase, open_phase
from tests.faults.store_faults import (
    lock_pulses,
    pg_allow,
    pg_database,
    pg_refuse,
    pg_terminate,
)

PULSES = (6.0, 18.0, 18.0)  # the longer ones outlast the store's 15 s busy timeout


@full_only
async def test_sqlite_write_lock_pulses(tmp_path: Path) -> None:
    async with open_phase(tmp_path, "sqlite-locks", workers=2) as phase:
        async def pulses() -> int:
            await asyncio.sleep(2.0)
            return await lock_pulses(phase.home / "rectrack.db", PULSES, gap=3.0)

        async with asyncio.TaskGroup() as group:
            group.create_task(phase.run_memos(40, concurrency=4))
            held = group.create_task(pulses())
        counts = await phase.finish(
            fault="SQLite store write-locked (BEGIN EXCLUSIVE) in pulses",
            injected=f"{held.result()} pulses ({', '.join(f'{p:.0f}' for p in PULSES)} s)",
            within=180.0)
    assert counts.failures() == {}, counts.evidence


async def _pg_outages(phase: Phase, url: str) -> tuple[int, int]:
    """Two refusals of 8 s (open backends terminated) and two terminations between."""
    refusals = terminated = 0
    await asyncio.sleep(2.0)
    for _ in range(2):
        terminated += await asyncio.to_thread(pg_refuse, url)
        refusals += 1
        await asyncio.sleep(8.0)
        await asyncio.to_thread(pg_allow, url)
        await asyncio.sleep(3.0)
        terminated += await asyncio.to_thread(pg_terminate, url)
        await asyncio.sleep(3.0)
    return refusals, terminated


@full_only
async def test_postgres_refused_and_terminated(tmp_path: Path) -> None:
    with pg_database() as url:
        async with open_phase(tmp_path, "postgres", workers=2, database_url=url) as phase:
            async with asyncio.TaskGroup() as group:
                group.create_task(phase.run_memos(36, concurrency=4))
                outages = group.create_task(_pg_outages(phase, url))
            refusals, terminated = outages.result()
            counts = await phase.finish(
                fault="PostgreSQL store: connections refused, backends terminated",
                injected=f"{refusals} refusals of 8 s, {terminated} backends terminated",
                within=180.0)
    assert counts.failures() == {}, counts.evidence
