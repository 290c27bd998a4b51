"""The counters can see what they count (full suite): after a clean phase, the store and
the receiver are tampered with on purpose, and each kind of damage must show up.

Without this, "all zero" could mean a blind check.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from sqlalchemy import text

from tests.faults.conftest import full_only
from tests.faults.harness import open_phase
from tests.faults.invariants import measure
from tests.faults.quiet import busy_workflows, wait_quiet, workflow_ids


def _post_again(url: str, key: str) -> None:
    request = urllib.request.Request(url, data=json.dumps({}).encode(), method="POST",
                                     headers={"Idempotency-Key": key,
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


@full_only
async def test_tampering_is_counted(tmp_path: Path) -> None:
    async with open_phase(tmp_path, "checks", workers=1) as phase:
        await phase.run_memos(8)
        memo_ids = sorted(phase.workload.memo_ids)
        await wait_quiet(phase.client, phase.engine, phase.receiver, memo_ids, within=60.0)
        clean = await measure(phase.client, phase.engine, phase.receiver, memo_ids,
                              await busy_workflows(phase.client, workflow_ids(memo_ids)))
        assert clean.failures() == {}, clean.evidence
        key = next(iter(phase.receiver.accepted_keys()))
        _post_again(f"{phase.receiver.base_url}/hook", key)  # accepted twice
        _post_again(f"{phase.receiver.base_url}/hook", "nobody/sent/this")  # unrecorded
        with phase.engine.begin() as conn:
            conn.execute(text("DELETE FROM event WHERE event_id = :e"),  # a lost event
                         {"e": f"{memo_ids[0]}#1"})
            conn.execute(text("UPDATE memo SET status = 'closed' WHERE memo_id = :m"),
                         {"m": memo_ids[1]})  # drift
        with phase.receiver.lock:  # a notice the receiver never accepted: lost
            lost = next(k for k in phase.receiver.accepted if k != key)
            del phase.receiver.accepted[lost]
        tampered = await measure(phase.client, phase.engine, phase.receiver, memo_ids, [])
    assert tampered.failures() == {"events_lost": 1, "notices_lost": 1,
                                   "notices_duplicated": 1, "notices_unrecorded": 1,
                                   "drift": 1}, tampered.evidence
