"""The short fault phase on a SQLite store (tests.faults.short): worker SIGKILLs plus a
write lock held longer than the workers' busy timeout."""

from __future__ import annotations

from pathlib import Path

from tests.faults.conftest import short_only
from tests.faults.harness import open_phase
from tests.faults.short import BUSY_TIMEOUT, run_short_phase, sqlite_pulse


@short_only
async def test_worker_kills_and_a_sqlite_write_lock(tmp_path: Path) -> None:
    async with open_phase(tmp_path, "short", workers=2,
                          sqlite_busy_timeout=BUSY_TIMEOUT) as phase:
        await run_short_phase(phase, "worker SIGKILL + SQLite write lock",
                              sqlite_pulse(phase))
