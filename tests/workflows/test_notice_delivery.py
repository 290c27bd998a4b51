"""The workflow's own delivery loop: one attempt per activity, each outcome logged once;
and a deadline the calendar cannot plan shows as `attention`, not as endless retries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlmodel import Session
from temporalio.client import WorkflowExecutionStatus

import starter
from domain.vocabulary import Decision, EventKind
from store.queries import list_deliveries, list_events
from tests.activities.activity_samples import WebhookServer, webhook_server
from tests.workflows.conftest import Stack
from tests.workflows.scenario import answer, memo_spec, office_today, sleep_until, state_of


@pytest.fixture
def webhook() -> Iterator[WebhookServer]:
    with webhook_server() as state:
        yield state


def contacts(url: str) -> dict[str, dict[str, str]]:
    return {"component": {"name": "ICE liaison", "webhook": url}}


async def first_reminder(stack: Stack, memo_id: str, url: str) -> tuple[str, date]:
    issued = await office_today(stack.env)
    await starter.issue_memo(stack.client, memo_spec(memo_id, issued, contacts=contacts(url)),
                             task_queue=stack.settings.task_queue)
    reminder_on = issued + timedelta(days=60 - 14)
    await sleep_until(stack.env, reminder_on + timedelta(days=1))
    return f"{memo_id}/reminder:{reminder_on}/component", reminder_on


async def test_failed_attempts_are_retried_with_the_same_key_and_each_logged(
        stack: Stack, webhook: WebhookServer) -> None:
    webhook.answer(500, 500, 200)
    key, _ = await first_reminder(stack, "RETRY-1", webhook.url)

    reminder_hits = [h for h in webhook.hits if h.headers["Idempotency-Key"] == key]
    assert [(h.status, h.headers["Rectrack-Attempt"]) for h in reminder_hits] == [
        (500, "1"), (500, "2"), (200, "3")]
    with Session(stack.engine) as session:
        rows = list_deliveries(session, idempotency_key=key)
    assert [(r.attempt, r.outcome, r.status_code) for r in rows] == [
        (1, "failed", 500), (2, "failed", 500), (3, "delivered", 200)]
    state = await state_of(starter.memo_handle(stack.client, "RETRY-1"))
    assert [(n.key.split(":")[0], n.delivered) for n in state.notices] == [("reminder", True)]


async def test_a_rejected_notice_is_tried_once_and_recorded_as_failed(
        stack: Stack, webhook: WebhookServer) -> None:
    webhook.answer(410)
    key, _ = await first_reminder(stack, "GONE-1", webhook.url)

    assert [h.status for h in webhook.hits if h.headers["Idempotency-Key"] == key] == [410]
    with Session(stack.engine) as session:
        rows = list_deliveries(session, idempotency_key=key)
        failed = [e for e in list_events(session, memo_id="GONE-1")
                  if e.kind == EventKind.NOTICE_FAILED]
    assert [(r.attempt, r.outcome) for r in rows] == [(1, "rejected")]
    assert len(failed) == 1 and failed[0].data["delivered"] is False


async def test_an_unplannable_deadline_needs_attention_instead_of_retrying(
        stack: Stack) -> None:
    issued = await office_today(stack.env)
    # An overdue cadence of ~8,000 years: its first overdue rung lies past year 9999.
    spec = memo_spec("ATTN-1", issued,
                     ladder={"overdue_every_days": 3_000_000, "escalations": []})
    handle = await starter.issue_memo(stack.client, spec, task_queue=stack.settings.task_queue)
    await sleep_until(stack.env, issued + timedelta(days=3))
    await starter.record_response(stack.client, "ATTN-1",
                                  answer(issued + timedelta(days=3), (1, Decision.CONCUR)))
    await sleep_until(stack.env, issued + timedelta(days=5))

    state = await state_of(handle)
    assert state.attention is not None
    assert state.attention.startswith("cannot plan reminders for the response deadline")
    rec = await starter.recommendation_state(stack.client, "ATTN-1", 1)
    assert rec.attention is not None and "action_plan due" in rec.attention
    description = await handle.describe()
    assert description.status is WorkflowExecutionStatus.RUNNING
    assert description.raw_description.pending_activities == []
    with Session(stack.engine) as session:
        kinds = [e.kind for e in list_events(session, memo_id="ATTN-1")]
    assert kinds.count(EventKind.ATTENTION_NEEDED) == 2  # the memo's and recommendation 1's
