"""Engine construction and the UTC-aware timestamp column type.

`make_engine` takes any SQLAlchemy URL. For a SQLite file it creates the parent
directory and turns on WAL, `synchronous=NORMAL` and foreign keys on every new
connection, so the worker and the CLI can read and write the same file at once.

The schema itself is Alembic's (store.migrate, store/migrations): the worker, the API
server and `rectrack dev` upgrade the store at start; nothing here creates or alters a
table.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Dialect, Engine, make_url
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator
from sqlmodel import create_engine

SQLITE_BUSY_TIMEOUT_SECONDS = 15.0


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always UTC-aware in Python, on SQLite and PostgreSQL alike.

    Naive datetimes are refused on write (a naive value has no defined instant).
    SQLite has no time-zone type, so values are stored there as naive UTC and get
    their zone back on read; PostgreSQL stores `timestamptz` and returns it in the
    session zone, which is converted to UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: use a UTC-aware one")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _on_sqlite_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):  # pragma: no cover - other drivers
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def make_engine(url: str, *, echo: bool = False,
                sqlite_busy_timeout: float = SQLITE_BUSY_TIMEOUT_SECONDS) -> Engine:
    """An engine for `url` (a SQLite file by default, any SQLAlchemy URL).

    `sqlite_busy_timeout`: how long a SQLite write waits for a lock before it fails (and
    its activity retries)."""
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        path = _sqlite_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, echo=echo, connect_args={"timeout": sqlite_busy_timeout}
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)
