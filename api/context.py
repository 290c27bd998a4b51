"""What every request shares: settings, the store's engine, the Temporal client."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.client import Client

from api.problems import ProblemError
from settings import Settings, temporal_connect_config


class AppContext:
    """One per app: one engine, one Temporal client (injected, or connected on first use)."""

    def __init__(self, settings: Settings, engine: Engine, client: Client | None) -> None:
        self.settings = settings
        self.engine = engine
        self._client = client
        self._connecting = asyncio.Lock()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine) as session:
            yield session

    async def client(self) -> Client:
        """The Temporal client; 503 if Temporal cannot be reached."""
        if self._client is not None:
            return self._client
        async with self._connecting:
            if self._client is None:
                from worker import connect

                try:
                    self._client = await connect()
                except RuntimeError as error:
                    address = temporal_connect_config()["target_host"]
                    raise ProblemError(503, f"cannot reach Temporal at {address}: {error}") \
                        from None
        return self._client


def context_of(request: Request) -> AppContext:
    ctx = request.app.state.rectrack
    assert isinstance(ctx, AppContext)
    return ctx
