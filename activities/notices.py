"""Notice delivery, one attempt at a time, with the outcome returned before the store is
touched.

The workflow counts attempts and drives retries itself (`workflows/notices.py`):
`post_notice` makes exactly one attempt and returns what it came to (delivered, failed,
rejected) as its result, so the outcome is durable in workflow history the moment the
activity completes. `record_delivery` then writes that attempt to the delivery log as its
own retried step, idempotent on `<idempotency_key>#<attempt>`. A locked or unreachable
store can only delay the log, never cause a second POST. Only a worker lost between the
POST and the activity's completion can resend, with the same `Idempotency-Key`.

The channel: a contact's webhook; else its e-mail address, once SMTP is configured
(`activities.email_notices`, the key as `Message-ID`); else the worker's log.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio import activity

from activities.email_notices import SmtpConfig, send_email_notice
from activities.models import (
    AttemptOutcome,
    DeliveryAttemptRecord,
    NoticeAttempt,
    NoticeRequest,
    RecordResult,
)
from activities.webhook_signing import WebhookSecretsError, load_secrets, signed_headers
from domain.memo import Contact
from settings import Settings
from store.deliveries import record_attempt
from store.tables import Channel, DeliveryCreate

notice_logger = logging.getLogger("rectrack.notices")

RETRYABLE_CLIENT_ERRORS = frozenset({408, 429})
MAX_ERROR_TEXT = 500


class NoticeDelivery:
    """`post_notice` and `record_delivery`, sharing the engine, HTTP client and settings."""

    _engine: Engine
    _http: httpx.AsyncClient
    _settings: Settings
    _webhook_secrets: dict[str, str]  # webhook URL -> its whsec_ secret
    _smtp: SmtpConfig | None  # None: no e-mail notices

    @activity.defn(name="post_notice")
    async def post_notice(self, attempt: NoticeAttempt) -> AttemptOutcome:
        return await self._attempt(attempt.request, attempt.attempt)

    async def _attempt(self, request: NoticeRequest, attempt: int) -> AttemptOutcome:
        """One POST, e-mail or log line and what it came to; raises nothing for a failure."""
        contact = request.contact
        channel, target = notice_route(contact, email_on=self._smtp is not None)
        if contact is None or target is None:
            notice_logger.info(notice_line(request))
            return AttemptOutcome(outcome="delivered", channel=Channel.LOG)
        if channel is Channel.EMAIL and self._smtp is not None:
            return await send_email_notice(self._smtp, request, contact.name, target, attempt)
        return await self._post_webhook(request, contact, target, attempt)

    async def _post_webhook(self, request: NoticeRequest, contact: Contact, url: str,
                            attempt: int) -> AttemptOutcome:
        # The exact bytes sent are the bytes signed (Standard Webhooks, webhook_signing).
        body = json.dumps(webhook_body(request, contact), separators=(",", ":")).encode()
        headers = {"Idempotency-Key": request.idempotency_key,
                   "Rectrack-Attempt": str(attempt), "Content-Type": "application/json",
                   **signed_headers(self._webhook_secrets.get(url),
                                    request.idempotency_key, body)}
        try:
            response = await self._http.post(
                url, content=body, headers=headers,
                timeout=self._settings.webhook_timeout_seconds)
        except httpx.HTTPError as err:  # connection refused, timeouts, protocol errors
            return AttemptOutcome(outcome="failed", channel=Channel.WEBHOOK, target=url,
                                  error=f"{type(err).__name__}: {err}"[:MAX_ERROR_TEXT])
        code = response.status_code
        if response.is_success:
            return AttemptOutcome(outcome="delivered", channel=Channel.WEBHOOK,
                                  target=url, status_code=code)
        error = f"HTTP {code}: {response.text}"[:MAX_ERROR_TEXT]
        final = 400 <= code < 500 and code not in RETRYABLE_CLIENT_ERRORS
        delay = retry_after(response)
        return AttemptOutcome(
            outcome="rejected" if final else "failed", channel=Channel.WEBHOOK,
            target=url, status_code=code, error=error,
            retry_after_seconds=None if final or delay is None else int(delay.total_seconds()))

    @activity.defn(name="record_delivery")
    async def record_delivery(self, record: DeliveryAttemptRecord) -> RecordResult:
        request, outcome = record.request, record.outcome
        if outcome.outcome == "unknown":  # the workflow could only guess the channel
            channel, target = notice_route(request.contact, email_on=self._smtp is not None)
            outcome = outcome.model_copy(update={"channel": channel, "target": target})
        attempt_key = f"{request.idempotency_key}#{record.attempt}"
        delivery_in = DeliveryCreate(
            idempotency_key=request.idempotency_key, memo_id=request.memo_id,
            kind=request.kind.value, role=request.role, channel=outcome.channel,
            target=outcome.target, attempt=record.attempt, outcome=outcome.outcome,
            status_code=outcome.status_code, error=outcome.error, at=record.at,
            attempt_key=attempt_key)
        duplicate = await asyncio.to_thread(self._record_attempt, delivery_in)
        return RecordResult(event_id=attempt_key, duplicate=duplicate)

    def _record_attempt(self, delivery_in: DeliveryCreate) -> bool:
        with Session(self._engine) as session:
            return record_attempt(session, delivery_in=delivery_in)[1]


def notice_route(contact: Contact | None, *, email_on: bool) -> tuple[Channel, str | None]:
    """The channel a notice to `contact` goes by and its target: the contact's webhook;
    else its e-mail address when SMTP is configured (`email_on`); else the log (None)."""
    if contact is not None and contact.webhook is not None:
        return Channel.WEBHOOK, contact.webhook
    if contact is not None and contact.email and email_on:
        return Channel.EMAIL, contact.email
    return Channel.LOG, None


def notice_line(request: NoticeRequest) -> str:
    """`NOTICE <kind> to <role> (<name> <email>): <subject>` for the log channel."""
    contact = request.contact
    who = " ".join(p for p in (contact.name, contact.email) if p) if contact else "no contact"
    return f"NOTICE {request.kind.value} to {request.role} ({who}): {request.subject}"


def webhook_body(request: NoticeRequest, contact: Contact) -> dict[str, Any]:
    dumped = request.model_dump(mode="json", include={"payload"})
    return {
        "idempotency_key": request.idempotency_key,
        "memo_id": request.memo_id,
        "kind": request.kind.value,
        "role": request.role,
        "recipient": {"name": contact.name, "email": contact.email},
        "subject": request.subject,
        "payload": dumped["payload"],
    }


def retry_after(response: httpx.Response) -> timedelta | None:
    """The server's `Retry-After` in seconds (0-3600), if it sent a usable one."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit() and int(value) <= 3600:
        return timedelta(seconds=int(value))
    return None


def webhook_secrets(settings: Settings) -> dict[str, str]:
    """Each recipient URL's secret, from RECTRACK_WEBHOOK_SECRETS_FILE or, when it exists,
    RECTRACK_HOME/webhook-secrets; none configured: webhooks go out unsigned."""
    path = settings.webhook_secrets_file or settings.home / "webhook-secrets"
    if settings.webhook_secrets_file is None and not path.exists():
        return {}
    try:
        return load_secrets(path)
    except OSError as error:
        raise WebhookSecretsError(f"{path}: cannot read ({error.strerror})") from None
