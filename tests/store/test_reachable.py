"""A starting worker waits (bounded) for a store that refuses connections, and fails at once
on anything else: unit scenarios with a fake clock, then a real PostgreSQL database that
refuses connections while a real upgrade waits for it."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from store.db import make_engine
from store.migrate import HEAD_REVISION, upgrade
from store.reachable import StoreUnreachable, when_reachable
from tests.faults.store_faults import pg_allow, pg_database, pg_refuse


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def refused(message: str = "connection refused") -> OperationalError:
    return OperationalError("SELECT 1", {}, Exception(message))


def test_a_store_that_comes_up_is_waited_for_with_a_growing_wait() -> None:
    clock, calls = FakeClock(), []

    def action() -> str:
        calls.append(clock.now)
        if len(calls) < 5:
            raise refused()
        return "upgraded"

    assert when_reachable(action, patience=60, sleep=clock.sleep,
                          clock=lambda: clock.now) == "upgraded"
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0]


def test_a_store_that_stays_away_fails_naming_the_last_error() -> None:
    clock = FakeClock()

    def action() -> None:
        raise refused('database "x" is not currently accepting connections')

    with pytest.raises(StoreUnreachable) as raised:
        when_reachable(action, patience=10, sleep=clock.sleep, clock=lambda: clock.now)
    assert str(raised.value).startswith("the store is not reachable after ")
    assert str(raised.value).endswith(
        'in 10 s: database "x" is not currently accepting connections')
    assert sum(clock.sleeps) == pytest.approx(10)  # never waits past its patience


def test_no_patience_means_one_attempt() -> None:
    clock = FakeClock()
    with pytest.raises(StoreUnreachable, match="after 1 attempts"):
        when_reachable(lambda: (_ for _ in ()).throw(refused()), patience=0,
                       sleep=clock.sleep, clock=lambda: clock.now)
    assert clock.sleeps == []


def test_an_error_that_waiting_cannot_fix_is_raised_at_once() -> None:
    clock = FakeClock()

    def action() -> None:
        raise ValueError("the store is at revision 0099, which this rectrack does not know")

    with pytest.raises(ValueError, match="0099"):
        when_reachable(action, patience=60, sleep=clock.sleep, clock=lambda: clock.now)
    assert clock.sleeps == []


@pytest.mark.postgres
def test_an_upgrade_waits_for_a_postgresql_database_that_refuses_connections(
        caplog: pytest.LogCaptureFixture) -> None:
    with pg_database() as url:
        pg_refuse(url)
        allow = threading.Timer(1.5, pg_allow, args=(url,))
        engine = make_engine(url)
        started = time.monotonic()
        allow.start()
        try:
            with caplog.at_level(logging.WARNING, logger="store.reachable"):
                done = when_reachable(lambda: upgrade(engine), patience=30)
        finally:
            allow.join()
        try:
            assert time.monotonic() - started >= 1.5
            assert done.head == HEAD_REVISION and done.before is None
            with engine.connect() as conn:
                assert conn.execute(text("SELECT version_num FROM alembic_version")
                                    ).scalar_one() == HEAD_REVISION
            waits = [r.getMessage() for r in caplog.records]
            assert waits and all("not currently accepting connections" in w for w in waits)
        finally:
            engine.dispose()
