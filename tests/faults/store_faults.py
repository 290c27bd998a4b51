"""Store faults: the SQLite file write-locked in pulses, PostgreSQL refusing and dropping.

SQLite: a separate connection takes `BEGIN EXCLUSIVE` on the store's file and holds it for
a pulse, then rolls back. In WAL mode readers go on; writers wait up to the store's busy
timeout (15 s) and then fail with "database is locked", so pulses longer than that make
the activities' writes fail and retry.

PostgreSQL: the store gets a database of its own (`rectrack_faults_<random>`), created
here and dropped with FORCE at the end. The outage is `ALLOW_CONNECTIONS false` (new
connections refused) plus `pg_terminate_backend` of that database's backends (open ones
cut mid-transaction); it ends with `ALLOW_CONNECTIONS true`. The server is never stopped.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine, make_url

ADMIN_URL = os.environ.get(
    "RECTRACK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


async def lock_pulses(db_file: Path, pulses: Sequence[float], *, gap: float) -> int:
    """Hold an exclusive write lock on `db_file` for each pulse; returns pulses held."""
    held = 0
    for seconds in pulses:
        await asyncio.to_thread(_hold_exclusive, db_file, seconds)
        held += 1
        await asyncio.sleep(gap)
    return held


def _hold_exclusive(db_file: Path, seconds: float) -> None:
    conn = sqlite3.connect(db_file, timeout=60.0, isolation_level=None)
    try:
        conn.execute("BEGIN EXCLUSIVE")
        time.sleep(seconds)
        conn.execute("ROLLBACK")
    finally:
        conn.close()


@contextmanager
def _admin() -> Iterator[Engine]:
    """An AUTOCOMMIT engine on the server's admin database, disposed afterwards."""
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        yield admin
    finally:
        admin.dispose()


@contextmanager
def _admin_connection() -> Iterator[Connection]:
    """One connection of `_admin`, for a single outage step."""
    with _admin() as admin, admin.connect() as conn:
        yield conn


@contextmanager
def pg_database() -> Iterator[str]:
    """The URL of a fresh database of its own, dropped (FORCE) afterwards."""
    name = f"rectrack_faults_{uuid.uuid4().hex[:10]}"
    with _admin() as admin:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _database_of(url: str) -> str:
    database = make_url(url).database
    assert database and database.startswith("rectrack_faults_"), url  # never another one
    return database


def pg_refuse(url: str) -> int:
    """Refuse new connections and terminate the open ones; returns backends terminated."""
    name = _database_of(url)
    with _admin_connection() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        return _terminate(conn, name)


def pg_terminate(url: str) -> int:
    """Terminate the database's backends (connections stay allowed)."""
    with _admin_connection() as conn:
        return _terminate(conn, _database_of(url))


def pg_allow(url: str) -> None:
    with _admin_connection() as conn:
        conn.execute(text(f'ALTER DATABASE "{_database_of(url)}" ALLOW_CONNECTIONS true'))


def _terminate(conn: Connection, name: str) -> int:
    rows = conn.execute(text(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name}).all()
    return sum(1 for (ok,) in rows if ok)
