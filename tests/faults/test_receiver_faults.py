"""The webhook receiver answering 500, then hanging, then refusing connections, then
recovering (full suite). Each misbehaviour gets a fresh batch of memos, so new notices
meet it; after recovery every notice must be accepted exactly once.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.faults.conftest import full_only
from tests.faults.harness import open_phase
from tests.faults.receiver import Mode

SECONDS_PER_MODE = 8.0
BATCH = 12


@full_only
async def test_receiver_500_hang_refuse_recover(tmp_path: Path) -> None:
    async with open_phase(tmp_path, "receiver-outages", workers=2) as phase:
        for mode in (Mode.FAIL, Mode.HANG, Mode.REFUSE):
            phase.receiver.set_mode(mode)
            async with asyncio.TaskGroup() as group:
                group.create_task(phase.run_memos(BATCH, label=mode.value, concurrency=6))
                group.create_task(asyncio.sleep(SECONDS_PER_MODE))
        phase.receiver.set_mode(Mode.OK)
        answers = dict(phase.receiver.answers)
        counts = await phase.finish(
            fault="receiver 500, hang, refused, recovered",
            injected=f"{answers.get('500', 0)} answered 500, {answers.get('hung', 0)} hung, "
                     f"refused for >= {SECONDS_PER_MODE:.0f} s",
            within=240.0)
    assert answers.get("500", 0) > 0 and answers.get("hung", 0) > 0
    assert counts.failures() == {}, counts.evidence
