"""The store's schema, by Alembic: upgrade at start, check (never change) on a read.

- `upgrade(engine)` brings the store to the newest revision: a store without tables gets
  them all; a store made before Alembic (tables, no `alembic_version`) is recognised by
  the columns it has, stamped at that revision, then upgraded in place. The worker, the
  API server, `rectrack dev` and `rectrack db upgrade` call it.
- `require_current(engine)` is for read paths (CLI show, list, report, ...): one SELECT of
  the version, no DDL; a store behind the code is an error naming the fix.

Several processes may start at once (worker, API, CLI), so an upgrade runs in one
transaction behind a lock: `BEGIN IMMEDIATE` on SQLite, a transaction-scoped advisory
lock on PostgreSQL (whose DDL is transactional). The loser waits, then finds the store at
head and does nothing. A store already at head takes neither lock nor DDL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, Engine

from store.db import make_engine

if TYPE_CHECKING:
    from alembic.config import Config

# The newest migration's revision, so that a read command checks the store without
# loading Alembic and every migration script (a third of the CLI's start-up).
# tests/store/test_migrations.py keeps it equal to Alembic's own head.
HEAD_REVISION = "0005"

MIGRATIONS = Path(__file__).parent / "migrations"
STORE_TABLES = ("memo", "recommendation", "event", "delivery", "api_token")
PG_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext('rectrack-schema:' || current_schema()))"


class StoreOutOfDate(RuntimeError):
    """The store's schema is behind (or ahead of) this code's."""


@dataclass
class UpgradeResult:
    """What `upgrade` did: the revision before (None: no version), an unversioned store's
    detected revision, the revisions applied, in order."""

    before: str | None
    detected: str | None = None
    applied: list[str] = field(default_factory=list)
    head: str = ""

    def describe(self) -> str:
        if not self.applied and self.detected is None:
            return f"store at {self.head} (head): nothing to do"
        lines = []
        if self.detected is not None:
            lines.append(f"store without a version recognised as {self.detected}: stamped")
        lines += [f"applied {rev}" for rev in self.applied]
        lines.append(f"store at {self.head} (head)")
        return "\n".join(lines)


def alembic_config(connection: Connection | None = None) -> Config:
    """The Alembic configuration of the packaged migrations (no alembic.ini)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision, as Alembic reads it from the migration scripts."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(conn: Connection) -> str | None:
    """The store's revision (None: not versioned), read straight from `alembic_version`."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def detect_revision(conn: Connection) -> str | None:
    """The newest revision an unversioned store holds completely (None: no tables).

    Each revision is known by the columns it added: 0002 `recommendation.detail`, 0003
    `recommendation.component` and the `api_token` table, 0004 `delivery.attempt_key` and
    `memo.attention`, 0005 `event.chain_seq`. A partly added later revision is completed
    by its migration, which adds only what is missing (store.migrations.steps).
    """
    inspector = inspect(conn)
    tables = set(inspector.get_table_names())
    if not tables & set(STORE_TABLES):
        return None
    if "memo" not in tables or "recommendation" not in tables:
        raise StoreOutOfDate(f"unrecognised store: tables {sorted(tables)} but no memo or "
                             "recommendation table")
    columns = {t: {c["name"] for c in inspector.get_columns(t)}
               for t in ("memo", "recommendation", "delivery", "event") if t in tables}
    if "chain_seq" in columns.get("event", set()) and "attention" in columns["memo"]:
        return "0005"
    if "attempt_key" in columns.get("delivery", set()) and "attention" in columns["memo"]:
        return "0004"
    if "component" in columns["recommendation"] and "api_token" in tables:
        return "0003"
    if "detail" in columns["recommendation"]:
        return "0002"
    return "0001"


def upgrade(engine: Engine, target: str = "head") -> UpgradeResult:
    """Bring the store to head (see the module docstring); returns what was done.

    `target` is for tests that need a store of an older revision."""
    from alembic import command
    from alembic.script import ScriptDirectory

    head = head_revision() if target == "head" else target
    with engine.connect() as conn:
        if current_revision(conn) == head:
            return UpgradeResult(before=head, head=head)
    with _locked(engine) as conn:
        before = current_revision(conn)
        result = UpgradeResult(before=before, head=head)
        if before is None:
            result.detected = detect_revision(conn)
            if result.detected is not None:
                command.stamp(alembic_config(conn), result.detected)
        start = before or result.detected
        scripts = ScriptDirectory.from_config(alembic_config())
        if start is not None and start not in {s.revision for s in scripts.walk_revisions()}:
            raise StoreOutOfDate(f"the store is at revision {start}, which this rectrack "
                                 f"does not know (its newest is {head_revision()}): run a "
                                 "rectrack at least as new as the one that upgraded it")
        if start != head:
            result.applied = [s.revision for s in reversed(list(
                scripts.iterate_revisions(head, start or "base")))]
            command.upgrade(alembic_config(conn), head)
    return result


def require_current(engine: Engine) -> None:
    """Raise StoreOutOfDate unless the store is at head. Reads only the version."""
    head = HEAD_REVISION
    with engine.connect() as conn:
        current = current_revision(conn)
    if current != head:
        where = f"at revision {current}" if current else "not initialised (no version)"
        raise StoreOutOfDate(f"the store is {where}, this rectrack needs {head}: run "
                             "`rectrack db upgrade` (the worker and `rectrack dev` also "
                             "upgrade at start)")


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that holds the store's upgrade lock, committed at
    the end (rolled back, with all its DDL on PostgreSQL, on error)."""
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            conn.execute(text(PG_LOCK_SQL))
            yield conn
        return
    # pysqlite would commit before each DDL statement: a private engine whose connections
    # leave transactions to us, each begun IMMEDIATE (the write lock, waited for).
    private = make_engine(engine.url.render_as_string(hide_password=False))

    @event.listens_for(private, "connect")
    def _autocommit_driver(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None

    @event.listens_for(private, "begin")
    def _begin_immediate(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    try:
        with private.begin() as conn:
            yield conn
    finally:
        private.dispose()
