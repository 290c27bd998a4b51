"""Operating rectrack (issue 11): metrics, traces and JSON logs from real processes.

One dev server and one `rectrack worker` subprocess per module, the worker with its
Prometheus port (RECTRACK_METRICS_PORT), tracing to a real OTLP/HTTP receiver on
127.0.0.1 (a tiny HTTP server recording what is POSTed to /v1/traces) and JSON logs. A
memo issued by `rectrack issue` (traced too) then shows up as Temporal SDK metrics with
the worker's task queue, as one trace from the CLI's StartWorkflow to the worker's
RunWorkflow and activities, and in the worker's JSON log lines. In-process: the API's
request counter rises on its metrics port after each GET, labelled by route template,
with a span per request; and with nothing configured no interceptor, runtime, metrics or
tracer is installed.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import cast

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.contrib.pydantic import pydantic_data_converter

from api.app import create_app
from api.metrics import Observe
from api.serve import start_api
from app import telemetry
from app.temporal import connect
from cli.devserver import DevServer
from settings import Settings
from tests.helpers import http_server
from tests.integration.support import (
    RECTRACK,
    ROOT,
    cli_env,
    eventually,
    free_address,
    run_cli,
    started_dev_server,
    unique_id,
    write_memo,
)


@dataclass(frozen=True)
class Span:
    service: str
    name: str
    trace_id: str
    attributes: dict[str, str]


@dataclass
class Receiver:
    """What an OTLP/HTTP collector was sent, span by span."""

    spans: list[Span] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, body: bytes) -> None:
        request = ExportTraceServiceRequest.FromString(body)
        for resource in request.resource_spans:
            service = next((a.value.string_value for a in resource.resource.attributes
                            if a.key == "service.name"), "")
            with self.lock:
                self.spans += [Span(service, s.name, s.trace_id.hex(),
                                    {a.key: a.value.string_value for a in s.attributes})
                               for scope in resource.scope_spans for s in scope.spans]

    def named(self, name: str) -> list[Span]:
        with self.lock:
            return [s for s in self.spans if s.name == name]


@pytest.fixture(scope="module")
def receiver() -> Iterator[tuple[Receiver, str]]:
    found = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            if self.path == "/v1/traces":
                found.record(body)
            answer = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    with http_server(Handler) as server:
        yield found, f"http://127.0.0.1:{server.server_port}"


@dataclass
class Observed:
    """The dev server, the worker subprocess and what they were configured with."""

    server: DevServer
    env: dict[str, str]  # the CLI's: the worker's without its metrics port and log format
    metrics_url: str
    worker_log: Path
    receiver: Receiver
    memo_id: str


def _port() -> int:
    return int(free_address().rpartition(":")[2])


@pytest.fixture(scope="module")
async def observed(tmp_path_factory: pytest.TempPathFactory,
                   receiver: tuple[Receiver, str]) -> AsyncIterator[Observed]:
    home = tmp_path_factory.mktemp("observability")
    found, endpoint = receiver
    server = await started_dev_server(None, log_file=home / "temporal.log")
    env = {k: v for k, v in cli_env(home, server.address, unique_id("obs")).items()
           if not k.startswith("OTEL_")}
    env.update(RECTRACK_OTEL_ENDPOINT=endpoint, OTEL_BSP_SCHEDULE_DELAY="100")
    port = _port()
    worker_env = {**env, "RECTRACK_METRICS_PORT": str(port), "RECTRACK_LOG_FORMAT": "json",
                  "RECTRACK_OTEL_SERVICE_NAME": "rectrack-worker"}
    log = home / "worker.log"
    out = await asyncio.to_thread(log.open, "wb")
    with out:
        worker = await asyncio.create_subprocess_exec(
            str(RECTRACK), "worker", env=worker_env, cwd=ROOT, stdout=out, stderr=out)
    try:
        async def polling() -> bool:
            assert worker.returncode is None, log.read_text()
            return "worker polling task queue" in await asyncio.to_thread(log.read_text)

        await eventually(polling, "the worker polls its task queue", within=30)
        memo_id = unique_id("OBS")
        issued = await run_cli("issue", write_memo(home, memo_id),
                               env={**env, "RECTRACK_OTEL_SERVICE_NAME": "rectrack-cli"})
        assert issued.returncode == 0 and "not yet in the store" not in issued.stdout, issued
        yield Observed(server=server, env=env, metrics_url=f"http://127.0.0.1:{port}/metrics",
                       worker_log=log, receiver=found, memo_id=memo_id)
    finally:
        if worker.returncode is None:
            worker.terminate()
        await asyncio.wait_for(worker.wait(), 30)
        server.stop()


async def test_the_worker_serves_temporal_metrics_for_its_task_queue(
        observed: Observed) -> None:
    queue = f'task_queue="{observed.env["RECTRACK_TASK_QUEUE"]}"'
    wanted = ("temporal_workflow_task_execution_latency", "temporal_activity_execution_latency",
              "temporal_workflow_task_schedule_to_start_latency", "temporal_num_pollers",
              "temporal_worker_task_slots_available")
    text = ""

    async def scraped() -> bool:
        nonlocal text
        async with httpx.AsyncClient() as http:
            text = (await http.get(observed.metrics_url)).text
        lines = [line for line in text.splitlines() if queue in line]
        return all(any(line.startswith(name) for line in lines) for name in wanted)

    await eventually(scraped, "the Temporal metrics of the worker's task queue", within=15)
    assert 'activity_type="record_event"' in text, text
    assert "temporal_request{" in text  # the client's calls, by operation


async def test_one_trace_from_the_cli_to_the_worker(observed: Observed) -> None:
    spans = observed.receiver

    async def traced() -> bool:
        return bool(spans.named("RunWorkflow:MemoWorkflow")
                    and spans.named("RunActivity:record_event"))

    await eventually(traced, "the worker's spans reach the collector", within=15)
    [started] = [s for s in spans.named("StartWorkflow:MemoWorkflow")
                 if s.attributes.get("temporalWorkflowID") == f"memo/{observed.memo_id}"]
    assert started.service == "rectrack-cli"  # flushed before the CLI left
    runs = [s for s in spans.named("RunWorkflow:MemoWorkflow") if s.trace_id == started.trace_id]
    assert runs and {s.service for s in runs} == {"rectrack-worker"}
    assert any(s.trace_id == started.trace_id for s in spans.named("RunActivity:record_event"))


async def test_the_worker_logs_json_lines(observed: Observed) -> None:
    lines = [line for line in observed.worker_log.read_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    polling = [e for e in entries if e["message"].startswith("worker polling task queue")]
    assert polling and polling[0]["logger"] == "rectrack" and polling[0]["level"] == "INFO"
    assert any(e["message"] == f"Temporal worker metrics at {observed.metrics_url}"
               for e in entries), entries
    assert all(e["time"].endswith("Z") for e in entries)


async def test_api_request_metrics_and_spans(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    port = _port()
    monkeypatch.setenv("RECTRACK_API_METRICS_PORT", str(port))
    monkeypatch.setenv("RECTRACK_OTEL_ENDPOINT", "http://127.0.0.1:9")  # tracing on; never sent
    settings = Settings(home=tmp_path)
    spans = InMemorySpanExporter()  # this process's provider, replaced for the test
    provider = telemetry.build_tracer_provider(settings, exporter=spans)
    monkeypatch.setattr(telemetry._Process, "tracer_provider", provider)
    running = await start_api(create_app(settings), port=0)
    counter = 'rectrack_api_requests_total{method="GET",route="/healthz",status="200"}'
    try:
        async with httpx.AsyncClient() as http:
            await http.get(f"{running.url}/healthz")
            first = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
            await http.get(f"{running.url}/healthz")
            await http.get(f"{running.url}/memos/NOT-A-MEMO")  # 401: no token
            second = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
    finally:
        await running.stop()
    assert f"{counter} 1.0" in first, first
    assert f"{counter} 2.0" in second, second
    assert ('rectrack_api_requests_total{method="GET",route="/memos/{memo_id}",status="401"} '
            '1.0') in second
    assert "rectrack_api_request_duration_seconds_bucket" in second
    provider.force_flush()
    names = [(s.name, (s.attributes or {}).get("http.response.status_code"))
             for s in spans.get_finished_spans()]
    assert names == [("GET /healthz", 200), ("GET /healthz", 200),
                     ("GET /memos/{memo_id}", 401)]
    provider.shutdown()


async def test_nothing_configured_installs_nothing(observed: Observed, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("RECTRACK_", "OTEL_")):
            monkeypatch.delenv(name)
    settings = Settings(home=tmp_path)
    client = await connect(settings, data_converter=pydantic_data_converter,
                           target_host=observed.server.address)
    assert await client.count_workflows() is not None
    assert client.config()["interceptors"] == []
    assert client.service_client.config.runtime is None  # the SDK's default runtime
    assert telemetry._Process.tracer_provider is None and telemetry._Process.runtime is None
    app = create_app(settings)
    [observe] = [m for m in app.user_middleware if cast(object, m.cls) is Observe]
    assert observe.kwargs == {"metrics": None, "tracer": None}
