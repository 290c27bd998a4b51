"""Helpers for the API tests: the `Api` harness (server URL, a client per token role),
memo bodies, and the check of a problem document."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml
from sqlmodel import Session

from api.app import create_app
from api.serve import start_api
from store.tokens import create_token
from tests.integration.support import EXAMPLES, Stack

ICE_MEMO = EXAMPLES / "crcl-2022-ice-frd.yaml"
CBP_MEMO = EXAMPLES / "oig-2024-cbp-hold.yaml"
TOKEN_ROLES = {"office": ("office", None), "manager": ("manager", None),
               "ice": ("agency", "ICE"), "cbp": ("agency", "CBP")}


def memo_body(source: Path, memo_id: str, **changes: Any) -> dict[str, Any]:
    """An example memo file as the JSON body of POST /memos, with a new id."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data.update(memo_id=memo_id, **changes)
    loaded: dict[str, Any] = json.loads(json.dumps(data, default=str))
    return loaded


@dataclass
class Api:
    url: str
    stack: Stack
    tokens: dict[str, str]
    clients: dict[str, httpx.AsyncClient]

    def __getitem__(self, who: str) -> httpx.AsyncClient:
        """The client of a token: `office`, `manager`, `ice`, `cbp` (agencies), `anon`."""
        return self.clients[who]

    def client(self, token: str | None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        # uvicorn closes a connection idle for 5 s; a session-long client must not reuse
        # one just as the server closes it (a ReadError under a slow, busy suite).
        return httpx.AsyncClient(base_url=self.url, headers=headers, timeout=30.0,
                                 limits=httpx.Limits(keepalive_expiry=1.0))

    def new_token(self, role: str, component: str | None = None) -> tuple[int, str]:
        with Session(self.stack.engine) as session:
            record, token = create_token(session, name=f"test {role}", role=role,
                                         component=component)
        return record.id, token

    async def issue(self, source: Path = ICE_MEMO, **changes: Any) -> str:
        """Issue a fresh copy of an example memo through the API (office token)."""
        prefix = "ICE" if source == ICE_MEMO else "CBP"
        memo_id = f"API-{prefix}-{uuid.uuid4().hex[:10].upper()}"
        response = await self["office"].post("/memos", json=memo_body(source, memo_id,
                                                                       **changes))
        assert response.status_code == 201, response.text
        return memo_id


def assert_problem(response: httpx.Response, status: int, field: str | None = None) -> \
        dict[str, Any]:
    """A problem document with this status (and `field`, when given)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json", response.headers
    problem: dict[str, Any] = response.json()
    assert set(problem) == {"type", "title", "status", "detail", "field"}, problem
    assert problem["status"] == status and problem["detail"], problem
    if field is not None:
        assert problem["field"] == field, problem
    return problem


@asynccontextmanager
async def serving(stack: Stack,
                  roles: Mapping[str, tuple[str, str | None]]) -> AsyncIterator[Api]:
    """The app on a real uvicorn server on 127.0.0.1, with a token and a client for each
    named role (`who: (role, component)`); everything is closed on exit."""
    running = await start_api(create_app(stack.settings, temporal_client=stack.client),
                              host="127.0.0.1", port=0)
    harness = Api(url=running.url, stack=stack, tokens={}, clients={})
    try:
        for who, (role, component) in roles.items():
            harness.tokens[who] = harness.new_token(role, component)[1]
            harness.clients[who] = harness.client(harness.tokens[who])
        yield harness
    finally:
        for client in harness.clients.values():
            await client.aclose()
        await running.stop()
