"""The short fault phase on a PostgreSQL store (tests.faults.short): worker SIGKILLs while
connections are refused and every backend is terminated."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.conftest import short_only
from tests.faults.harness import open_phase
from tests.faults.short import pg_outage, run_short_phase
from tests.faults.store_faults import pg_database


@short_only
@pytest.mark.postgres
async def test_worker_kills_and_postgresql_refused_and_terminated(tmp_path: Path) -> None:
    with pg_database() as url:
        async with open_phase(tmp_path, "short-pg", workers=2, database_url=url) as phase:
            await run_short_phase(phase, "worker SIGKILL + PostgreSQL refused and terminated",
                                  pg_outage(phase, url))
