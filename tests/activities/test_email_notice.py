"""E-mail notices against a real SMTP server (aiosmtpd on 127.0.0.1) that requires STARTTLS,
with a certificate from a private CA generated here, and AUTH: the key as Message-ID,
the delivery log as for webhooks, a bad login a recorded and retried failure."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from activities.activities import RectrackActivities
from activities.email_notices import SmtpSettingsError, message_id
from activities.models import AttemptOutcome, DeliveryAttemptRecord, NoticeAttempt
from settings import Settings
from tests.activities.activity_samples import MEMO_ID, WebhookServer, activity_env, server_tls
from tests.activities.test_send_notification import KEY, deliveries, notice

ADDRESS = "liaison@component.example"  # the e-mail address of `notice()`'s contact
SENDER = "Rectrack <rectrack@oversight.example>"
PASSWORD = "correct-horse-battery-staple"
AT = datetime(2026, 11, 30, 14, tzinfo=UTC)


# -- a real SMTP server ---------------------------------------------------------------------


@dataclass
class SmtpReceiver:
    """What the server received; `refuse` maps a recipient to the reply refusing it, and the
    logins of the first `bad_sessions` sessions are refused even with the right password
    (the account is then fixed). smtplib tries each mechanism (PLAIN, then LOGIN) in turn."""

    port: int
    ca_file: Path
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[tuple[str, bool]] = field(default_factory=list)  # (user, accepted)
    refuse: dict[str, str] = field(default_factory=dict)
    bad_sessions: int = 0
    sessions: list[Session] = field(default_factory=list)

    def settings(self, home: Path, **overrides: Any) -> Settings:
        """A worker's settings for this server: STARTTLS against its CA, AUTH."""
        values: dict[str, Any] = {
            "home": home, "smtp_host": "127.0.0.1", "smtp_port": self.port,
            "smtp_ca_file": self.ca_file, "smtp_user": "rectrack", "smtp_password": PASSWORD,
            "smtp_from": SENDER, "smtp_timeout_seconds": 5.0}
        return Settings(**values | overrides)

    def authenticate(self, server: SMTP, session: Session, envelope: Envelope,
                     mechanism: str, auth_data: Any) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        user, password = auth_data.login.decode(), auth_data.password.decode()
        if not any(seen is session for seen in self.sessions):
            self.sessions.append(session)  # sessions come one at a time: this is the last
        account_fixed = len(self.sessions) > self.bad_sessions
        accepted = (user, password) == ("rectrack", PASSWORD) and account_fixed
        self.logins.append((user, accepted))
        if accepted:
            return AuthResult(success=True, auth_data=auth_data)
        # A careless server that echoes what it was sent: the error must not keep it.
        return AuthResult(success=False, handled=False,
                          message=f"535 5.7.8 Authentication failed for {user}:{password}")

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 2.0.0 Queued"


@contextlib.contextmanager
def smtp_receiver(directory: Path) -> Iterator[SmtpReceiver]:
    """An SMTP server on 127.0.0.1 (a free port) that requires STARTTLS, then AUTH."""
    directory.mkdir(parents=True, exist_ok=True)
    context, ca_file = server_tls(directory)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    receiver = SmtpReceiver(port=port, ca_file=ca_file)
    controller = Controller(
        receiver, hostname="127.0.0.1", port=port, server_hostname="smtp.test",
        tls_context=context, require_starttls=True, auth_required=True,
        auth_require_tls=True, authenticator=receiver.authenticate)
    controller.start()
    try:
        yield receiver
    finally:
        controller.stop()


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpReceiver]:
    with smtp_receiver(tmp_path / "smtp") as receiver:
        yield receiver


def activities(engine: Engine, http: httpx.AsyncClient, settings: Settings) -> RectrackActivities:
    return RectrackActivities(engine=engine, http=http, settings=settings)


async def attempt_and_record(acts: RectrackActivities, number: int,
                             webhook: str | None = None) -> AttemptOutcome:
    """One post_notice attempt of `notice(webhook)` and its record_delivery, as the
    workflow does them."""
    request = notice(webhook)
    outcome = await activity_env().run(acts.post_notice, NoticeAttempt(request=request,
                                                                       attempt=number))
    await activity_env().run(acts.record_delivery, DeliveryAttemptRecord(
        request=request, attempt=number, outcome=outcome, at=AT))
    return outcome


# -- the tests ------------------------------------------------------------------------------


async def test_a_notice_goes_by_smtp_with_its_key_as_message_id(
        engine: Engine, http: httpx.AsyncClient, smtp: SmtpReceiver, tmp_path: Path) -> None:
    acts = activities(engine, http, smtp.settings(tmp_path))
    outcome = await attempt_and_record(acts, 2)

    assert (outcome.outcome, outcome.channel, outcome.target, outcome.status_code) == (
        "delivered", "email", ADDRESS, 250)
    assert smtp.logins == [("rectrack", True)]
    assert smtp.envelopes == [("rectrack@oversight.example", [ADDRESS])]
    [message] = smtp.messages
    # strip(): a long header is folded onto its own line (RFC 5322 folding white space).
    assert message["Message-ID"].strip() == (
        f"<{MEMO_ID}/overdue%3A2022-12-06/component@oversight.example>")
    assert (message["From"], message["To"], message["Subject"]) == (
        SENDER, f"ICE liaison <{ADDRESS}>", f"{MEMO_ID}: response overdue since 2022-11-29")
    assert (message["Idempotency-Key"], message["Rectrack-Attempt"]) == (KEY, "2")
    assert message.get_content_type() == "text/plain"
    body = message.get_content()
    for fact in (f"memo: {MEMO_ID}", "kind: overdue", "role: component",
                 f"recipient: ICE liaison <{ADDRESS}>", 'due_on: "2022-11-29"',
                 "numbers: [1, 2, 3]", f"idempotency key: {KEY}"):
        assert fact in body
    [row] = deliveries(engine)
    assert (row.attempt, row.channel, row.target, row.outcome, row.error) == (
        2, "email", ADDRESS, "delivered", None)


async def test_a_bad_login_is_a_recorded_failure_and_the_retry_delivers_once_fixed(
        engine: Engine, http: httpx.AsyncClient, smtp: SmtpReceiver, tmp_path: Path) -> None:
    wrong = "not-the-password-1234"
    failed = await attempt_and_record(
        activities(engine, http, smtp.settings(tmp_path, smtp_password=wrong)), 1)
    fixed = await attempt_and_record(activities(engine, http, smtp.settings(tmp_path)), 2)

    assert (failed.outcome, failed.status_code) == ("failed", 535)
    assert fixed.outcome == "delivered"
    assert smtp.logins == [("rectrack", False)] * 2 + [("rectrack", True)]  # PLAIN, LOGIN
    assert len(smtp.messages) == 1
    first, second = deliveries(engine)
    assert (first.attempt, first.channel, first.outcome, first.status_code) == (
        1, "email", "failed", 535)
    assert first.error is not None and first.error.startswith("SMTPAuthenticationError: 535")
    assert wrong not in first.error and "rectrack:***" in first.error  # the echo, scrubbed
    assert (second.attempt, second.outcome) == (2, "delivered")


async def test_a_refused_recipient_is_rejected_and_a_deferred_one_failed(
        engine: Engine, http: httpx.AsyncClient, smtp: SmtpReceiver, tmp_path: Path) -> None:
    acts = activities(engine, http, smtp.settings(tmp_path))
    smtp.refuse[ADDRESS] = "550 5.1.1 No such mailbox"
    refused = await attempt_and_record(acts, 1)
    smtp.refuse[ADDRESS] = "451 4.3.0 Try again later"
    deferred = await attempt_and_record(acts, 2)

    assert (refused.outcome, refused.status_code) == ("rejected", 550)
    assert (deferred.outcome, deferred.status_code) == ("failed", 451)
    assert smtp.messages == []
    assert [(r.outcome, r.error) for r in deliveries(engine)] == [
        ("rejected", "SMTPRecipientsRefused: 550 5.1.1 No such mailbox"),
        ("failed", "SMTPRecipientsRefused: 451 4.3.0 Try again later")]


async def test_a_server_the_ca_does_not_vouch_for_is_a_failure(
        engine: Engine, http: httpx.AsyncClient, smtp: SmtpReceiver, tmp_path: Path) -> None:
    _, stranger_ca = server_tls(tmp_path)  # another CA: the server's certificate is not its
    outcome = await attempt_and_record(
        activities(engine, http, smtp.settings(tmp_path, smtp_ca_file=stranger_ca)), 1)

    assert outcome.outcome == "failed" and outcome.error is not None
    assert outcome.error.startswith("SSLCertVerificationError")
    assert smtp.logins == [] and smtp.messages == []


async def test_without_smtp_the_notice_goes_to_the_log(
        engine: Engine, http: httpx.AsyncClient, tmp_path: Path) -> None:
    outcome = await attempt_and_record(activities(engine, http, Settings(home=tmp_path)), 1)

    assert (outcome.outcome, outcome.channel, outcome.target) == ("delivered", "log", None)
    assert [(r.channel, r.outcome) for r in deliveries(engine)] == [("log", "delivered")]


async def test_a_contact_with_a_webhook_still_gets_the_webhook(
        engine: Engine, http: httpx.AsyncClient, smtp: SmtpReceiver, webhook: WebhookServer,
        tmp_path: Path) -> None:
    outcome = await attempt_and_record(
        activities(engine, http, smtp.settings(tmp_path)), 1, webhook=webhook.url)

    assert (outcome.outcome, outcome.channel, outcome.target) == (
        "delivered", "webhook", webhook.url)
    assert len(webhook.hits) == 1 and smtp.messages == []


async def test_an_unknown_outcome_is_logged_on_the_email_channel(
        engine: Engine, http: httpx.AsyncClient, smtp: SmtpReceiver, tmp_path: Path) -> None:
    # The workflow, which cannot see the settings, guesses "log" for a lost attempt.
    acts = activities(engine, http, smtp.settings(tmp_path))
    await activity_env().run(acts.record_delivery, DeliveryAttemptRecord(
        request=notice(None), attempt=1, at=AT,
        outcome=AttemptOutcome(outcome="unknown", channel="log", error="worker lost")))

    [row] = deliveries(engine)
    assert (row.channel, row.target, row.outcome) == ("email", ADDRESS, "unknown")


@pytest.mark.parametrize(("overrides", "complaint"), [
    ({"smtp_password": None}, "no RECTRACK_SMTP_PASSWORD"),
    ({"smtp_host": "smtp.office.example", "smtp_starttls": False}, "in clear"),
    ({"smtp_password_file": Path("/nonexistent/smtp-password")}, "cannot read"),
    ({"smtp_from": "rectrack"}, "is no address"),
])
async def test_unusable_smtp_settings_stop_the_worker_at_start(
        http: httpx.AsyncClient, smtp: SmtpReceiver, tmp_path: Path,
        overrides: dict[str, Any], complaint: str) -> None:
    unused = create_engine("sqlite://")  # the check comes before any store work
    with pytest.raises(SmtpSettingsError, match=complaint):
        activities(unused, http, smtp.settings(tmp_path, **overrides))


async def test_the_password_file_is_read_at_start(
        engine: Engine, http: httpx.AsyncClient, smtp: SmtpReceiver, tmp_path: Path) -> None:
    password_file = tmp_path / "smtp-password"
    password_file.write_text(PASSWORD + "\n")
    settings = smtp.settings(tmp_path, smtp_password="stale", smtp_password_file=password_file)
    outcome = await attempt_and_record(activities(engine, http, settings), 1)

    assert outcome.outcome == "delivered" and smtp.logins == [("rectrack", True)]
    assert PASSWORD not in repr(settings) and PASSWORD not in repr(activities(
        engine, http, settings)._smtp)


def test_the_message_id_is_the_key_encoded_where_rfc_5322_needs_it() -> None:
    assert message_id("M.1/reminder:2026-01-02/component", SENDER) == (
        "<M%2E1/reminder%3A2026-01-02/component@oversight.example>")
    # One key, one Message-ID; two keys, two (`%` is encoded too).
    assert message_id("a%3A", SENDER) != message_id("a:", SENDER)
