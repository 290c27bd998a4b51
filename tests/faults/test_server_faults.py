"""The dev server stopped mid-run, by SIGTERM and by SIGKILL, and started again on the
same port and database file (full suite). Workers and clients reconnect on their own;
the server's WAL-mode SQLite file must keep every accepted change.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from tests.faults.conftest import full_only
from tests.faults.harness import Phase, open_phase

BATCH = 24


async def _restart_after(phase: Phase, seconds: float, sig: signal.Signals) -> None:
    await asyncio.sleep(seconds)
    await phase.server.restart(sig)


@full_only
async def test_dev_server_sigterm_and_sigkill_restarts(tmp_path: Path) -> None:
    async with open_phase(tmp_path, "server-restarts", workers=2) as phase:
        for label, sig in (("term", signal.SIGTERM), ("kill", signal.SIGKILL)):
            async with asyncio.TaskGroup() as group:
                group.create_task(phase.run_memos(BATCH, label=label, concurrency=6))
                group.create_task(_restart_after(phase, 4.0, sig))
        counts = await phase.finish(
            fault="dev server SIGTERM restart, then SIGKILL restart",
            injected=f"{phase.server.restarts} restarts (1 SIGTERM, 1 SIGKILL)",
            within=180.0)
    assert phase.server.restarts == 2
    assert counts.failures() == {}, counts.evidence
