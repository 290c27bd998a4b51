"""The short fault phase inside `make test`: a few worker SIGKILLs and one SQLite lock
pulse longer than the store's busy timeout, under a burst of notices, in under a minute.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.faults.conftest import short_only
from tests.faults.harness import open_phase
from tests.faults.store_faults import lock_pulses

MEMOS = 16
KILLS = 3
PULSE_SECONDS = 16.0  # beyond the store's 15 s busy timeout: writes fail and retry


@short_only
async def test_worker_kills_and_a_lock_pulse(tmp_path: Path) -> None:
    async with open_phase(tmp_path, "short", workers=2) as phase:
        async def pulse() -> None:
            await asyncio.sleep(2.0)  # once notices are flowing
            await lock_pulses(phase.home / "rectrack.db", [PULSE_SECONDS], gap=0.0)

        async with asyncio.TaskGroup() as group:
            group.create_task(phase.run_memos(MEMOS))
            group.create_task(phase.kill_workers(KILLS, every=2.0))
            group.create_task(pulse())
        counts = await phase.finish(
            fault="worker SIGKILL + SQLite write lock",
            injected=f"{phase.workers.kills} SIGKILLs, 1 lock pulse of {PULSE_SECONDS:.0f} s",
            within=60.0)
    assert counts.failures() == {}, counts.evidence
