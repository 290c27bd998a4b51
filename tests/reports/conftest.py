"""Fixtures for the report tests: the store on SQLite and on PostgreSQL (never skipped),
holding the memos of report_samples.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.activities.conftest import engine, pg_engine
from tests.reports.report_samples import fill_store

__all__ = ["engine", "filled", "pg_engine"]


@pytest.fixture
def filled(engine: Engine) -> Iterator[Session]:
    """A session on a store holding the sample memos, on each backend."""
    with Session(engine) as session:
        fill_store(session)
        yield session
