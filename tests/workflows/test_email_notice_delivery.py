"""E-mail notices through the workflow's own delivery loop: a bad SMTP login fails the
attempt with a recorded error, the workflow retries per its policy with the same
Message-ID, and once the login works the notice is delivered exactly once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

import starter
from activities.activities import RectrackActivities
from store.migrate import upgrade
from store.queries import list_deliveries
from tests.activities.test_email_notice import SmtpReceiver, smtp_receiver
from tests.workflows.conftest import Stack
from tests.workflows.scenario import memo_spec, office_today, sleep_until, state_of
from worker import build_worker


@pytest.fixture
async def email_stack(time_env: WorkflowEnvironment,
                      tmp_path: Path) -> AsyncIterator[tuple[Stack, SmtpReceiver]]:
    """The worker of the `stack` fixture, with SMTP configured (STARTTLS, AUTH)."""
    with smtp_receiver(tmp_path / "smtp") as smtp:
        settings = smtp.settings(tmp_path, task_queue=f"tq-{uuid.uuid4()}")
        stack = Stack(time_env, settings)
        upgrade(stack.engine)
        async with httpx.AsyncClient() as http:
            activities = RectrackActivities(engine=stack.engine, http=http, settings=settings)
            async with build_worker(time_env.client, activities,
                                    task_queue=settings.task_queue):
                yield stack, smtp
        stack.engine.dispose()


async def test_a_bad_login_is_retried_until_fixed_and_the_mail_sent_once(
        email_stack: tuple[Stack, SmtpReceiver]) -> None:
    stack, smtp = email_stack
    issued = await office_today(stack.env)
    # memo_spec's component contact has an e-mail address and no webhook.
    await starter.issue_memo(stack.client, memo_spec("MAIL-1", issued),
                             task_queue=stack.settings.task_queue)
    reminder_on = issued + timedelta(days=60 - 14)
    await sleep_until(stack.env, reminder_on - timedelta(days=1))
    smtp.bad_sessions = len(smtp.sessions) + 2  # the reminder's first two logins fail
    await sleep_until(stack.env, reminder_on + timedelta(days=1))

    key = f"MAIL-1/reminder:{reminder_on}/component"
    with Session(stack.engine) as session:
        rows = list_deliveries(session, idempotency_key=key)
    assert [(r.attempt, r.channel, r.outcome, r.status_code) for r in rows] == [
        (1, "email", "failed", 535), (2, "email", "failed", 535),
        (3, "email", "delivered", 250)]
    assert all(r.error and r.error.startswith("SMTPAuthenticationError: 535")
               for r in rows[:2])
    sent = [m for m in smtp.messages if m["Idempotency-Key"] == key]
    assert [m["Rectrack-Attempt"] for m in sent] == ["3"]
    assert sent[0]["Message-ID"].strip() == (
        f"<MAIL-1/reminder%3A{reminder_on}/component@oversight.example>")
    state = await state_of(starter.memo_handle(stack.client, "MAIL-1"))
    assert [(n.key.split(":")[0], n.delivered) for n in state.notices] == [("reminder", True)]
