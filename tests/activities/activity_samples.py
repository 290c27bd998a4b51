"""Helpers for the store and activity tests: a webhook receiver, a private CA for TLS
servers, sample memos and events."""

from __future__ import annotations

import contextlib
import dataclasses
import ipaddress
import json
import ssl
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from temporalio.testing import ActivityEnvironment

from activities.models import EventRecord
from domain.followup import ActionPlan, Evidence, FollowUpPolicy, Milestone, StatusUpdate
from domain.memo import (
    MemoSpec,
    MemoState,
    RecommendationResponse,
    RecommendationState,
    RecordResponse,
    record_response,
)
from domain.recommendation import (
    PlaceHold,
    Review,
    SubmitActionPlan,
    place_hold,
    review,
    submit_action_plan,
    submit_status_update,
)
from domain.vocabulary import ClosureReason, Decision, EventKind, ReviewDecision

MEMO_ID = "CRCL-2022-ICE-FRD"
ISSUED_ON = date(2022, 9, 30)
DUE_ON = date(2022, 11, 29)
RECEIVED_ON = date(2023, 1, 30)


# -- a real webhook receiver ----------------------------------------------------------------


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    status: int
    raw: bytes = b""  # the body's bytes, as signed


@dataclass
class WebhookServer:
    """Answers POSTs with the scripted status codes in order (200 once the script is empty)."""

    url: str = ""
    hits: list[Hit] = field(default_factory=list)
    script: deque[int] = field(default_factory=deque)
    delay: float = 0.0  # seconds to wait before answering (to provoke client timeouts)
    release: threading.Event = field(default_factory=threading.Event)

    def answer(self, *codes: int) -> None:
        self.script.extend(codes)


@contextlib.contextmanager
def webhook_server() -> Iterator[WebhookServer]:
    """A scripted receiver on 127.0.0.1 (a free port), shut down on exit."""
    state = WebhookServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), webhook_handler(state))
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/hook"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def webhook_handler(server: WebhookServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = server.script.popleft() if server.script else 200
            server.hits.append(Hit(self.path, dict(self.headers.items()), json.loads(raw),
                                   status, raw))
            if server.delay:
                server.release.wait(server.delay)
            payload = json.dumps({"status": status}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                if status in (429, 503):
                    self.send_header("Retry-After", "7")
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler



def activity_env(attempt: int = 1) -> ActivityEnvironment:
    """An activity environment whose `activity.info().attempt` is `attempt`."""
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, attempt=attempt)
    return env


# -- a private CA for TLS servers on 127.0.0.1 ---------------------------------------------


def _certificate(subject: str, key: ec.EllipticCurvePrivateKey,
                 issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None
                 ) -> x509.Certificate:
    """A CA certificate (no issuer: self-signed), or a server's for 127.0.0.1 and localhost."""
    now = datetime.now(UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    signer = issuer[1] if issuer else key
    builder = (x509.CertificateBuilder().subject_name(name)
               .issuer_name(issuer[0].subject if issuer else name).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - timedelta(minutes=5))
               .not_valid_after(now + timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None),
                              critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                              critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   signer.public_key()), critical=False))
    if issuer is None:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False,
            encipher_only=False, decipher_only=False), critical=True)
    else:
        builder = builder.add_extension(x509.SubjectAlternativeName([
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False).add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    return builder.sign(signer, hashes.SHA256())


def server_tls(directory: Path) -> tuple[ssl.SSLContext, Path]:
    """A server's TLS context (a certificate from a fresh private CA, written to
    `directory`) and the CA's file, which clients must be told to trust (e.g.
    RECTRACK_SMTP_CA_FILE)."""
    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(
        ec.SECP256R1())
    ca = _certificate("Rectrack test CA", ca_key, None)
    cert = _certificate("127.0.0.1", server_key, (ca, ca_key))
    pem = serialization.Encoding.PEM
    ca_file, cert_file, key_file = (directory / n for n in ("ca.pem", "server.pem", "server.key"))
    ca_file.write_bytes(ca.public_bytes(pem))
    cert_file.write_bytes(cert.public_bytes(pem))
    key_file.write_bytes(server_key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context, ca_file



# -- domain samples -------------------------------------------------------------------------


def memo_spec(
    memo_id: str = MEMO_ID, *, component: str = "ICE", issued_on: date = ISSUED_ON,
    recommendations: int = 3,
) -> MemoSpec:
    return MemoSpec.model_validate({
        "memo_id": memo_id, "title": "ICE use of facial recognition databases",
        "office": "CRCL", "component": component, "issued_on": issued_on,
        "recommendations": [{"number": n, "text": f"Recommendation {n}"}
                            for n in range(1, recommendations + 1)],
    })


def issued_state(memo_id: str = MEMO_ID, *, component: str = "ICE",
                 due_on: date = DUE_ON, issued_on: date = ISSUED_ON) -> MemoState:
    return MemoState.issue(memo_spec(memo_id, component=component, issued_on=issued_on), due_on)


def responded_state(state: MemoState, received_on: date = RECEIVED_ON) -> MemoState:
    """1 concurred, the rest non-concurred, all received on `received_on`."""
    responses = [
        RecommendationResponse(number=r.number, decision=Decision.CONCUR)
        if r.number == 1 else
        RecommendationResponse(number=r.number, decision=Decision.NON_CONCUR,
                               rationale="Existing policy already covers this.")
        for r in state.recommendations
    ]
    new, _ = record_response(state, RecordResponse(received_on=received_on, responses=responses),
                             latest_date=date(2100, 1, 1))
    return new


def event_record(state: MemoState, seq: int, kind: EventKind = EventKind.MEMO_ISSUED,
                 occurred_on: date | None = None) -> EventRecord:
    return EventRecord(
        event_id=f"{state.memo_id}#{seq}", memo_id=state.memo_id, seq=seq, kind=kind,
        occurred_on=occurred_on, recorded_at=datetime(2023, 2, 1, 15, 30, seq, tzinfo=UTC),
        numbers=[r.number for r in state.recommendations],
        data={"status": state.status.value, "on": occurred_on},
        snapshot=state.model_copy(update={"event_seq": seq}),
    )


# -- recommendation events (each recommendation workflow counts its own seq) ---------------

PLAN_ON = date(2023, 2, 20)
REVIEWED_ON = date(2023, 3, 15)
UPDATED_ON = date(2023, 6, 1)
EVIDENCE = Evidence(title="Signed directive", uri="https://ice.example/directive.pdf",
                    sha256="0123456789abcdef" * 4)


def rec_record(memo_id: str, rec: RecommendationState, seq: int,
               kind: EventKind = EventKind.RESPONSE_RECORDED, occurred_on: date | None = None,
               recorded_at: datetime | None = None,
               data: dict[str, Any] | None = None) -> EventRecord:
    """An event the RecommendationWorkflow of `rec` records, with its own `seq`."""
    return EventRecord(
        event_id=f"{memo_id}/{rec.number}#{seq}", memo_id=memo_id, seq=seq, kind=kind,
        occurred_on=occurred_on,
        recorded_at=recorded_at or datetime(2023, 3, 1, 12, rec.number, seq, tzinfo=UTC),
        numbers=[rec.number], data=data or {}, number=rec.number, recommendation=rec,
    )


def planned(rec: RecommendationState) -> RecommendationState:
    """`rec` (concurred) with an action plan submitted on PLAN_ON."""
    plan = ActionPlan(responsible_official="ICE Privacy Officer",
                      target_completion_on=date(2023, 12, 31),
                      milestones=[Milestone(title="Draft policy", target_on=date(2023, 6, 30))])
    new, _ = submit_action_plan(rec, SubmitActionPlan(received_on=PLAN_ON, plan=plan))
    return new


def in_progress(rec: RecommendationState) -> RecommendationState:
    """`planned(rec)` accepted on REVIEWED_ON, one status update with evidence, on hold."""
    accepted, _ = review(planned(rec), Review(decision=ReviewDecision.ACCEPT,
                                              reviewed_on=REVIEWED_ON), FollowUpPolicy())
    updated, _ = submit_status_update(
        accepted, StatusUpdate(received_on=UPDATED_ON, progress="Draft circulated",
                               percent_complete=40, milestones_done=["Draft policy"],
                               evidence=[EVIDENCE]), FollowUpPolicy())
    held, _ = place_hold(updated, PlaceHold(reason="litigation", on=date(2023, 7, 1)))
    return held


def closed_not_implemented(rec: RecommendationState) -> RecommendationState:
    """A non-concurred `rec` whose non-concurrence the office accepted on REVIEWED_ON."""
    new, _ = review(rec, Review(decision=ReviewDecision.ACCEPT, reviewed_on=REVIEWED_ON,
                                closure_reason=ClosureReason.NOT_IMPLEMENTED,
                                justification="Policy covers it"), FollowUpPolicy())
    return new
