"""What the API did, for Prometheus and for traces: request count and latency by route
template, method and status, and a span per request when tracing is on (app.telemetry).

Metrics live in the app's own registry (two apps in one process, as in the tests, never
collide) and are served by prometheus-client's HTTP server in a thread, on
`RECTRACK_API_METRICS_PORT` of `RECTRACK_METRICS_HOST` (default 127.0.0.1): a port of
their own, never a route of the public API, so scrapers reach it and clients do not.
Routes are labelled by their template (`/memos/{memo_id}`), and a path no route matches
by `unmatched`, so a scanner cannot grow the label set.

Names: `rectrack_api_requests_total{method,route,status}`,
`rectrack_api_request_duration_seconds{method,route}` (histogram),
`rectrack_api_requests_in_progress`, and the process's CPU, memory and open files.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from threading import Thread
from typing import TYPE_CHECKING
from wsgiref.simple_server import WSGIServer

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    start_http_server,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from opentelemetry.trace import Span, Tracer

UNMATCHED = "unmatched"
logger = logging.getLogger("rectrack.api")


class ApiMetrics:
    """The API's collectors, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "rectrack_api_requests", "HTTP requests answered, by route template and status",
            ["method", "route", "status"], registry=self.registry)
        self.duration = Histogram(
            "rectrack_api_request_duration_seconds", "Time to answer an HTTP request",
            ["method", "route"], registry=self.registry)
        self.in_progress = Gauge(
            "rectrack_api_requests_in_progress", "HTTP requests being answered",
            registry=self.registry)
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.duration.labels(method, route).observe(seconds)


def route_template(scope: Scope) -> str:
    """The matched route's path template, once the router has run."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


class Observe:
    """ASGI middleware: counts and times every HTTP request, and traces it when given a
    tracer (the span continues a `traceparent` the caller sent)."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics | None = None,
                 tracer: Tracer | None = None) -> None:
        self.app = app
        self.metrics = metrics
        self.tracer = tracer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (self.metrics is None and self.tracer is None):
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        status = 500  # unless a response starts

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        if self.metrics is not None:
            self.metrics.in_progress.inc()
        started = time.perf_counter()
        with self._span(scope, method) as span:
            try:
                await self.app(scope, receive, sending)
            finally:
                route = route_template(scope)
                if self.metrics is not None:
                    self.metrics.in_progress.dec()
                    self.metrics.observe(method, route, status, time.perf_counter() - started)
                if span is not None:
                    _finish(span, method, route, status)

    def _span(self, scope: Scope, method: str) -> AbstractContextManager[Span | None]:
        if self.tracer is None:
            return nullcontext()
        from opentelemetry.propagate import extract
        from opentelemetry.trace import SpanKind

        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        return self.tracer.start_as_current_span(
            method, context=extract(headers), kind=SpanKind.SERVER,
            attributes={"http.request.method": method, "url.path": scope["path"]})


def _finish(span: Span, method: str, route: str, status: int) -> None:
    from opentelemetry.trace import Status, StatusCode

    span.update_name(f"{method} {route}")
    span.set_attribute("http.route", route)
    span.set_attribute("http.response.status_code", status)
    if status >= 500:
        span.set_status(Status(StatusCode.ERROR))


@dataclass
class MetricsServer:
    """prometheus-client's exposition server, in its own thread."""

    server: WSGIServer
    thread: Thread
    url: str

    async def stop(self) -> None:
        def close() -> None:
            self.server.shutdown()  # waits for the serving loop: off the event loop
            self.server.server_close()
            self.thread.join(5)

        await asyncio.to_thread(close)


def serve_metrics(metrics: ApiMetrics, host: str, port: int) -> MetricsServer | None:
    """Serve `metrics` at http://host:port/metrics; None (logged) if the port cannot be
    bound: the API still serves, without its metrics."""
    try:
        server, thread = start_http_server(port, addr=host, registry=metrics.registry)
    except OSError as error:
        logger.error("API metrics not served: cannot listen on %s:%s (%s); set "
                     "RECTRACK_API_METRICS_PORT", host, port, error.strerror)
        return None
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{server.server_port}/metrics"
    logger.info("API metrics at %s", url)
    return MetricsServer(server=server, thread=thread, url=url)
