"""Fixtures for the store and activity tests: real databases, a real HTTP server.

The `engine` fixture runs each test on a fresh SQLite file and on the PostgreSQL at
127.0.0.1:5432 (database `test`, in a schema unique to this test session, dropped at the
end). PostgreSQL being unreachable is an error, never a skip: CI must run both.
Override the server with RECTRACK_TEST_POSTGRES_URL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from activities.activities import RectrackActivities
from settings import Settings
from store.db import make_engine
from store.migrate import upgrade
from tests.activities.activity_samples import WebhookServer, webhook_server

POSTGRES_URL = os.environ.get(
    "RECTRACK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


# -- databases ------------------------------------------------------------------------------


@contextmanager
def pg_schema(prefix: str) -> Iterator[Engine]:
    """An engine whose search_path is a fresh schema in the `test` database, dropped after."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as err:
        admin.dispose()
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is unreachable (it is required): {err}")
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[Engine]:
    """The store's tables in a schema of this test session."""
    with pg_schema("rectrack_test") as engine:
        upgrade(engine)
        yield engine


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A store with empty tables, on each backend."""
    if request.param == "sqlite":
        sqlite_engine = make_engine(f"sqlite:///{tmp_path / 'store' / 'rectrack.db'}")
        upgrade(sqlite_engine)
        yield sqlite_engine
        sqlite_engine.dispose()
        return
    pg: Engine = request.getfixturevalue("pg_engine")
    with pg.begin() as conn:
        conn.execute(text("TRUNCATE event, delivery, recommendation, memo RESTART IDENTITY"))
    yield pg


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def blank_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database without any table, on each backend (PostgreSQL: a schema of its own)."""
    if request.param == "sqlite":
        sqlite_engine = make_engine(f"sqlite:///{tmp_path / 'blank.db'}")
        yield sqlite_engine
        sqlite_engine.dispose()
        return
    with pg_schema("rectrack_blank") as pg:
        yield pg


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as s:
        yield s


@pytest.fixture
def webhook() -> Iterator[WebhookServer]:
    with webhook_server() as state:
        yield state


# -- activities -----------------------------------------------------------------------------


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path, webhook_timeout_seconds=2.0)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def acts(engine: Engine, http: httpx.AsyncClient, settings: Settings) -> RectrackActivities:
    return RectrackActivities(engine=engine, http=http, settings=settings)
