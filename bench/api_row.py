"""The API row: read latency at 100,000 recommendations.

A store of its own (SQLite, under the run's home) is bulk-loaded by bench.loader, a
manager token is created in it, and `rectrack api` (the real command, a subprocess) serves
it on a free port. Then N rounds of three sequential requests over one keep-alive
connection: `GET /healthz` (the baseline: the same server, auth and routing left out),
`GET /memos/{id}` of a random loaded memo, and `GET /reports/overdue` (its first page, on
the loader's day). Every answer must be 200.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import Session

from bench.latency import p50, p95
from bench.loader import TODAY, load
from bench.report import Row, at_most
from bench.stack import RECTRACK, Stack, base_env, progress, spawn, stop_process, until
from cli.devserver import free_port
from store.db import make_engine
from store.tokens import create_token

PER_MEMO = 10


def _prepare(home: Path, recs: int) -> tuple[str, str]:
    """Load the store; returns its URL and a manager token."""
    home.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{home / 'api.db'}"
    engine = make_engine(url)
    try:
        load(engine, "API store", max(1, recs // PER_MEMO), PER_MEMO)
        with Session(engine) as session:
            _, token = create_token(session, name="bench", role="manager")
    finally:
        engine.dispose()
    return url, token


async def api_latency(stack: Stack, recs: int, requests: int) -> tuple[list[Row], dict[str, Any]]:
    home = stack.home / "api"
    url, token = await asyncio.to_thread(_prepare, home, recs)
    port = free_port()
    env = base_env(home, stack.address, stack.task_queue)
    env["RECTRACK_DATABASE_URL"] = url
    process = spawn([str(RECTRACK), "api", "--port", str(port)], env, home / "api.log")
    memos = max(1, recs // PER_MEMO)
    rng = random.Random(12)
    samples: dict[str, list[float]] = {"healthz": [], "memo": [], "overdue": []}
    failures: list[str] = []
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30,
                                     headers={"Authorization": f"Bearer {token}"}) as http:
            async def up() -> bool:
                if process.poll() is not None:
                    raise RuntimeError(f"rectrack api exited {process.returncode}; "
                                       f"see {home / 'api.log'}")
                try:
                    return (await http.get("/healthz")).status_code == 200
                except httpx.TransportError:
                    return False

            await until(up, "rectrack api answering", 60.0, interval=0.2)
            paths: dict[str, Callable[[], str]] = {"healthz": lambda: "/healthz",
                     "memo": lambda: f"/memos/BENCH-{rng.randrange(memos):06d}",
                     "overdue": lambda: f"/reports/overdue?today={TODAY.isoformat()}"}
            for _ in range(3):  # warm-up: imports, caches, the first connection
                for path in paths.values():
                    await http.get(path())
            for _ in range(requests):
                for name, path in paths.items():
                    target = path()
                    started = time.perf_counter()
                    response = await http.get(target)
                    samples[name].append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        failures.append(f"{target}: {response.status_code}")
    finally:
        await asyncio.to_thread(stop_process, process)
    if failures:
        raise RuntimeError(f"API answers not 200: {failures[:5]}")
    progress(f"API at {recs:,} recs: memo p95 {p95(samples['memo']):.1f} ms, overdue p95 "
             f"{p95(samples['overdue']):.1f} ms, healthz p95 {p95(samples['healthz']):.1f} ms")
    base = "GET /healthz, same server"
    detail = {"recs": recs, "requests": requests}
    label = f"{recs:,} recs"
    return [
        Row(f"API GET /memos/{{id}} p50, {label}", "ms", p50(samples["memo"]),
            p50(samples["healthz"]), base, None, detail),
        Row(f"API GET /memos/{{id}} p95, {label}", "ms", p95(samples["memo"]),
            p95(samples["healthz"]), base, None, detail),
        Row(f"API /reports/overdue p50, {label}", "ms", p50(samples["overdue"]),
            p50(samples["healthz"]), base, None, detail),
        Row(f"API /reports/overdue p95, {label}", "ms", p95(samples["overdue"]),
            p95(samples["healthz"]), base, at_most(50.0), detail),
    ], {"api": {"requests": requests * 3, "failures": len(failures)}}

