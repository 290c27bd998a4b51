"""What every service call is given: settings, one store engine, one Temporal client.

An entry point builds one `Context` per process (the CLI) or per app (the API) and
passes it down; the service layer never builds engines or clients of its own.

Temporal is imported only when the client or the payload converter is first asked for,
so a command that only reads the store (`rectrack show`, `rectrack list`) starts without
loading temporalio and the workflow definitions.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import Session

from app.errors import Unavailable
from settings import Settings

if TYPE_CHECKING:
    from temporalio.client import Client
    from temporalio.converter import DataConverter
    from temporalio.runtime import Runtime

Result = TypeVar("Result")


class Context:
    """Settings, the store's engine and the Temporal client (injected, or connected on
    first use through app.temporal.connect: the TEMPORAL_* settings or profile, with
    `runtime` when given: a worker's metrics runtime, app.telemetry)."""

    def __init__(self, settings: Settings, engine: Engine, client: Client | None = None,
                 *, unreachable_hint: str = "", runtime: Runtime | None = None) -> None:
        self.settings = settings
        self.engine = engine
        self._client = client
        self._hint = unreachable_hint  # what to add when Temporal cannot be reached
        self._runtime = runtime
        self._connecting = asyncio.Lock()

    @functools.cached_property
    def data_converter(self) -> DataConverter:
        """The payload converter, encrypting with the configured keys (app.encryption):
        the keys are read once per Context, not on every client or codec request."""
        from app.encryption import data_converter

        return data_converter(self.settings)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine) as session:
            yield session

    async def read(self, query: Callable[[Session], Result]) -> Result:
        """`query(session)` in a worker thread (the session blocks); a store without
        tables, or unreachable, is Unavailable."""

        def run() -> Result:
            with self.session() as session:
                return query(session)

        try:
            return await asyncio.to_thread(run)
        except (OperationalError, ProgrammingError) as error:
            raise Unavailable(store_problem(error)) from None

    async def client(self) -> Client:
        """The Temporal client; Unavailable if Temporal cannot be reached."""
        if self._client is not None:
            return self._client
        async with self._connecting:
            if self._client is None:
                from app.temporal import connect

                try:
                    self._client = await connect(self.settings,
                                                 data_converter=self.data_converter,
                                                 runtime=self._runtime)
                except RuntimeError as error:  # app.temporal.ConnectError
                    raise Unavailable(f"{error}{self._hint}") from None
        return self._client


def store_problem(error: Exception) -> str:
    """One line for a store that cannot answer: no tables yet, or unreachable."""
    text = str(getattr(error, "orig", error)).strip().splitlines()[0]
    if "no such table" in text or "does not exist" in text:
        return f"the store has no tables yet ({text}); run `rectrack db upgrade`"
    return f"the store cannot be read: {text}"
