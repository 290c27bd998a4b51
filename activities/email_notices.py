"""E-mail notices by SMTP: one attempt, and what it came to, as for a webhook.

Offices whose recipients have no webhook still need their notices delivered, and recorded,
not only written to the worker's log. Once `RECTRACK_SMTP_HOST` is set, a contact with an
e-mail address and no webhook gets them by mail (`activities.notices` picks the channel).

Each attempt is one SMTP session, in a thread so the worker's event loop stays free:
STARTTLS verifying the server's certificate (the system CAs, or `RECTRACK_SMTP_CA_FILE`
for an office's private CA), AUTH when a user is configured, then the message.

Idempotency as for webhooks: the notice's idempotency key is the message's `Message-ID`
(`<key@sender-domain>`, percent-encoded where RFC 5322 needs it) and its `Idempotency-Key`
header, the same on every attempt, so a resent message is recognisably the same notice.

Outcomes: `delivered` once the server accepts the message; `failed` (the workflow retries
it) on a bad login, a connection, TLS or timeout error, or a 4xx reply; `rejected` (final)
when the server refuses the recipient or the message with a 5xx reply. The error text
goes into workflow history and the delivery log, so it never carries the password.
Configuration and behaviour for operators: docs/email.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr
from typing import Literal
from urllib.parse import quote

from activities.models import AttemptOutcome, NoticeRequest
from settings import Settings
from store.tables import Channel

MAX_ERROR_TEXT = 500  # as for webhooks
# RFC 5322 `atext` less `%`: what a Message-ID's left part may hold without encoding.
# (`quote` keeps `.` whatever it is told; it is encoded after, as a dot-atom may not start,
# end or double it.)
MESSAGE_ID_SAFE = "!#$&'*+-/=?^_`{|}~"


class SmtpSettingsError(ValueError):
    """The SMTP settings cannot be used (a clear start-up error)."""


@dataclass(frozen=True)
class SmtpConfig:
    """What one SMTP session needs, resolved once when the worker starts."""

    host: str
    port: int
    tls: ssl.SSLContext | None  # None: no STARTTLS
    user: str | None
    password: str | None = field(repr=False)
    sender: str  # the From header, e.g. `Rectrack <rectrack@office.example>`
    timeout: float


def smtp_config(settings: Settings) -> SmtpConfig | None:
    """The SMTP session settings, or None while `RECTRACK_SMTP_HOST` is unset (no e-mail)."""
    if not settings.smtp_host:
        return None
    password = settings.smtp_password
    if settings.smtp_password_file is not None:
        try:
            text = settings.smtp_password_file.read_text(encoding="utf-8")
        except OSError as error:
            raise SmtpSettingsError(f"{settings.smtp_password_file}: cannot read "
                                    f"({error.strerror})") from None
        password = next(iter(text.splitlines()), None)  # the first line, as it is
    if settings.smtp_user and not password:
        raise SmtpSettingsError("RECTRACK_SMTP_USER is set but no RECTRACK_SMTP_PASSWORD "
                                "or RECTRACK_SMTP_PASSWORD_FILE")
    if settings.smtp_user and not settings.smtp_starttls and not loopback(settings.smtp_host):
        raise SmtpSettingsError("RECTRACK_SMTP_USER without STARTTLS would send the "
                                f"password in clear to {settings.smtp_host}")
    if "@" not in parseaddr(settings.smtp_from)[1]:
        raise SmtpSettingsError(f"RECTRACK_SMTP_FROM {settings.smtp_from!r} is no address")
    return SmtpConfig(
        host=settings.smtp_host, port=settings.smtp_port,
        tls=tls_context(settings) if settings.smtp_starttls else None,
        user=settings.smtp_user or None, password=password, sender=settings.smtp_from,
        timeout=settings.smtp_timeout_seconds)


def tls_context(settings: Settings) -> ssl.SSLContext:
    """Verifies the server's certificate and name: against the CA file when one is set
    (and then only against it), else against the system's CAs."""
    ca_file = settings.smtp_ca_file
    try:
        return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    except (OSError, ssl.SSLError) as error:
        raise SmtpSettingsError(f"RECTRACK_SMTP_CA_FILE {ca_file}: {error}") from None


def loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


# -- the message ----------------------------------------------------------------------------


def message_id(idempotency_key: str, sender: str) -> str:
    """`<key@domain>`: the key percent-encoded where RFC 5322 needs it, the sender's domain."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    left = quote(idempotency_key, safe=MESSAGE_ID_SAFE).replace(".", "%2E")
    return f"<{left}@{domain}>"


def notice_message(request: NoticeRequest, name: str, address: str, attempt: int, *,
                   sender: str) -> EmailMessage:
    """The notice as a plain-text message; raises ValueError for an unusable header."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((name, address))
    message["Subject"] = request.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id(request.idempotency_key, sender)
    message["Idempotency-Key"] = request.idempotency_key
    message["Rectrack-Attempt"] = str(attempt)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    message.set_content(notice_text(request, name, address))
    return message


def notice_text(request: NoticeRequest, name: str, address: str) -> str:
    """The facts a webhook body carries, one per line."""
    payload = request.model_dump(mode="json", include={"payload"})["payload"]
    lines = [request.subject, "",
             f"memo: {request.memo_id}", f"kind: {request.kind.value}",
             f"role: {request.role}", f"recipient: {formataddr((name, address))}",
             *(f"{key}: {json.dumps(value)}" for key, value in payload.items()),
             "", f"idempotency key: {request.idempotency_key}",
             "A message with the same Message-ID is this notice, sent again.", ""]
    return "\n".join(lines)


# -- one attempt ----------------------------------------------------------------------------


async def send_email_notice(config: SmtpConfig, request: NoticeRequest, name: str,
                            address: str, attempt: int) -> AttemptOutcome:
    """One SMTP session and what it came to; raises nothing for a failure."""
    try:
        message = notice_message(request, name, address, attempt, sender=config.sender)
    except ValueError as error:  # the same headers on every attempt
        return _outcome("rejected", address, None, f"unusable message: {error}", config)
    try:
        await asyncio.to_thread(send_message, config, message)
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()), (None, b""))
        final = code is not None and 500 <= code < 600
        return _outcome("rejected" if final else "failed", address, code,
                        f"{type(error).__name__}: {code} {_text(reply)}", config)
    except smtplib.SMTPResponseException as error:  # a bad login, refused sender, data, ...
        final = isinstance(error, smtplib.SMTPDataError) and 500 <= error.smtp_code < 600
        return _outcome("rejected" if final else "failed", address, error.smtp_code,
                        f"{type(error).__name__}: {error.smtp_code} {_text(error.smtp_error)}",
                        config)
    except (smtplib.SMTPException, OSError) as error:  # refused, TLS, timeout, disconnected
        return _outcome("failed", address, None, f"{type(error).__name__}: {error}", config)
    return AttemptOutcome(outcome="delivered", channel=Channel.EMAIL, target=address,
                          status_code=250)


def send_message(config: SmtpConfig, message: EmailMessage) -> None:
    """Blocking: connect, STARTTLS, AUTH, send; QUIT whatever happened."""
    smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    try:
        if config.tls is not None:
            smtp.starttls(context=config.tls)
        if config.user is not None:
            smtp.login(config.user, config.password or "")
        smtp.send_message(message)
    finally:
        # Once the message is accepted, a failed QUIT must not turn it into a resend.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.quit()
        smtp.close()


def _outcome(outcome: Literal["failed", "rejected"], address: str, code: int | None,
             error: str, config: SmtpConfig) -> AttemptOutcome:
    if config.password:  # a server may echo what it was sent
        error = error.replace(config.password, "***")
    return AttemptOutcome(outcome=outcome, channel=Channel.EMAIL, target=address,
                          status_code=code, error=error[:MAX_ERROR_TEXT])


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply
