"""send_notification against a real HTTP server: retries, idempotency, the log channel."""

from __future__ import annotations

import logging
import socket
from datetime import timedelta

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.exceptions import ApplicationError

from activities.activities import RectrackActivities
from activities.models import NoticeRequest
from domain.memo import Contact
from domain.vocabulary import NoticeKind
from settings import Settings
from store.queries import list_deliveries
from store.tables import DeliveryPublic
from tests.activities.activity_samples import MEMO_ID, WebhookServer, activity_env

KEY = f"{MEMO_ID}/overdue:2022-12-06/component"


def notice(webhook: str | None, *, contact: bool = True) -> NoticeRequest:
    return NoticeRequest(
        idempotency_key=KEY, memo_id=MEMO_ID, kind=NoticeKind.OVERDUE, role="component",
        contact=Contact(name="ICE liaison", email="liaison@component.example",
                        webhook=webhook) if contact else None,
        subject=f"{MEMO_ID}: response overdue since 2022-11-29",
        payload={"due_on": "2022-11-29", "numbers": [1, 2, 3]},
    )


def deliveries(engine: Engine) -> list[DeliveryPublic]:
    with Session(engine) as session:
        return list_deliveries(session, idempotency_key=KEY)


def rows(engine: Engine) -> list[tuple[int, str, str, int | None]]:
    return [(d.attempt, d.channel, d.outcome, d.status_code) for d in deliveries(engine)]


async def test_500_then_200_on_retry_uses_the_same_idempotency_key(
    acts: RectrackActivities, engine: Engine, webhook: WebhookServer
) -> None:
    webhook.answer(500, 200)
    request = notice(webhook.url)

    with pytest.raises(ApplicationError) as failed:
        await activity_env(attempt=1).run(acts.send_notification, request)
    assert not failed.value.non_retryable
    assert failed.value.type == "NoticeDeliveryFailed"
    result = await activity_env(attempt=2).run(acts.send_notification, request)

    assert (result.channel, result.status_code, result.duplicate) == ("webhook", 200, False)
    assert [h.status for h in webhook.hits] == [500, 200]
    assert [h.headers["Idempotency-Key"] for h in webhook.hits] == [KEY, KEY]
    assert webhook.hits[0].body == webhook.hits[1].body == {
        "idempotency_key": KEY, "memo_id": MEMO_ID, "kind": "overdue", "role": "component",
        "recipient": {"name": "ICE liaison", "email": "liaison@component.example"},
        "subject": f"{MEMO_ID}: response overdue since 2022-11-29",
        "payload": {"due_on": "2022-11-29", "numbers": [1, 2, 3]},
    }
    assert rows(engine) == [(1, "webhook", "failed", 500), (2, "webhook", "delivered", 200)]
    first = deliveries(engine)[0]
    assert first.target == webhook.url and first.error and "HTTP 500" in first.error
    assert first.at.tzinfo is not None


async def test_retry_after_success_does_not_post_again(
    acts: RectrackActivities, engine: Engine, webhook: WebhookServer
) -> None:
    request = notice(webhook.url)
    first = await activity_env(attempt=1).run(acts.send_notification, request)
    again = await activity_env(attempt=2).run(acts.send_notification, request)

    assert (first.duplicate, again.duplicate) == (False, True)
    assert (again.channel, again.status_code) == ("webhook", 200)
    assert [h.status for h in webhook.hits] == [200]  # exactly one request reached the server
    assert rows(engine) == [(1, "webhook", "delivered", 200),
                            (2, "webhook", "skipped_duplicate", 200)]


async def test_400_is_rejected_and_not_retryable(
    acts: RectrackActivities, engine: Engine, webhook: WebhookServer
) -> None:
    webhook.answer(400)
    with pytest.raises(ApplicationError) as rejected:
        await activity_env().run(acts.send_notification, notice(webhook.url))
    assert rejected.value.non_retryable
    assert rejected.value.type == "NoticeRejected"
    assert rows(engine) == [(1, "webhook", "rejected", 400)]


@pytest.mark.parametrize(("status", "retry_delay"), [
    (408, None), (429, timedelta(seconds=7)), (503, timedelta(seconds=7)),
])
async def test_408_429_and_5xx_are_retryable(
    acts: RectrackActivities, engine: Engine, webhook: WebhookServer,
    status: int, retry_delay: timedelta | None,
) -> None:
    webhook.answer(status)
    with pytest.raises(ApplicationError) as failed:
        await activity_env().run(acts.send_notification, notice(webhook.url))
    assert not failed.value.non_retryable
    assert failed.value.type == "NoticeDeliveryFailed"
    assert failed.value.next_retry_delay == retry_delay  # the server's Retry-After
    assert rows(engine) == [(1, "webhook", "failed", status)]


async def test_connection_refused_is_retryable(
    acts: RectrackActivities, engine: Engine
) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ApplicationError) as failed:
        await activity_env(attempt=3).run(acts.send_notification,
                                          notice(f"http://127.0.0.1:{port}/hook"))
    assert not failed.value.non_retryable
    [row] = deliveries(engine)
    assert (row.attempt, row.outcome, row.status_code) == (3, "failed", None)
    assert row.error and row.error.startswith("ConnectError")


async def test_timeout_is_retryable(
    engine: Engine, http: httpx.AsyncClient, webhook: WebhookServer
) -> None:
    acts = RectrackActivities(engine=engine, http=http,
                              settings=Settings(webhook_timeout_seconds=0.2))
    webhook.delay = 5.0  # released when the server stops
    with pytest.raises(ApplicationError) as failed:
        await activity_env().run(acts.send_notification, notice(webhook.url))
    assert not failed.value.non_retryable
    [row] = deliveries(engine)
    assert row.outcome == "failed" and row.error and "Timeout" in row.error


@pytest.mark.parametrize("has_contact", [True, False])
async def test_log_channel_writes_the_line_and_records_a_row(
    acts: RectrackActivities, engine: Engine, caplog: pytest.LogCaptureFixture,
    has_contact: bool,
) -> None:
    request = notice(None, contact=has_contact)
    who = "ICE liaison liaison@component.example" if has_contact else "no contact"
    line = f"NOTICE overdue to component ({who}): {MEMO_ID}: response overdue since 2022-11-29"

    with caplog.at_level(logging.INFO, logger="rectrack.notices"):
        result = await activity_env().run(acts.send_notification, request)

    assert (result.channel, result.status_code, result.duplicate) == ("log", None, False)
    assert [r.getMessage() for r in caplog.records if r.name == "rectrack.notices"] == [line]
    [row] = deliveries(engine)
    assert (row.channel, row.outcome, row.target, row.role, row.kind) == (
        "log", "delivered", None, "component", "overdue")
