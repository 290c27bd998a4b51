"""`/healthz` and `/readyz` on a real server: ready when the store and Temporal answer,
503 naming the missing dependency when Temporal cannot be reached."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.serve import start_api
from settings import Settings
from tests.api.support import Api


async def test_live_and_ready_with_the_store_and_temporal_up(api: Api) -> None:
    live = await api["anon"].get("/healthz")
    ready = await api["anon"].get("/readyz")
    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    assert (ready.status_code, ready.json()) == (
        200, {"ready": True, "checks": {"store": "ok", "temporal": "ok"}})


async def test_not_ready_names_temporal_when_it_cannot_be_reached(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("TEMPORAL_ADDRESS", f"127.0.0.1:{port}")  # nothing listens there
    running = await start_api(create_app(Settings(home=tmp_path)), port=0)
    try:
        async with httpx.AsyncClient(base_url=running.url, timeout=30) as client:
            live = await client.get("/healthz")
            ready = await client.get("/readyz")
    finally:
        await running.stop()
    assert live.status_code == 200
    assert ready.status_code == 503
    body = ready.json()
    assert body["ready"] is False and body["checks"]["store"] == "ok"
    assert f"127.0.0.1:{port}" in body["checks"]["temporal"]
