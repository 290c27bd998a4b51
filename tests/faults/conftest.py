"""The fault suite's size and its report.

`RECTRACK_FAULTS=full` (what `make test-faults` sets) runs every phase at full size and
writes `docs/reliability.md` when the session finishes; without it only the short phase
runs, so that `make test` proves the basics in under a minute.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tests.faults.report import LEDGER, full_mode, write_report
from tests.integration.support import ROOT

REPORT = ROOT / "docs" / "reliability.md"
_STARTED = (datetime.now(UTC), time.monotonic())  # this conftest loads at collection

full_only = pytest.mark.skipif(not full_mode(), reason="full fault suite: make test-faults")
short_only = pytest.mark.skipif(full_mode(), reason="the full suite runs bigger phases")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """After a full run, write the reliability report from what the phases measured."""
    if not full_mode() or not LEDGER:
        return
    outcome = "passed" if exitstatus == 0 else f"failed (exit status {exitstatus})"
    write_report(REPORT, LEDGER, started=_STARTED[0],
                 seconds=time.monotonic() - _STARTED[1], outcome=outcome)
    print(f"\n[faults] wrote {REPORT}")
