"""rectrack against a TLS / mTLS Temporal frontend, configured only through
temporalio.envconfig (a TOML profile, or TEMPORAL_TLS_* / TEMPORAL_API_KEY variables).

`temporal server start-dev` serves plaintext gRPC only (it has no TLS flags), so a real
TLS endpoint is put in front of it: an asyncio TLS-terminating TCP proxy on 127.0.0.1,
with a CA, server and client certificates made with `cryptography` in tmp_path, that
forwards bytes to the dev server (requiring a client certificate for mTLS). Through it
the worker, the service layer, the API and a `rectrack` subprocess run a memo with
encrypted payloads; a client without its certificate, one not trusting the server's CA
and a plaintext one are refused; an API key turns TLS on by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import ipaddress
import os
import ssl
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from temporalio.client import Client

from api.app import create_app
from api.serve import start_api
from app import memos
from app.context import Context
from app.encryption import new_key_line
from app.errors import Unavailable
from cli.devserver import DevServer
from domain.memo import MemoSpec
from settings import Settings
from store.db import make_engine
from store.migrate import upgrade
from tests.integration.support import ICE_MEMO, run_cli, started_dev_server, unique_id
from worker import connect, run_worker

SERVER_NAME = "temporal.test"
REFUSED_WITHIN = 30.0
SetEnv = Callable[..., None]


@dataclass(frozen=True)
class Pki:
    """PEM files: a CA, and a server and a client certificate (CN rectrack-client) it
    signed, each with its key."""

    ca: Path
    server: tuple[Path, Path]  # certificate, key
    client: tuple[Path, Path]


def _signed(name: str, key: ec.EllipticCurvePrivateKey, ca_key: ec.EllipticCurvePrivateKey,
            *, usage: x509.ObjectIdentifier | None = None,
            san: Sequence[x509.GeneralName] = ()) -> x509.Certificate:
    """A certificate for `key` signed by `ca_key`; a CA's own when no `usage` is given."""
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
               .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test CA")]))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(minutes=5))
               .not_valid_after(now + dt.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=usage is None, path_length=None), True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                              False))
    if usage is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), False).add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False)
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(san)), False)
    return builder.sign(ca_key, hashes.SHA256())


def make_pki(directory: Path, *, dns: Sequence[str] = (), ips: Sequence[str] = ()) -> Pki:
    """A fresh CA in `directory`, a server certificate for `dns`/`ips`, a client one."""
    directory.mkdir(parents=True)

    def write(name: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey
              ) -> tuple[Path, Path]:
        paths = directory / f"{name}.pem", directory / f"{name}-key.pem"
        paths[0].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        paths[1].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        return paths

    ca_key, server_key, client_key = (ec.generate_private_key(ec.SECP256R1()) for _ in "abc")
    names: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
    names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips]
    server = _signed("test server", server_key, ca_key, usage=ExtendedKeyUsageOID.SERVER_AUTH,
                     san=names)
    client = _signed("rectrack-client", client_key, ca_key,
                     usage=ExtendedKeyUsageOID.CLIENT_AUTH)
    return Pki(ca=write("ca", _signed("test CA", ca_key, ca_key), ca_key)[0],
               server=write("server", server, server_key),
               client=write("client", client, client_key))


@dataclass
class TlsProxy:
    """A TLS-terminating proxy in front of a plaintext gRPC port."""

    upstream: tuple[str, int]
    context: ssl.SSLContext
    port: int = 0
    clients: set[str] = field(default_factory=set)  # CNs of verified client certificates
    handshakes_failed: int = 0
    _writers: set[asyncio.StreamWriter] = field(default_factory=set)
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._tasks.add(asyncio.current_task())  # type: ignore[arg-type]
        self._writers.add(writer)
        try:
            try:
                await writer.start_tls(self.context)
            except (ssl.SSLError, OSError):
                self.handshakes_failed += 1
                return
            peer = writer.get_extra_info("peercert")
            self.clients |= {value for rdn in (peer or {}).get("subject", ())
                             for key, value in rdn if key == "commonName"}
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
            self._writers.add(up_writer)
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        finally:
            writer.close()

    async def close(self) -> None:
        for writer in self._writers:
            writer.close()
        await asyncio.wait_for(asyncio.gather(*self._tasks, return_exceptions=True), 10)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ssl.SSLError, OSError):
        pass
    finally:
        writer.close()


@contextlib.asynccontextmanager
async def tls_proxy(upstream: str, pki: Pki, *, client_certs: bool) -> AsyncIterator[TlsProxy]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*pki.server)
    context.set_alpn_protocols(["h2"])  # gRPC
    if client_certs:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(cafile=pki.ca)
    host, _, port = upstream.rpartition(":")
    proxy = TlsProxy((host, int(port)), context)
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", 0)
    proxy.port = server.sockets[0].getsockname()[1]
    try:
        yield proxy
    finally:
        server.close()
        await proxy.close()
        await server.wait_closed()


@pytest.fixture(scope="module")
async def dev_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DevServer]:
    home = tmp_path_factory.mktemp("tls-dev-server")
    server = await started_dev_server(None, log_file=home / "temporal.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def setenv(monkeypatch: pytest.MonkeyPatch) -> SetEnv:
    """Set variables; no TEMPORAL_*, RECTRACK_* or OTEL_* but those a test sets."""
    for name in list(os.environ):
        if name.startswith(("TEMPORAL_", "RECTRACK_", "OTEL_")):
            monkeypatch.delenv(name)

    def set_all(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_all


async def service_client(home: Path) -> Client:
    """The client the service layer connects from the environment (Unavailable if not)."""
    ctx = Context(Settings(home=home), make_engine("sqlite://"))
    try:
        return await asyncio.wait_for(ctx.client(), REFUSED_WITHIN)
    finally:
        ctx.engine.dispose()


async def test_a_toml_profile_carries_mtls_for_worker_service_api_and_cli(
        dev_server: DevServer, tmp_path: Path, setenv: SetEnv) -> None:
    pki = make_pki(tmp_path / "pki", dns=[SERVER_NAME])
    async with tls_proxy(dev_server.address, pki, client_certs=True) as proxy:
        profile = tmp_path / "temporal.toml"
        profile.write_text(
            f'[profile.mtls]\naddress = "127.0.0.1:{proxy.port}"\nnamespace = "default"\n'
            f'[profile.mtls.tls]\nserver_name = "{SERVER_NAME}"\n'
            f'server_ca_cert_path = "{pki.ca}"\nclient_cert_path = "{pki.client[0]}"\n'
            f'client_key_path = "{pki.client[1]}"\n', encoding="utf-8")
        setenv(TEMPORAL_CONFIG_FILE=str(profile), TEMPORAL_PROFILE="mtls",
               RECTRACK_HOME=str(tmp_path / "home"), RECTRACK_TASK_QUEUE=unique_id("tls"),
               RECTRACK_ENCRYPTION_KEYS=new_key_line("tls-1"))
        settings = Settings()
        engine = make_engine(settings.db_url)
        upgrade(engine)
        data: dict[str, Any] = yaml.safe_load(ICE_MEMO.read_text(encoding="utf-8"))
        spec = MemoSpec.model_validate({**data, "memo_id": unique_id("TLS")})
        client = await connect(settings=settings)  # the worker's path
        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(settings, client, stop))
        try:
            _, view = await memos.issue(Context(settings, engine), spec)  # API's, CLI's path
            assert view is not None and view.memo_id == spec.memo_id  # the worker recorded it

            running = await start_api(create_app(settings), port=0)  # connects on its own
            try:
                async with httpx.AsyncClient(base_url=running.url) as http:
                    ready = await http.get("/readyz")
            finally:
                await running.stop()
            assert ready.status_code == 200, ready.text

            shown = await run_cli("show", spec.memo_id, "--live", "--json",
                                  env={**os.environ, "PYTHONUNBUFFERED": "1"})
            assert shown.json()["title"] == spec.title  # decrypted by the CLI
        finally:
            stop.set()
            await asyncio.wait_for(worker, 30)
            engine.dispose()
        history = await client.get_workflow_handle(f"memo/{spec.memo_id}").fetch_history()
        started = history.events[0].workflow_execution_started_event_attributes
        assert started.input.payloads[0].metadata["encoding"] == b"binary/encrypted"
        assert proxy.clients == {"rectrack-client"}  # every connection presented it
        assert proxy.handshakes_failed == 0


async def test_tls_variables_and_the_client_certificate_are_required(
        dev_server: DevServer, tmp_path: Path, setenv: SetEnv) -> None:
    pki = make_pki(tmp_path / "pki", ips=["127.0.0.1"])
    async with tls_proxy(dev_server.address, pki, client_certs=True) as proxy:
        setenv(TEMPORAL_ADDRESS=proxy.address, TEMPORAL_TLS_SERVER_CA_CERT_PATH=str(pki.ca))
        with pytest.raises(Unavailable, match=f"cannot reach Temporal at {proxy.address}"):
            await service_client(tmp_path)  # no client certificate
        assert proxy.handshakes_failed >= 1 and not proxy.clients

        with pytest.raises(RuntimeError):  # plaintext gRPC to the TLS port
            await asyncio.wait_for(Client.connect(proxy.address), REFUSED_WITHIN)

        setenv(TEMPORAL_TLS_CLIENT_CERT_PATH=str(pki.client[0]),
               TEMPORAL_TLS_CLIENT_KEY_PATH=str(pki.client[1]))
        client = await service_client(tmp_path)
        assert await client.count_workflows() is not None
        assert proxy.clients == {"rectrack-client"}


async def test_an_api_key_turns_tls_on_and_the_server_must_be_trusted(
        dev_server: DevServer, tmp_path: Path, setenv: SetEnv) -> None:
    pki = make_pki(tmp_path / "pki", dns=[SERVER_NAME])
    stranger = make_pki(tmp_path / "other-ca", dns=[SERVER_NAME])
    async with tls_proxy(dev_server.address, pki, client_certs=False) as proxy:
        setenv(TEMPORAL_ADDRESS=proxy.address, TEMPORAL_API_KEY="rectrack-test-key",
               TEMPORAL_TLS_SERVER_NAME=SERVER_NAME,
               TEMPORAL_TLS_SERVER_CA_CERT_PATH=str(stranger.ca))
        with pytest.raises(Unavailable, match=f"cannot reach Temporal at {proxy.address}"):
            await service_client(tmp_path)  # the server's CA is not the trusted one

        setenv(TEMPORAL_TLS_SERVER_CA_CERT_PATH=str(pki.ca))
        client = await service_client(tmp_path)
        assert client.service_client.config.api_key == "rectrack-test-key"
        assert client.service_client.config.tls
        assert await client.count_workflows() is not None
        assert not proxy.clients  # server authentication only
