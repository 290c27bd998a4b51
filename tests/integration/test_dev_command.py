"""`rectrack dev`: its own dev server + worker, an example memo, the UI, a clean stop."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import httpx

from cli.devserver import ui_address
from tests.integration.support import (
    RECTRACK,
    cli_env,
    free_address,
    run_cli,
    unique_id,
    write_memo,
)

READY_LINE = "rectrack is running"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0


def processes_using(marker: str) -> dict[int, str]:
    """Live processes whose command line mentions `marker` (e.g. our private home dir)."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if marker in cmdline and state != "Z":
            found[int(entry.name)] = cmdline
    return found


def stderr_log(home: Path) -> BinaryIO:
    """Where `rectrack dev` logs (stderr) go: read it when a test fails."""
    return (home / "dev-stderr.log").open("ab")


@dataclass
class DevRun:
    process: asyncio.subprocess.Process
    output: list[str]


@asynccontextmanager
async def rectrack_dev(env: dict[str, str], *args: str | Path) -> AsyncIterator[DevRun]:
    """Start `rectrack dev ARGS`; yield once it says it is running; kill it if still alive."""
    log = stderr_log(Path(env["RECTRACK_HOME"]))
    process = await asyncio.create_subprocess_exec(
        str(RECTRACK), "dev", *(str(a) for a in args), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=log)
    run = DevRun(process, [])
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT
        while not any(READY_LINE in line for line in run.output):
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no {READY_LINE!r} within {START_TIMEOUT} s: {run.output}"
            line = await asyncio.wait_for(process.stdout.readline(), remaining)
            assert line, f"rectrack dev exited early ({process.returncode}): {run.output}"
            run.output.append(line.decode().rstrip("\n"))
        yield run
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        for pid in processes_using(env["RECTRACK_HOME"]):  # a leaked dev server, if any
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        log.close()


async def stop_cleanly(run: DevRun, home: Path) -> None:
    servers = processes_using(str(home / "temporal.db"))
    assert servers, "no temporal dev server child found"
    assert all("temporal" in cmd for cmd in servers.values())

    run.process.send_signal(signal.SIGTERM)
    assert run.process.stdout is not None
    rest = await asyncio.wait_for(run.process.stdout.read(), STOP_TIMEOUT)
    returncode = await asyncio.wait_for(run.process.wait(), STOP_TIMEOUT)
    run.output += rest.decode().splitlines()
    assert returncode == 0, (run.output, (home / "dev-stderr.log").read_text())
    assert run.output[-1] == "stopped"
    assert processes_using(str(home)) == {}


async def listed_ids(env: dict[str, str]) -> list[str]:
    return [v["memo_id"] for v in (await run_cli("list", "--json", env=env)).json()]


async def test_dev_runs_issues_the_example_and_stops_cleanly(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    address = free_address()
    env = cli_env(home, address)
    memo_id = unique_id("DEV")
    example = write_memo(tmp_path, memo_id)

    async with rectrack_dev(env, "--issue-example", example) as run:
        assert any(f"issued memo {memo_id}" in line for line in run.output), run.output
        listing, ui = await asyncio.gather(listed_ids(env), ui_status(address))
        assert listing == [memo_id]
        assert ui == 200
        await stop_cleanly(run, home)

    async with rectrack_dev(env, "--issue-example", example) as run:
        assert any(f"memo {memo_id} was already issued" in line for line in run.output), \
            run.output
        assert await listed_ids(env) == [memo_id]
        await stop_cleanly(run, home)


async def ui_status(address: str) -> int:
    """The UI's HTTP status once it answers (it can lag the gRPC port a little)."""
    deadline = time.monotonic() + 15
    async with httpx.AsyncClient(timeout=5) as http:
        while True:
            try:
                return (await http.get(ui_address(address))).status_code
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the Temporal UI never answered"
                await asyncio.sleep(0.2)


async def test_a_dev_server_that_cannot_bind_says_why_and_the_stack_moves_on(
        tmp_path: Path) -> None:
    """A port taken between the check and the server's bind fails that start with the
    server's own words, and the test stack retries on another address."""
    import socket

    from cli.devserver import DevServer, DevServerExited
    from tests.integration.support import started_dev_server

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        log = tmp_path / "taken.log"
        server = DevServer(db_file=None, address=f"127.0.0.1:{port}", log_file=log)
        try:
            try:
                await server.wait_ready(30.0)
            except DevServerExited as refused:
                message = str(refused)
            else:
                raise AssertionError("a dev server started on a port already listening")
        finally:
            server.stop()
    assert f"127.0.0.1:{port} already in use?): " in message
    assert len(message) > len(f"127.0.0.1:{port} already in use?): ") + 40

    good = await started_dev_server(None, log_file=tmp_path / "good.log")
    try:
        assert good.process.poll() is None
    finally:
        good.stop()
