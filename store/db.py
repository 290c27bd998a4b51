"""Engine construction, table creation and the UTC-aware timestamp column type.

`make_engine` takes any SQLAlchemy URL. For a SQLite file it creates the parent
directory and turns on WAL, `synchronous=NORMAL` and foreign keys on every new
connection, so the worker and the CLI can read and write the same file at once.

There is no migration tool: `create_tables` creates missing tables and then brings
existing ones up to date by adding the columns and indexes they lack (`upgrade_tables`).
A column added that way must be nullable or have a server default; the report columns of
recommendation rows are then filled from what the store holds (store.backfill).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, DateTime, Index, MetaData, Table, event, inspect, text
from sqlalchemy.engine import Connection, Dialect, Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.schema import CreateColumn
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel, create_engine

SQLITE_BUSY_TIMEOUT_SECONDS = 15.0
CREATE_ATTEMPTS = 5  # create_tables racing another process: each retry skips what exists


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


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for `url` (a SQLite file by default, any SQLAlchemy URL)."""
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        path = _sqlite_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def create_tables(engine: Engine) -> None:
    """Create every store table that does not exist yet and add missing columns.

    Idempotent, and safe to run from several processes at once (worker and CLI).
    """
    import store.tables
    import store.tokens  # noqa: F401  (the API tokens table)

    for attempt in range(1, CREATE_ATTEMPTS + 1):
        try:
            SQLModel.metadata.create_all(engine)
            break
        except DBAPIError:  # another process created a table between check and CREATE
            if attempt == CREATE_ATTEMPTS:
                raise
    added = upgrade_tables(engine, SQLModel.metadata)
    from store.backfill import REPORT_COLUMNS, backfill_report_columns

    if any(item.removeprefix("recommendation.") in REPORT_COLUMNS for item in added):
        backfill_report_columns(engine)


def upgrade_tables(engine: Engine, metadata: MetaData) -> list[str]:
    """Add the columns, then the indexes, that existing tables of `metadata` lack.

    Returns what was added (`table.column`, `index:name`). Each addition runs in its own
    transaction; one that fails because another process added the same thing meanwhile
    is not an error.
    """
    added: list[str] = []
    for table in metadata.sorted_tables:
        with engine.connect() as conn:
            if not inspect(conn).has_table(table.name):
                continue
            columns = _missing_columns(conn, table)
        for column in columns:
            try:
                with engine.begin() as conn:
                    _add_column(conn, table, column)
            except DBAPIError:
                with engine.connect() as conn:
                    if column.name in {c.name for c in _missing_columns(conn, table)}:
                        raise
            added.append(f"{table.name}.{column.name}")
        with engine.connect() as conn:
            indexes = _missing_indexes(conn, table)
        for index in indexes:
            try:
                with engine.begin() as conn:
                    index.create(conn)
            except DBAPIError:
                with engine.connect() as conn:
                    if index.name in {i.name for i in _missing_indexes(conn, table)}:
                        raise
            added.append(f"index:{index.name}")
    return added


def _missing_columns(conn: Connection, table: Table) -> list[Column[Any]]:
    present = {c["name"] for c in inspect(conn).get_columns(table.name)}
    return [c for c in table.columns if c.name not in present]


def _missing_indexes(conn: Connection, table: Table) -> list[Index]:
    present = {i["name"] for i in inspect(conn).get_indexes(table.name)}
    return sorted((i for i in table.indexes if i.name not in present), key=lambda i: str(i.name))


def _add_column(conn: Connection, table: Table, column: Column[Any]) -> None:
    if column.primary_key or (not column.nullable and column.server_default is None):
        raise RuntimeError(f"cannot add column {table.name}.{column.name} to an existing "
                           "table: it must be nullable or have a server default")
    spec = CreateColumn(column).compile(dialect=conn.dialect)
    name = conn.dialect.identifier_preparer.format_table(table)
    conn.execute(text(f"ALTER TABLE {name} ADD COLUMN {spec}"))
