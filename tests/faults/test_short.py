"""The short fault phase inside `make test`: a few worker SIGKILLs and one SQLite lock
pulse longer than the workers' store busy timeout (shortened to 2 s here), under a burst
of notices, in under a minute.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.faults.conftest import short_only
from tests.faults.harness import open_phase
from tests.faults.store_faults import lock_pulses

MEMOS = 16
KILLS = 3
BUSY_TIMEOUT = 2.0  # the workers' SQLite busy timeout in this phase (15 s by default)
PULSE_SECONDS = 5.0  # beyond that busy timeout: writes fail and retry


@short_only
async def test_worker_kills_and_a_lock_pulse(tmp_path: Path) -> None:
    async with open_phase(tmp_path, "short", workers=2,
                          sqlite_busy_timeout=BUSY_TIMEOUT) as phase:
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
