"""`rectrack worker` against a store it cannot reach: it waits as long as it was told to,
saying so, then exits 1 with one line naming the store's error (and never hangs)."""

from __future__ import annotations

from pathlib import Path

from cli.devserver import free_port
from tests.integration.support import Stack, cli_env, run_cli


async def test_a_worker_whose_database_refuses_connections_waits_then_says_why(
        stack: Stack, tmp_path: Path) -> None:
    env = cli_env(tmp_path / "home", stack.address, "unreachable-store")
    # A PostgreSQL URL on a port nothing listens on: every connection is refused.
    env["RECTRACK_DATABASE_URL"] = f"postgresql+psycopg://rectrack@127.0.0.1:{free_port()}/x"
    env["RECTRACK_STORE_START_PATIENCE_SECONDS"] = "1.5"
    result = await run_cli("worker", env=env)
    assert result.returncode == 1, result
    waits = [line for line in result.stderr.splitlines() if "store not reachable yet" in line]
    assert len(waits) >= 2 and "(attempt 1)" in waits[0], result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("rectrack: the store is not reachable after "), last
    assert "in 1.5 s: " in last and "Connection refused" in last, last
    assert last.endswith("; is RECTRACK_DATABASE_URL right and the database up?"), last
