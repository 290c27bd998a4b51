"""The system under benchmark, started and stopped by the benchmark itself.

One temporary RECTRACK_HOME holds everything: the Temporal dev server's database
(`cli.devserver.DevServer`: the `temporal` binary beside the venv's Python, WAL pragmas,
rectrack's search attributes, on a free port), the rectrack store (SQLite), ONE
`rectrack worker` subprocess (the command production runs), the raw baseline's worker
subprocess (`python -m bench.raw`) with its own little SQLite store, and a webhook
receiver on 127.0.0.1. The worker gets the RECTRACK_* variables the caller set (so a
lever such as RECTRACK_WORKER_CACHED_WORKFLOWS can be toggled from the command line),
except the home, the store, the task queue and the notice hour, which are the bench's.

Everything started here is stopped in `open_stack`'s `finally`.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]  # no stubs in the dev deps
from sqlalchemy import text
from sqlalchemy.engine import Engine
from temporalio.client import Client

from app.context import Context
from bench.receiver import Receiver
from cli.devserver import free_address
from settings import Settings

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RECTRACK = BIN / "rectrack"
# Set by the bench, never passed through: the worker must use the bench's own state.
OWN_VARIABLES = ("RECTRACK_HOME", "RECTRACK_DATABASE_URL", "RECTRACK_TASK_QUEUE",
                 "RECTRACK_NOTICE_HOUR")
STOP_SECONDS = 15.0
QUIET_WINDOW = 0.3  # seconds per CPU sample
QUIET_SHARE = 0.15  # of one core, all processes together: "nothing going on"


def progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def levers() -> dict[str, str]:
    """The RECTRACK_* variables of the caller that the worker gets (recorded in the JSON)."""
    return {k: v for k, v in sorted(os.environ.items())
            if k.startswith("RECTRACK_") and k not in OWN_VARIABLES}


def base_env(home: Path, address: str, task_queue: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RECTRACK_", "TEMPORAL_"))}
    env.update(levers())
    # Notices at 00:00 office time: a ladder step dated today is due at once (the burst).
    env.update(RECTRACK_HOME=str(home), TEMPORAL_ADDRESS=address, PYTHONUNBUFFERED="1",
               RECTRACK_TASK_QUEUE=task_queue, RECTRACK_NOTICE_HOUR="0")
    return env


async def until(check: Callable[[], Awaitable[bool]], what: str, within: float,
                interval: float = 0.1) -> None:
    """Poll `check` until it holds; TimeoutError naming `what` after `within` s."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not within {within:.0f} s: {what}")
        await asyncio.sleep(interval)


async def each(items: Sequence[Any], concurrency: int,
               call: Callable[[Any], Awaitable[object]]) -> None:
    """`call(item)` for every item, `concurrency` at a time; the first failure cancels the
    rest and is raised as itself."""
    gate = asyncio.Semaphore(concurrency)

    async def one(item: Any) -> None:
        async with gate:
            await call(item)

    try:
        async with asyncio.TaskGroup() as group:
            for item in items:
                group.create_task(one(item))
    except ExceptionGroup as failed:
        raise failed.exceptions[0] from None


def count_sql(engine: Engine, sql: str, **params: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql), params).scalar_one())


@dataclass
class Stack:
    home: Path
    address: str
    task_queue: str
    raw_queue: str
    raw_db: Path
    run_id: str
    client: Client
    engine: Engine
    ctx: Context
    receiver: Receiver
    workers: list[subprocess.Popen[bytes]]  # `rectrack worker` processes (--workers)
    raw_worker: subprocess.Popen[bytes]
    server_pid: int

    @property
    def worker_pids(self) -> list[int]:
        return [process.pid for process in self.workers]

    @property
    def env(self) -> dict[str, str]:
        """The environment of a `rectrack` command against this stack."""
        return base_env(self.home, self.address, self.task_queue)

    @property
    def temporal_db_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.home.glob("temporal.db*") if p.is_file())

    @property
    def store_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.home.glob("rectrack.db*") if p.is_file())

    def check_alive(self) -> None:
        for name, process in [*(("rectrack worker", w) for w in self.workers),
                              ("raw worker", self.raw_worker)]:
            if process.poll() is not None:
                raise RuntimeError(f"the {name} exited with code {process.returncode}; "
                                   f"see its log in {self.home}")

    async def count(self, sql: str, **params: object) -> int:
        self.check_alive()
        return await asyncio.to_thread(count_sql, self.engine, sql, **params)

    def _cpu_seconds(self) -> float:
        total = 0.0
        for pid in (*self.worker_pids, self.raw_worker.pid, self.server_pid):
            try:
                times = psutil.Process(pid).cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += float(times.user + times.system)
        return total

    async def quiet(self, most: float = 60.0) -> float:
        """Wait until the workers and the server have been idle for two windows in a row
        (what one phase left running must not slow the next); returns the seconds waited,
        at most `most`."""
        started = time.perf_counter()
        calm = 0
        before = await asyncio.to_thread(self._cpu_seconds)
        while calm < 2 and time.perf_counter() - started < most:
            await asyncio.sleep(QUIET_WINDOW)
            now = await asyncio.to_thread(self._cpu_seconds)
            calm = calm + 1 if now - before < QUIET_SHARE * QUIET_WINDOW else 0
            before = now
        self.check_alive()
        waited = time.perf_counter() - started
        if calm < 2:
            progress(f"not quiet after {most:.0f} s; going on")
        return waited


def spawn(command: list[str], env: Mapping[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        return subprocess.Popen(command, env=dict(env), cwd=ROOT, stdout=out,
                                stderr=subprocess.STDOUT)


def stop_process(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_SECONDS)


async def _ready_worker(process: subprocess.Popen[bytes], log: Path, marker: str) -> None:
    def text() -> str:
        return log.read_text(errors="replace") if log.exists() else ""

    async def up() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"{log.name}: exited with code {process.returncode}: "
                               f"{(await asyncio.to_thread(text))[-600:]}")
        return marker in await asyncio.to_thread(text)

    await until(up, f"{log.name} polling", 60.0, interval=0.2)


@asynccontextmanager
async def open_stack(home: Path, *, workers: int = 1) -> AsyncIterator[Stack]:
    """Dev server, `workers` rectrack worker processes (one task queue), the raw worker,
    receiver and store under `home`."""
    from cli.devserver import DevServer, DevServerExited
    from store.db import make_engine
    from store.migrate import upgrade
    from worker import connect

    run_id = uuid.uuid4().hex[:6].upper()
    task_queue, raw_queue = f"bench-{run_id}", f"bench-raw-{run_id}"
    settings = Settings(home=home, task_queue=task_queue)
    engine = make_engine(settings.db_url)
    rectrack_workers: list[subprocess.Popen[bytes]] = []
    raw_worker = None
    server: DevServer | None = None
    with Receiver() as receiver:
        try:
            for attempt in range(3):  # a port taken between our check and its bind
                server = DevServer(db_file=home / "temporal.db", address=free_address(),
                                   log_file=home / "temporal.log")
                try:
                    await server.wait_ready()
                    break
                except DevServerExited:
                    server.stop()
                    if attempt == 2:
                        raise
            assert server is not None
            address = server.address
            progress(f"dev server on {address} (WAL), state in {home}")
            await asyncio.to_thread(upgrade, engine)
            env = base_env(home, address, task_queue)
            logs = [home / "worker.log", *(home / f"worker-{n}.log"
                                            for n in range(2, workers + 1))]
            rectrack_workers.extend(spawn([str(RECTRACK), "worker"], env, log)
                                    for log in logs)
            raw_db = home / "raw.db"
            raw_worker = spawn([sys.executable, "-m", "bench.raw", "--address", address,
                                 "--task-queue", raw_queue, "--db", str(raw_db)],
                                env, home / "raw-worker.log")
            for process, log in zip(rectrack_workers, logs, strict=True):
                await _ready_worker(process, log, "worker polling task queue")
            await _ready_worker(raw_worker, home / "raw-worker.log", "raw worker polling")
            pids = ", ".join(str(w.pid) for w in rectrack_workers)
            progress(f"rectrack worker pid {pids}, raw worker pid {raw_worker.pid}"
                     + (f"; levers {levers()}" if levers() else ""))
            client = await connect(address, settings=settings)
            yield Stack(home=home, address=address, task_queue=task_queue,
                        raw_queue=raw_queue, raw_db=raw_db, run_id=run_id, client=client,
                        engine=engine, ctx=Context(settings, engine, client),
                        receiver=receiver, workers=rectrack_workers, raw_worker=raw_worker,
                        server_pid=server.process.pid)
        finally:
            for process in rectrack_workers:
                await asyncio.to_thread(stop_process, process)
            await asyncio.to_thread(stop_process, raw_worker)
            if server is not None:
                await asyncio.to_thread(server.stop)
            engine.dispose()
