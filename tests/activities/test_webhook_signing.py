"""Signed webhooks (Standard Webhooks): the signature matches the specification's vector
and the reference library, a real receiver verifies each attempt, and a wrong signature or
a stale timestamp is rejected; a malformed secrets file stops the worker at start."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from standardwebhooks.webhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError as ReferenceVerificationError

from activities.activities import RectrackActivities
from activities.models import NoticeAttempt
from activities.webhook_signing import (
    WebhookSecretsError,
    WebhookVerificationError,
    signature,
    signed_headers,
    verify,
)
from settings import Settings
from tests.activities.activity_samples import WebhookServer, activity_env
from tests.activities.test_send_notification import KEY, notice

SECRET = "whsec_" + base64.b64encode(b"rectrack test secret, 32 bytes!!").decode()


def test_the_signature_matches_the_specifications_vector() -> None:
    # The vector of the Standard Webhooks specification's reference libraries.
    assert signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                     1614265330, b'{"test": 2432232314}') == \
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_a_wrong_signature_or_a_stale_timestamp_is_rejected() -> None:
    body = b'{"memo_id":"M-1"}'
    now = time.time()
    good = signed_headers(SECRET, "M-1/reminder:2026-12-01/component", body, now=now)
    verify(SECRET, good, body, now=now)
    Webhook(SECRET).verify(body, good)  # the reference library agrees
    tampered = {**good, "webhook-signature": signature(SECRET, "other-id", int(now), body)}
    stale = signed_headers(SECRET, "M-1", body, now=now - 3600)
    for bad in (tampered, stale, {k: v for k, v in good.items() if k != "webhook-signature"}):
        with pytest.raises(WebhookVerificationError):
            verify(SECRET, bad, body, now=now)
        with pytest.raises(ReferenceVerificationError):
            Webhook(SECRET).verify(body, bad)
    with pytest.raises(WebhookVerificationError):
        verify(SECRET, good, body + b" ", now=now)  # the body changed


async def test_each_attempt_is_signed_for_its_recipient(
        http: httpx.AsyncClient, tmp_path: Path, webhook: WebhookServer) -> None:
    secrets = tmp_path / "webhook-secrets"
    secrets.write_text(f"# the component's receiver\n{webhook.url} {SECRET}\n")
    acts = RectrackActivities(engine=None, http=http,  # type: ignore[arg-type]
                              settings=Settings(home=tmp_path))
    for attempt in (1, 2):
        await activity_env().run(acts.post_notice, NoticeAttempt(
            request=notice(webhook.url), attempt=attempt))
    assert [h.headers["webhook-id"] for h in webhook.hits] == [KEY, KEY]  # dedupe key
    for hit in webhook.hits:
        assert Webhook(SECRET).verify(hit.raw, hit.headers) == hit.body
    stamp = int(webhook.hits[0].headers["webhook-timestamp"])
    assert abs(datetime.now(UTC).timestamp() - stamp) < 60


async def test_without_a_secret_the_webhook_goes_unsigned(
        http: httpx.AsyncClient, tmp_path: Path, webhook: WebhookServer) -> None:
    acts = RectrackActivities(engine=None, http=http,  # type: ignore[arg-type]
                              settings=Settings(home=tmp_path))
    await activity_env().run(acts.post_notice, NoticeAttempt(request=notice(webhook.url),
                                                             attempt=1))
    [hit] = webhook.hits
    assert hit.headers["webhook-id"] == KEY and "webhook-signature" not in hit.headers


def test_a_malformed_secrets_file_stops_the_worker_at_start(tmp_path: Path) -> None:
    bad = tmp_path / "secrets"
    bad.write_text("https://receiver.example/hook not-a-secret!\n")
    with pytest.raises(WebhookSecretsError, match="not whsec_"):
        RectrackActivities(engine=None, http=None,  # type: ignore[arg-type]
                           settings=Settings(home=tmp_path, webhook_secrets_file=bad))
