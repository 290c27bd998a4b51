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

# Each phase belongs to one size. The other size's phases are deselected (and counted as
# such in pytest's summary), not skipped: nothing here is a test that failed to run.
full_only = pytest.mark.faults_full
short_only = pytest.mark.faults_short


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    other_size = "faults_short" if full_mode() else "faults_full"
    dropped = [item for item in items if item.get_closest_marker(other_size)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.get_closest_marker(other_size)]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """After a full run, write the reliability report from what the phases measured."""
    if not full_mode() or not LEDGER:
        return
    outcome = "passed" if exitstatus == 0 else f"failed (exit status {exitstatus})"
    write_report(REPORT, LEDGER, started=_STARTED[0],
                 seconds=time.monotonic() - _STARTED[1], outcome=outcome)
    print(f"\n[faults] wrote {REPORT}")
