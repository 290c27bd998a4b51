"""post_notice makes one attempt and returns its outcome without touching the store;
record_delivery logs each counted attempt once, however often it is retried."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import httpx
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlmodel import Session

from activities.activities import RectrackActivities
from activities.models import AttemptOutcome, DeliveryAttemptRecord, NoticeAttempt
from settings import Settings
from store.queries import list_deliveries
from tests.activities.activity_samples import WebhookServer, activity_env
from tests.activities.test_send_notification import KEY, notice


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


async def test_an_accepted_notice_is_reported_delivered_with_the_store_unreachable(
        http: httpx.AsyncClient, settings: Settings, webhook: WebhookServer) -> None:
    # A store nobody can reach: post_notice must not need it.
    unreachable = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    acts = RectrackActivities(engine=unreachable, http=http, settings=settings)
    outcome = await activity_env().run(acts.post_notice, NoticeAttempt(
        request=notice(webhook.url), attempt=3))
    assert (outcome.outcome, outcome.status_code, outcome.channel) == (
        "delivered", 200, "webhook")
    assert [(h.headers["Idempotency-Key"], h.headers["Rectrack-Attempt"])
            for h in webhook.hits] == [(KEY, "3")]


async def test_failures_come_back_as_outcomes_not_exceptions(
        acts: RectrackActivities, webhook: WebhookServer) -> None:
    webhook.answer(503, 410)
    busy = await activity_env().run(acts.post_notice, NoticeAttempt(
        request=notice(webhook.url), attempt=1))
    gone = await activity_env().run(acts.post_notice, NoticeAttempt(
        request=notice(webhook.url), attempt=2))
    refused = await activity_env().run(acts.post_notice, NoticeAttempt(
        request=notice(closed_port_url()), attempt=3))
    assert (busy.outcome, busy.status_code, busy.retry_after_seconds) == ("failed", 503, 7)
    assert (gone.outcome, gone.status_code, gone.retry_after_seconds) == ("rejected", 410, None)
    assert refused.outcome == "failed" and refused.error is not None
    assert "ConnectError" in refused.error


async def test_a_contact_without_webhook_is_logged(acts: RectrackActivities) -> None:
    outcome = await activity_env().run(acts.post_notice, NoticeAttempt(
        request=notice(None), attempt=1))
    assert (outcome.outcome, outcome.channel, outcome.target) == ("delivered", "log", None)


async def test_record_delivery_writes_each_attempt_once(acts: RectrackActivities,
                                                        engine: Engine) -> None:
    at = datetime(2026, 11, 30, 14, tzinfo=UTC)
    failed = DeliveryAttemptRecord(request=notice("http://127.0.0.1:9/hook"), attempt=1, at=at,
                                   outcome=AttemptOutcome(outcome="failed", channel="webhook",
                                                          status_code=500, error="HTTP 500"))
    delivered = failed.model_copy(update={"attempt": 2, "outcome": AttemptOutcome(
        outcome="delivered", channel="webhook", status_code=200)})
    results = [await activity_env().run(acts.record_delivery, record)
               for record in (failed, failed, delivered, delivered)]
    assert [r.duplicate for r in results] == [False, True, False, True]
    with Session(engine) as session:
        rows = list_deliveries(session, idempotency_key=KEY)
    assert [(r.attempt, r.outcome, r.status_code, r.attempt_key, r.at) for r in rows] == [
        (1, "failed", 500, f"{KEY}#1", at), (2, "delivered", 200, f"{KEY}#2", at)]
