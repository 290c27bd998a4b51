"""Workers SIGKILLed while they run workflows, activities and notice POSTs (full suite).

A killed worker's activities are lost with it: Temporal times them out (30 s) and the
workflows try again elsewhere, so nothing may be lost, repeated or left stuck.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.faults.conftest import full_only
from tests.faults.harness import open_phase

MIXED_MEMOS = 104
MIXED_KILLS = 22


@full_only
async def test_mixed_run_with_worker_kills(tmp_path: Path) -> None:
    """Two workers; every 4 s one of them is SIGKILLed and a replacement started."""
    async with open_phase(tmp_path, "worker-kills", workers=2) as phase:
        async with asyncio.TaskGroup() as group:
            group.create_task(phase.run_memos(MIXED_MEMOS, concurrency=6))
            group.create_task(phase.kill_workers(MIXED_KILLS, every=4.0))
        counts = await phase.finish(
            fault="worker SIGKILL during the mixed run (2 workers)",
            injected=f"{phase.workers.kills} SIGKILLs", within=240.0)
    assert phase.workers.kills >= 20
    assert len(phase.workload.memo_ids) >= 100
    assert counts.failures() == {}, counts.evidence


@full_only
async def test_three_workers_one_killed_at_a_time(tmp_path: Path) -> None:
    """Three workers; one at a time is SIGKILLed (and replaced) every 3 s."""
    async with open_phase(tmp_path, "three-workers", workers=3) as phase:
        async with asyncio.TaskGroup() as group:
            group.create_task(phase.run_memos(32, concurrency=6))
            group.create_task(phase.kill_workers(9, every=3.0))
        counts = await phase.finish(
            fault="one of three workers SIGKILLed at a time",
            injected=f"{phase.workers.kills} SIGKILLs", within=180.0)
    assert counts.failures() == {}, counts.evidence
