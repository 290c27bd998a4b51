"""Helpers for the integration tests: free ports, the `rectrack` CLI as a subprocess,
memo files, and the `Stack` the session fixture (conftest.py) provides.

`rectrack` subprocesses get the session's RECTRACK_HOME, TEMPORAL_ADDRESS and task
queue, so the CLI and the in-process worker share the server and the store. Tests share
the server: every test uses its own memo ids (`unique_id`).
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.client import Client, WorkflowHandle

import starter
from cli.devserver import free_address as free_address  # re-exported for the tests
from domain.memo import MemoState, RecommendationState
from domain.office_time import today_in
from domain.views import MemoView
from settings import Settings
from store.queries import get_memo_view, list_events
from store.tables import EventPublic
from tests.helpers import BIN_DIR

if TYPE_CHECKING:
    from cli.devserver import DevServer

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "memos"
ICE_MEMO = EXAMPLES / "crcl-2022-ice-frd.yaml"
ICE_RESPONSE = EXAMPLES / "crcl-2022-ice-frd-response.yaml"
RECTRACK = BIN_DIR / "rectrack"
OFFICE_TZ = "America/New_York"
CLI_TIMEOUT = 60.0


def unique_id(prefix: str = "IT") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10].upper()}"


def office_today() -> date:
    return today_in(OFFICE_TZ)


def cli_env(home: Path, address: str, task_queue: str | None = None) -> dict[str, str]:
    """The environment for a `rectrack` subprocess: only our RECTRACK_*/TEMPORAL_* values."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RECTRACK_", "TEMPORAL_"))}
    env.update(RECTRACK_HOME=str(home), TEMPORAL_ADDRESS=address, PYTHONUNBUFFERED="1")
    if task_queue is not None:
        env["RECTRACK_TASK_QUEUE"] = task_queue
    return env


class CliResult(NamedTuple):
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        assert self.returncode == 0, self
        return json.loads(self.stdout)

    @property
    def stderr_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


async def run_cli(*args: str | Path, env: Mapping[str, str]) -> CliResult:
    """Run `rectrack ARGS` without blocking the event loop (the worker shares it)."""
    process = await asyncio.create_subprocess_exec(
        str(RECTRACK), *(str(a) for a in args), env=dict(env), cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(process.communicate(), CLI_TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    result = CliResult(process.returncode, out.decode(), err.decode())
    # An abort at interpreter exit (temporalio/sdk-python#300) must never hide an exit code.
    assert "Fatal Python error" not in result.stderr, result
    return result


def write_memo(directory: Path, memo_id: str, *, source: Path = ICE_MEMO,
               drop: tuple[str, ...] = (), **changes: Any) -> Path:
    """A copy of an example memo file with a new memo_id, some fields changed or dropped."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["memo_id"] = memo_id
    data.update(changes)
    for key in drop:
        data.pop(key, None)
    path = directory / f"{memo_id}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def write_yaml(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@dataclass
class Stack:
    """The shared server, client, worker settings and store, plus CLI helpers."""

    address: str
    home: Path
    settings: Settings
    client: Client
    engine: Engine
    worker_task: asyncio.Task[None] = field(repr=False)

    @property
    def env(self) -> dict[str, str]:
        env = cli_env(self.home, self.address, self.settings.task_queue)
        if self.settings.database_url:  # a PostgreSQL store: the CLI must use it too
            env["RECTRACK_DATABASE_URL"] = self.settings.database_url
        return env

    async def cli(self, *args: str | Path) -> CliResult:
        if self.worker_task.done():  # surface a crashed worker instead of a hang
            self.worker_task.result()
            raise RuntimeError("the in-process worker stopped")
        return await run_cli(*args, env=self.env)

    async def issue(self, path: Path) -> None:
        result = await self.cli("issue", path)
        assert result.returncode == 0, result
        assert "not yet in the store" not in result.stdout, result

    async def show(self, memo_id: str, *extra: str) -> dict[str, Any]:
        data: dict[str, Any] = (await self.cli("show", memo_id, "--json", *extra)).json()
        return data

    def stored_view(self, memo_id: str) -> MemoView | None:
        with Session(self.engine) as session:
            return get_memo_view(session, memo_id=memo_id)

    def stored_json(self, memo_id: str) -> dict[str, Any]:
        """What `show MEMO_ID --json` prints, read from the store in-process."""
        view = self.stored_view(memo_id)
        assert view is not None, f"memo {memo_id} is not in the store"
        return view.model_dump(mode="json")

    def events(self, memo_id: str) -> list[EventPublic]:
        with Session(self.engine) as session:
            return list_events(session, memo_id=memo_id)

    def handle(self, memo_id: str) -> WorkflowHandle[Any, Any]:
        return self.client.get_workflow_handle(f"memo/{memo_id}")

    async def live_state(self, memo_id: str) -> MemoState:
        state: MemoState = await self.handle(memo_id).query(
            "state_query", result_type=MemoState)
        return state

    async def rec_state(self, memo_id: str, number: int) -> RecommendationState:
        """The live state of one recommendation (its workflow's query)."""
        return await starter.recommendation_state(self.client, memo_id, number)


async def eventually(check: Callable[[], Awaitable[bool]], what: str,
                     within: float = 10.0) -> None:
    """Poll `check` until it holds: for what follows a signal (the memo hearing from its
    recommendations, or they from it) and is projected into the store afterwards."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within:.0f} s: {what}")
        await asyncio.sleep(0.1)




async def started_dev_server(db_file: Path | None, *, log_file: Path,
                             extra_args: Sequence[str] = (), attempts: int = 3) -> DevServer:
    """A dev server that answered, on a free port. The server picks its own HTTP, metrics
    and membership ports at random, and any of them (or ours, between the check and its
    bind) may be taken by the time it binds: a start that fails that way is retried on a
    new address rather than failing every test that shares the stack."""
    from cli.devserver import DevServer, DevServerExited

    for attempt in range(1, attempts + 1):
        server = DevServer(db_file=db_file, address=free_address(), log_file=log_file,
                           extra_args=extra_args)
        try:
            await server.wait_ready()
            return server
        except DevServerExited:
            server.stop()
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


@asynccontextmanager
async def running_stack(home: Path, *, prefix: str, persistent: bool = True,
                        extra_args: Sequence[str] = (),
                        database_url: str | None = None) -> AsyncIterator[Stack]:
    """A real dev server on a free port plus an in-process worker, stopped afterwards;
    the store is a SQLite file under `home` unless `database_url` names another."""
    from settings import Settings
    from store.db import make_engine
    from store.migrate import upgrade
    from worker import connect, run_worker

    settings = Settings(home=home, task_queue=f"{prefix}-{uuid.uuid4().hex[:8]}",
                        database_url=database_url)
    server = await started_dev_server(settings.temporal_db_file if persistent else None,
                                      log_file=home / "temporal.log", extra_args=extra_args)
    address = server.address
    engine = make_engine(settings.db_url)
    try:
        client = await connect(address, settings=settings)
        upgrade(engine)
        stop = asyncio.Event()
        task = asyncio.create_task(run_worker(settings, client, stop))
        try:
            yield Stack(address=address, home=home, settings=settings, client=client,
                        engine=engine, worker_task=task)
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)
    finally:
        engine.dispose()
        server.stop()
