"""What the settings make of the environment, without a server: the Temporal connection
(temporalio.envconfig: TOML profiles, TEMPORAL_TLS_*, TEMPORAL_API_KEY) as
`settings.temporal_connect_config` reads it and `app.temporal.connect` refuses it, and
the Observability block (log format and level, tracing, metrics ports), including that
nothing is traced or served unless asked for."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pydantic import ValidationError
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import TLSConfig

from app import telemetry
from app.temporal import ConnectError, connect
from settings import Settings, temporal_connect_config

PROFILES = """\
[profile.default]
address = "localhost:7233"

[profile.prod]
address = "temporal.prod.example:7233"
namespace = "oversight"

[profile.prod.tls]
server_name = "temporal.internal"
server_ca_cert_path = "{ca}"
client_cert_path = "{cert}"
client_key_path = "{key}"

[profile.prod.grpc_meta]
x-office = "crcl"

[profile.cloud]
address = "oversight.a1b2c.tmprl.cloud:7233"
namespace = "oversight.a1b2c"
api_key = "cloud-key"
"""


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """An environment without TEMPORAL_*, RECTRACK_* or OTEL_* variables, and no default
    config file (TEMPORAL_CONFIG_FILE names one that does not exist)."""
    for name in list(os.environ):
        if name.startswith(("TEMPORAL_", "RECTRACK_", "OTEL_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(tmp_path / "none.toml"))
    return monkeypatch


@pytest.fixture
def pem_files(tmp_path: Path) -> dict[str, Path]:
    files = {"ca": b"CA PEM", "cert": b"CLIENT CERT PEM", "key": b"CLIENT KEY PEM"}
    for name, data in files.items():
        (tmp_path / f"{name}.pem").write_bytes(data)
    return {name: tmp_path / f"{name}.pem" for name in files}


def test_nothing_set_is_plaintext_localhost(env: pytest.MonkeyPatch) -> None:
    assert temporal_connect_config() == {"target_host": "localhost:7233"}


def test_a_toml_profile_chosen_by_temporal_profile(
        env: pytest.MonkeyPatch, tmp_path: Path, pem_files: dict[str, Path]) -> None:
    config = tmp_path / "temporal.toml"
    config.write_text(PROFILES.format(**pem_files), encoding="utf-8")
    env.setenv("TEMPORAL_CONFIG_FILE", str(config))
    assert temporal_connect_config() == {"target_host": "localhost:7233"}  # `default`

    env.setenv("TEMPORAL_PROFILE", "prod")
    prod = temporal_connect_config()
    assert prod["target_host"] == "temporal.prod.example:7233"
    assert prod["namespace"] == "oversight"
    assert prod["rpc_metadata"] == {"x-office": "crcl"}
    assert prod["tls"] == TLSConfig(domain="temporal.internal",
                                    server_root_ca_cert=b"CA PEM",
                                    client_cert=b"CLIENT CERT PEM",
                                    client_private_key=b"CLIENT KEY PEM")

    env.setenv("TEMPORAL_PROFILE", "cloud")
    cloud = temporal_connect_config()
    assert cloud["api_key"] == "cloud-key" and cloud["tls"] is True  # a key implies TLS

    env.setenv("TEMPORAL_ADDRESS", "elsewhere:7233")  # variables override the file
    assert temporal_connect_config()["target_host"] == "elsewhere:7233"


def test_tls_and_api_key_variables(env: pytest.MonkeyPatch,
                                   pem_files: dict[str, Path]) -> None:
    env.setenv("TEMPORAL_ADDRESS", "temporal.example:7233")
    env.setenv("TEMPORAL_TLS_SERVER_CA_CERT_PATH", str(pem_files["ca"]))
    env.setenv("TEMPORAL_TLS_CLIENT_CERT_PATH", str(pem_files["cert"]))
    env.setenv("TEMPORAL_TLS_CLIENT_KEY_PATH", str(pem_files["key"]))
    env.setenv("TEMPORAL_TLS_SERVER_NAME", "temporal.internal")
    tls = temporal_connect_config()["tls"]
    assert isinstance(tls, TLSConfig)
    assert (tls.server_root_ca_cert, tls.client_cert, tls.client_private_key, tls.domain) == (
        b"CA PEM", b"CLIENT CERT PEM", b"CLIENT KEY PEM", "temporal.internal")

    for name in ("SERVER_CA_CERT_PATH", "CLIENT_CERT_PATH", "CLIENT_KEY_PATH", "SERVER_NAME"):
        env.delenv(f"TEMPORAL_TLS_{name}")
    env.setenv("TEMPORAL_API_KEY", "secret")
    keyed = temporal_connect_config()
    assert keyed["api_key"] == "secret" and keyed["tls"] is True
    env.setenv("TEMPORAL_TLS", "false")  # explicitly off (a proxy in front, say)
    assert temporal_connect_config()["tls"] is False


async def test_unreadable_connection_settings_are_one_connect_error(
        env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env.setenv("TEMPORAL_TLS_SERVER_CA_CERT_PATH", str(tmp_path / "missing-ca.pem"))
    with pytest.raises(ConnectError, match="cannot read the Temporal connection settings"):
        await connect(Settings(home=tmp_path), data_converter=pydantic_data_converter)
    env.delenv("TEMPORAL_TLS_SERVER_CA_CERT_PATH")
    config = tmp_path / "temporal.toml"
    config.write_text(PROFILES.format(ca="a", cert="b", key="c"), encoding="utf-8")
    env.setenv("TEMPORAL_CONFIG_FILE", str(config))
    env.setenv("TEMPORAL_PROFILE", "staging")
    with pytest.raises(ConnectError, match="staging"):
        await connect(Settings(home=tmp_path), data_converter=pydantic_data_converter)


def test_observability_is_off_by_default(env: pytest.MonkeyPatch) -> None:
    settings = Settings()
    assert (settings.log_format, settings.log_level) == ("text", None)
    assert settings.otel_endpoint is None and settings.otel_service_name == "rectrack"
    assert settings.metrics_port is None and settings.api_metrics_port is None
    assert telemetry.client_interceptors(settings) == []
    assert telemetry.tracer(settings) is None
    assert telemetry.worker_runtime(settings) is None
    assert telemetry.metrics_address(settings) is None


def test_observability_variables(env: pytest.MonkeyPatch) -> None:
    env.setenv("RECTRACK_LOG_FORMAT", "JSON")
    env.setenv("RECTRACK_LOG_LEVEL", "debug")
    env.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/")
    env.setenv("OTEL_SERVICE_NAME", "rectrack-worker")
    env.setenv("RECTRACK_METRICS_PORT", "9464")
    env.setenv("RECTRACK_METRICS_HOST", "::")
    env.setenv("RECTRACK_API_METRICS_PORT", "9465")
    settings = Settings()
    assert (settings.log_format, settings.log_level) == ("json", "DEBUG")
    assert telemetry.traces_endpoint(settings) == "http://collector:4318/v1/traces"
    assert settings.otel_service_name == "rectrack-worker"
    assert telemetry.metrics_address(settings) == "[::]:9464"
    assert settings.api_metrics_port == 9465

    env.setenv("RECTRACK_OTEL_ENDPOINT", "http://rectrack-collector:4318")  # wins
    env.setenv("RECTRACK_OTEL_SERVICE_NAME", "rectrack-api")
    settings = Settings()
    assert settings.otel_endpoint == "http://rectrack-collector:4318"
    assert settings.otel_service_name == "rectrack-api"
    env.setenv("RECTRACK_OTEL_ENDPOINT", "")
    env.delenv("OTEL_EXPORTER_OTLP_ENDPOINT")
    assert Settings().otel_endpoint is None  # an empty variable is unset


@pytest.mark.parametrize("name,value", [
    ("RECTRACK_LOG_FORMAT", "xml"), ("RECTRACK_LOG_LEVEL", "loud"),
    ("RECTRACK_METRICS_PORT", "0"), ("RECTRACK_API_METRICS_PORT", "70000")])
def test_bad_observability_values_are_refused(env: pytest.MonkeyPatch, name: str,
                                              value: str) -> None:
    env.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()


def test_tracing_on_puts_the_tracing_interceptor_on_clients(
        env: pytest.MonkeyPatch) -> None:
    # (aliased fields come from the environment: Settings(otel_endpoint=...) is ignored)
    env.setenv("RECTRACK_OTEL_ENDPOINT", "http://collector:4318")
    env.setenv("RECTRACK_OTEL_SERVICE_NAME", "svc")
    settings = Settings()
    provider = telemetry.build_tracer_provider(settings, exporter=InMemorySpanExporter())
    assert provider.resource.attributes["service.name"] == "svc"
    env.setattr(telemetry._Process, "tracer_provider", provider)  # no real exporter here
    [interceptor] = telemetry.client_interceptors(settings)
    assert isinstance(interceptor, TracingInterceptor)
    provider.shutdown()
