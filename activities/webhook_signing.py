"""Signed webhooks, to the Standard Webhooks specification (standardwebhooks.com).

Every webhook notice carries `webhook-id` (its Idempotency-Key: the same on every
attempt, so a receiver dedupes on it), `webhook-timestamp` (seconds, this attempt) and,
when the recipient has a secret, `webhook-signature`: `v1,` + base64 of HMAC-SHA256 over
`{id}.{timestamp}.{body}` keyed by the secret (`whsec_` + base64). Secrets are per
recipient webhook URL, read by the worker from `RECTRACK_WEBHOOK_SECRETS_FILE` (default
`RECTRACK_HOME/webhook-secrets` when it exists; one `URL whsec_...` per line), never
from memo files, so they are in no workflow history.

A receiver verifies with any Standard Webhooks library, or with `verify` here: a missing
or wrong signature, or a timestamp more than `TOLERANCE` from now, raises
`WebhookVerificationError`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Mapping
from pathlib import Path

SECRET_PREFIX = "whsec_"
TOLERANCE_SECONDS = 5 * 60


class WebhookVerificationError(ValueError):
    """A webhook whose signature or timestamp does not hold."""


class WebhookSecretsError(ValueError):
    """The secrets file cannot be used (a clear start-up error)."""


def _key(secret: str) -> bytes:
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookSecretsError("a webhook secret is not whsec_ + base64") from None
    if len(key) < 16:
        raise WebhookSecretsError("a webhook secret must hold at least 16 bytes")
    return key


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()
                                    ).decode()


def signed_headers(secret: str | None, msg_id: str, body: bytes,
                   now: float | None = None) -> dict[str, str]:
    """The Standard Webhooks headers for one attempt (no signature without a secret)."""
    timestamp = int(now if now is not None else time.time())
    headers = {"webhook-id": msg_id, "webhook-timestamp": str(timestamp)}
    if secret is not None:
        headers["webhook-signature"] = signature(secret, msg_id, timestamp, body)
    return headers


def verify(secret: str, headers: Mapping[str, str], body: bytes,
           now: float | None = None) -> None:
    """Raise WebhookVerificationError unless the headers sign `body` with `secret`, and the
    timestamp is within TOLERANCE_SECONDS of `now`."""
    lower = {k.lower(): v for k, v in headers.items()}
    msg_id, stamp = lower.get("webhook-id"), lower.get("webhook-timestamp", "")
    signatures = lower.get("webhook-signature", "").split()
    if not msg_id or not stamp.isdigit() or not signatures:
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or "
                                       "webhook-signature")
    if abs((now if now is not None else time.time()) - int(stamp)) > TOLERANCE_SECONDS:
        raise WebhookVerificationError("timestamp too old or too new")
    expected = signature(secret, msg_id, int(stamp), body)
    if not any(hmac.compare_digest(expected, given) for given in signatures):
        raise WebhookVerificationError("no matching signature")


def load_secrets(path: Path) -> dict[str, str]:
    """`URL whsec_...` per line (blank lines and `#` comments ignored)."""
    secrets: dict[str, str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        url, _, secret = line.strip().partition(" ")
        if not secret.strip():
            raise WebhookSecretsError(f"{path}: line {n} is not `URL whsec_...`")
        _key(secret.strip())
        secrets[url] = secret.strip()
    return secrets
