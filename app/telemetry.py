"""Tracing and metrics for the Temporal side of every process, from the settings; all off
unless configured, so a process that asks for nothing gets no exporter, interceptor,
thread or port.

- Tracing (`RECTRACK_OTEL_ENDPOINT`, or the standard `OTEL_EXPORTER_OTLP_ENDPOINT`):
  one OpenTelemetry `TracerProvider` per process, exporting OTLP/HTTP in batches to
  `<endpoint>/v1/traces` under `RECTRACK_OTEL_SERVICE_NAME` (or `OTEL_SERVICE_NAME`).
  Every client gets a `temporalio.contrib.opentelemetry.TracingInterceptor` on it (the
  worker built on that client inherits it), so a memo issued by the CLI or the API and
  run by a worker is one trace: StartWorkflow, RunWorkflow, StartActivity, RunActivity.
  The provider is not made the global one; the API's request spans (api.metrics) use it
  directly. `flush()` sends what is buffered before the process exits.
- Metrics (`RECTRACK_METRICS_PORT`): the Temporal `Runtime` of the worker process serves
  the SDK's Prometheus metrics at `http://RECTRACK_METRICS_HOST:PORT/metrics`. A Runtime
  owns threads and the port for the life of the process, so it is made once, and only by
  the commands that run a worker (`rectrack worker`, `rectrack dev`): a CLI command
  sharing the worker's environment must not try to bind the same port.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from settings import Settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter
    from opentelemetry.trace import Tracer
    from temporalio.client import Interceptor
    from temporalio.runtime import Runtime

TRACER_NAME = "rectrack"
FLUSH_TIMEOUT_MILLIS = 5_000


class MetricsPortError(RuntimeError):
    """The worker's metrics port cannot be bound (taken, or a bad address)."""


class _Process:
    """What this process made: at most one tracer provider and one metrics runtime."""

    tracer_provider: TracerProvider | None = None
    runtime: Runtime | None = None


def traces_endpoint(settings: Settings) -> str | None:
    """Where spans are POSTed (OTLP/HTTP), or None when tracing is off."""
    if not settings.otel_endpoint:
        return None
    return settings.otel_endpoint.rstrip("/") + "/v1/traces"


def build_tracer_provider(settings: Settings,
                          exporter: SpanExporter | None = None) -> TracerProvider:
    """A provider naming the service, exporting in batches (to `exporter`, default OTLP/HTTP
    at `traces_endpoint`)."""
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=traces_endpoint(settings))
    provider = TracerProvider(resource=Resource.create(
        {SERVICE_NAME: settings.otel_service_name}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def tracer_provider(settings: Settings) -> TracerProvider | None:
    """This process's tracer provider, made on first use; None when tracing is off."""
    if traces_endpoint(settings) is None:
        return None
    if _Process.tracer_provider is None:
        _Process.tracer_provider = build_tracer_provider(settings)
    return _Process.tracer_provider


def tracer(settings: Settings) -> Tracer | None:
    provider = tracer_provider(settings)
    return None if provider is None else provider.get_tracer(TRACER_NAME)


def client_interceptors(settings: Settings) -> list[Interceptor]:
    """The interceptors of every Temporal client: the tracing one when tracing is on."""
    found = tracer(settings)
    if found is None:
        return []
    from temporalio.contrib.opentelemetry import TracingInterceptor

    return [TracingInterceptor(found)]


def metrics_address(settings: Settings) -> str | None:
    if settings.metrics_port is None:
        return None
    host = f"[{settings.metrics_host}]" if ":" in settings.metrics_host else \
        settings.metrics_host
    return f"{host}:{settings.metrics_port}"


def worker_runtime(settings: Settings) -> Runtime | None:
    """The Temporal runtime serving Prometheus metrics on RECTRACK_METRICS_PORT, made once
    per process; None when metrics are off (clients then use the default runtime).
    MetricsPortError if the port cannot be bound."""
    address = metrics_address(settings)
    if address is None:
        return None
    if _Process.runtime is None:
        from temporalio.runtime import (
            LogForwardingConfig,
            LoggingConfig,
            PrometheusConfig,
            Runtime,
            TelemetryConfig,
        )

        # The SDK core's own warnings go through Python logging (JSON too, app.logs).
        core_logs = LoggingConfig(filter=LoggingConfig.default.filter, forwarding=(
            LogForwardingConfig(logger=logging.getLogger("temporalio.core"))))
        try:
            _Process.runtime = Runtime(telemetry=TelemetryConfig(
                logging=core_logs, metrics=PrometheusConfig(bind_address=address)))
        except ValueError as error:  # "Failed starting Prometheus exporter: ..."
            raise MetricsPortError(f"cannot serve metrics on {address}: {error}") from None
    return _Process.runtime


def flush() -> None:
    """Send the spans still buffered and stop exporting (the end of the process)."""
    provider, _Process.tracer_provider = _Process.tracer_provider, None
    if provider is not None:
        provider.force_flush(FLUSH_TIMEOUT_MILLIS)
        provider.shutdown()


@contextmanager
def observed_process(command: str) -> Iterator[None]:
    """Around one `rectrack` command: its logging set up first (app.logs), its spans
    flushed last (the CLI leaves with os._exit, which runs no exit hooks)."""
    from app.logs import cli_logging

    cli_logging(command)
    try:
        yield
    finally:
        flush()
