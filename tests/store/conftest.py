"""Store schema tests use the activity tests' databases: a blank SQLite file and a blank
PostgreSQL schema (tests.activities.conftest)."""

from __future__ import annotations

from tests.activities.conftest import blank_engine

__all__ = ["blank_engine"]
