"""The rectrack worker: hosts the workflows and the activities on one task queue."""

from __future__ import annotations

import asyncio
import logging

import httpx
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import Runtime
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.activities import RectrackActivities
from app import temporal
from app.encryption import data_converter
from settings import DEFAULT_CACHED_WORKFLOWS, Settings
from store.db import make_engine
from store.migrate import upgrade
from store.reachable import when_reachable
from workflows.memo import MemoWorkflow
from workflows.recommendation import RecommendationWorkflow

WORKFLOWS = [MemoWorkflow, RecommendationWorkflow]


async def connect(target_host: str | None = None, *, settings: Settings | None = None,
                  runtime: Runtime | None = None) -> Client:
    """A client from TEMPORAL_* settings (or profile) unless given a host, with the
    pydantic converter, encrypting payloads when `settings` configure keys
    (app.encryption), traced when they configure tracing, and `runtime` (the metrics
    runtime, app.telemetry.worker_runtime) when given: see app.temporal.connect."""
    converter = data_converter(settings) if settings is not None else pydantic_data_converter
    return await temporal.connect(settings or Settings(), data_converter=converter,
                                  target_host=target_host, runtime=runtime)


# Modules the sandbox shares between workflow instances instead of re-importing them for
# each one (pydantic and the standard library are passed through already). The domain
# imports no other project package (tests/unit/test_architecture.py) and holds no mutable
# module state. The workflow modules hold none either; passing them through saves the
# re-import that every new or evicted workflow instance paid (a third of its creation
# cost, bench/README.md "Levers"), and since the sandbox no longer restricts their calls,
# tests/unit/test_workflow_determinism.py refuses clock, I/O and random calls in them.
PASSTHROUGH_MODULES = ("domain", "workflows")


def workflow_runner() -> SandboxedWorkflowRunner:
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH_MODULES))


def build_worker(client: Client, activities: RectrackActivities, *, task_queue: str,
                 max_cached_workflows: int = DEFAULT_CACHED_WORKFLOWS) -> Worker:
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        workflow_runner=workflow_runner(),
        max_cached_workflows=max_cached_workflows,
        activities=[activities.record_event, activities.post_notice,
                    activities.record_delivery, activities.plan_deadline,
                    activities.plan_clocks,
                    # for workflows started before notice-once-v1
                    activities.send_notification],
    )


async def run_worker(settings: Settings, client: Client, stop: asyncio.Event) -> None:
    """Run until `stop` is set; the store is first upgraded to the newest schema
    (store.migrate: a no-op at head, locked against other processes starting at once),
    waiting up to `store_start_patience_seconds` for a store that refuses connections."""
    engine = make_engine(settings.db_url,
                         sqlite_busy_timeout=settings.sqlite_busy_timeout_seconds)
    done = await asyncio.to_thread(when_reachable, lambda: upgrade(engine),
                                   patience=settings.store_start_patience_seconds)
    logging.getLogger(__name__).info("store schema: %s", done.describe().replace("\n", "; "))
    async with httpx.AsyncClient(timeout=settings.webhook_timeout_seconds) as http:
        activities = RectrackActivities(engine=engine, http=http, settings=settings)
        async with build_worker(client, activities, task_queue=settings.task_queue,
                                max_cached_workflows=settings.worker_cached_workflows):
            logging.getLogger("rectrack").info("worker polling task queue %r",
                                               settings.task_queue)
            await stop.wait()
    engine.dispose()
