"""Alembic migrations: a store written by the code before Alembic upgrades in place, and
the migrated schema is exactly the models' on both backends.

`data/store-3ab6ea1.db` was written by commit 3ab6ea1's own `create_tables` and
`apply_event` (data/make_store_3ab6ea1.py), the code just before Alembic;
`data/store-3876583.db` by the first release's (data/make_store_3876583.py). Each test
upgrades a copy.
"""

from __future__ import annotations

import shutil
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

import store.tables
import store.tokens  # noqa: F401  (the api_token table, part of the metadata compared)
from domain.vocabulary import EventKind
from store.db import make_engine
from store.events import apply_event
from store.migrate import (
    HEAD_REVISION,
    StoreOutOfDate,
    detect_revision,
    head_revision,
    require_current,
    upgrade,
)
from store.queries import get_memo_view, list_timeline
from store.tables import Delivery
from tests.activities.activity_samples import event_record, issued_state

OLD_STORE = Path(__file__).parent / "data" / "store-3ab6ea1.db"
FIRST_RELEASE_STORE = Path(__file__).parent / "data" / "store-3876583.db"
TABLES = ("memo", "recommendation", "event", "delivery", "api_token")


def differences(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))


def rows(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        return {t: [dict(r._mapping)
                    for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1, 2"))]
                for t in TABLES if t in names}


def old_copy(tmp_path: Path, source: Path = OLD_STORE) -> Engine:
    target = tmp_path / "store.db"
    shutil.copyfile(source, target)
    return make_engine(f"sqlite:///{target}")


def test_a_store_of_3ab6ea1_upgrades_in_place(tmp_path: Path) -> None:
    engine = old_copy(tmp_path)
    try:
        before = rows(engine)
        assert len(before["event"]) == 6 and len(before["delivery"]) == 2
        with engine.connect() as conn:
            assert detect_revision(conn) == "0003"
        try:
            require_current(engine)
            raise AssertionError("an unversioned store passed require_current")
        except StoreOutOfDate as error:
            assert "rectrack db upgrade" in str(error)

        result = upgrade(engine)

        assert (result.before, result.detected, result.applied) == (None, "0003", ["0004", "0005"])
        assert differences(engine) == []
        require_current(engine)
        after = rows(engine)
        for table, old_rows in before.items():  # every old value kept, new columns null
            assert len(after[table]) == len(old_rows), table
            for old, new in zip(old_rows, after[table], strict=True):
                assert {k: new[k] for k in old} == old, table
        assert all(r["attention"] is None for r in after["memo"] + after["recommendation"])
        assert all(r["attempt_key"] is None for r in after["delivery"])

        with Session(engine) as session:  # today's code reads and writes the old rows
            view = get_memo_view(session, memo_id="CRCL-2022-ICE-FRD", today=date(2023, 6, 1))
            assert view is not None and (view.counts.concurred, view.counts.non_concurred) \
                == (1, 2)
            assert len(list_timeline(session, memo_id="CRCL-2022-ICE-FRD", number=None)) == 4
            state = issued_state("NEW-2026-1")
            apply_event(session, record=event_record(state, 1, EventKind.MEMO_ISSUED))
            assert session.get(Delivery, 2) is not None
        assert upgrade(engine).applied == []  # at head: nothing to do
    finally:
        engine.dispose()


def test_a_store_of_the_first_release_upgrades_and_is_filled_in(tmp_path: Path) -> None:
    engine = old_copy(tmp_path, FIRST_RELEASE_STORE)
    try:
        before = rows(engine)
        result = upgrade(engine)
        assert (result.detected, result.applied) == ("0001", ["0002", "0003", "0004", "0005"])
        assert differences(engine) == []
        after = rows(engine)
        for table, old_rows in before.items():
            assert [{k: new[k] for k in old} for old, new in
                    zip(old_rows, after[table], strict=True)] == old_rows, table
        recs = {(r["memo_id"], r["number"]): r for r in after["recommendation"]}
        ice = recs[("CRCL-2022-ICE-FRD", 2)]
        assert (ice["component"], ice["issued_on"], ice["days_to_response"], ice["ended_on"],
                ice["last_event_seq"], ice["detail"]) == (
            "ICE", "2022-09-30", 122, None, 0, None)  # raw SQLite values: dates as text
        # Withdrawn without a date: the day its memo row last changed, in New York.
        [memo] = [m for m in after["memo"] if m["memo_id"] == "OIG-2024-CBP-HOLD"]
        changed = datetime.fromisoformat(str(memo["updated_at"])).replace(tzinfo=UTC)
        assert recs[("OIG-2024-CBP-HOLD", 1)]["ended_on"] == changed.astimezone(
            ZoneInfo("America/New_York")).date().isoformat()
        with Session(engine) as session:
            view = get_memo_view(session, memo_id="CRCL-2022-ICE-FRD", today=date(2023, 6, 1))
            assert view is not None and view.counts.non_concurred == 2
    finally:
        engine.dispose()


def test_migrated_schema_equals_the_models(blank_engine: Engine) -> None:
    result = upgrade(blank_engine)
    assert (result.before, result.detected) == (None, None)
    assert result.applied == ["0001", "0002", "0003", "0004", "0005"]
    assert differences(blank_engine) == []
    assert "rectrack db upgrade" not in upgrade(blank_engine).describe()


def test_a_store_newer_than_the_code_is_refused(blank_engine: Engine) -> None:
    upgrade(blank_engine)
    with blank_engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(StoreOutOfDate, match="0099, which this rectrack does not know"):
        upgrade(blank_engine)
    with pytest.raises(StoreOutOfDate, match="at revision 0099"):
        require_current(blank_engine)
    with blank_engine.connect() as conn:  # nothing was changed
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0099"


def test_a_store_made_by_create_all_is_recognised_at_head(blank_engine: Engine) -> None:
    """Today's models created without Alembic (create_tables before it): stamped only."""
    SQLModel.metadata.create_all(blank_engine)
    result = upgrade(blank_engine)
    assert (result.detected, result.applied) == ("0005", [])
    assert differences(blank_engine) == []


def test_each_unversioned_revision_is_recognised(blank_engine: Engine) -> None:
    """A store left at each revision, version table dropped (as before Alembic), is
    recognised and upgraded to the models' schema."""
    for revision in ("0001", "0002", "0003"):
        upgrade(blank_engine, revision)
        with blank_engine.begin() as conn:
            conn.execute(text("DROP TABLE alembic_version"))
            assert detect_revision(conn) == revision
        result = upgrade(blank_engine)
        assert result.detected == revision
        assert differences(blank_engine) == []
        with blank_engine.begin() as conn:
            for table in ("api_token", "delivery", "event", "recommendation", "memo",
                          "alembic_version"):
                conn.execute(text(f"DROP TABLE {table}"))


def test_concurrent_upgrades_both_succeed(blank_engine: Engine) -> None:
    """Two processes starting at once on an unversioned old store: one upgrades, the other
    waits for the lock (BEGIN IMMEDIATE, or PostgreSQL's advisory lock) and finds the store
    at head."""
    upgrade(blank_engine, "0003")
    with blank_engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    engines = [blank_engine,
               make_engine(blank_engine.url.render_as_string(hide_password=False))]
    results: list[Any] = []
    barrier = threading.Barrier(2, timeout=10)

    def run(engine: Engine) -> None:
        barrier.wait()
        try:
            results.append(upgrade(engine))
        except BaseException as error:  # pragma: no cover - reported below
            results.append(error)

    threads = [threading.Thread(target=run, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engines[1].dispose()
    assert all(not isinstance(r, BaseException) for r in results), results
    assert sorted(len(r.applied) for r in results) == [0, 2]
    assert differences(blank_engine) == []


def test_the_head_a_read_checks_is_alembics_newest_revision() -> None:
    # require_current compares against HEAD_REVISION without loading Alembic: a new
    # migration must move it too.
    assert HEAD_REVISION == head_revision()
