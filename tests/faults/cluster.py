"""The real processes a fault phase runs and breaks: the dev server and `rectrack worker`s.

The dev server is the project's own `cli.devserver.DevServer` (the `temporal` binary
beside the venv's Python, `--db-filename` plus the WAL pragmas), so a restart on the same
port and database file must lose nothing. Workers are `rectrack worker` subprocesses, the
command production runs, with the phase's environment: notices at 00:00 office time
(`RECTRACK_NOTICE_HOUR=0`, so a ladder step dated today is due at once) and a short
webhook timeout (so a hung receiver costs seconds, not minutes).

Everything started here is stopped by `close()`, which the fixtures call in `finally`.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from cli.devserver import DevServer
from tests.integration.support import RECTRACK, ROOT, cli_env

WEBHOOK_TIMEOUT_SECONDS = 3
STOP_WAIT_SECONDS = 15.0
ACTIVITY_TYPE = re.compile(r"'activity_type': '(\w+)'")


class Server:
    """One dev server that can be restarted (SIGTERM or SIGKILL) on its port and file."""

    def __init__(self, *, home: Path, address: str) -> None:
        self.home = home
        self.address = address
        self.restarts = 0
        self._server = self._start()

    def _start(self) -> DevServer:
        return DevServer(db_file=self.home / "temporal.db", address=self.address,
                         log_file=self.home / "temporal.log")

    async def wait_ready(self) -> None:
        await self._server.wait_ready(60.0)

    async def restart(self, sig: signal.Signals) -> None:
        """Stop the server with `sig`, wait for it to exit, start it again, wait until up."""
        process = self._server.process
        process.send_signal(sig)
        try:  # in a thread: the workload goes on meanwhile (and meets the outage)
            await asyncio.to_thread(process.wait, STOP_WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            await asyncio.to_thread(process.wait, STOP_WAIT_SECONDS)
        self._server.stop()  # closes its log
        self._server = self._start()
        self.restarts += 1
        await self.wait_ready()

    def close(self) -> None:
        self._server.stop()


class Workers:
    """`rectrack worker` subprocesses on the phase's task queue; killed, restarted, stopped."""

    def __init__(self, *, home: Path, address: str, task_queue: str,
                 extra_env: Mapping[str, str]) -> None:
        self.env = cli_env(home, address, task_queue)
        self.env.update(RECTRACK_NOTICE_HOUR="0",
                        RECTRACK_WEBHOOK_TIMEOUT_SECONDS=str(WEBHOOK_TIMEOUT_SECONDS))
        self.env.update(extra_env)
        self.logs = home / "workers"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.processes: list[subprocess.Popen[bytes]] = []
        self.kills = 0
        self._started = 0

    def start(self, count: int = 1) -> None:
        for _ in range(count):
            self._started += 1
            with open(self.logs / f"worker-{self._started}.log", "ab") as log:
                self.processes.append(subprocess.Popen(
                    [str(RECTRACK), "worker"], env=self.env, cwd=ROOT, stdout=log,
                    stderr=subprocess.STDOUT))

    @property
    def alive(self) -> list[subprocess.Popen[bytes]]:
        return [p for p in self.processes if p.poll() is None]

    def kill_one(self, index: int) -> None:
        """SIGKILL the `index`-th live worker (modulo) and start a replacement at once."""
        alive = self.alive
        if not alive:
            self.start()
            return
        victim = alive[index % len(alive)]
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(STOP_WAIT_SECONDS)
        self.kills += 1
        self.start()

    def crashed(self) -> list[str]:
        """Logs of workers that exited on their own (not killed by us, not stopped)."""
        return [f"pid {p.pid} exit {p.returncode}" for p in self.processes
                if p.returncode not in (None, -signal.SIGKILL, -signal.SIGTERM, 0)]

    def activity_failures(self) -> dict[str, int]:
        """Failed activity attempts the workers logged, by activity name."""
        found: Counter[str] = Counter()
        for log in sorted(self.logs.glob("worker-*.log")):
            for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
                if "Completing activity as failed" in line:
                    match = ACTIVITY_TYPE.search(line)
                    found[match.group(1) if match else "?"] += 1
        return dict(found)

    def close(self) -> None:
        for process in self.alive:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(STOP_WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(STOP_WAIT_SECONDS)
