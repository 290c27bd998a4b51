"""Schema steps that skip what the store already has.

Before Alembic, `create_tables` added missing columns and indexes by hand at every start,
so an old store can hold part of a later revision (a start that stopped halfway, or
columns added by hand). `store.migrate` stamps such a store at the newest revision it
holds completely; these helpers let the next revisions add only what is still missing.
Types are spelled out here, not taken from the models, so a revision keeps meaning what
it meant when it was written.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
NULLABLE_JSON_TYPE = sa.JSON(none_as_null=True).with_variant(
    postgresql.JSONB(none_as_null=True), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)


def _inspector() -> sa.Inspector:
    return sa.inspect(op.get_bind())


def has_table(name: str) -> bool:
    return _inspector().has_table(name)


def create_table(name: str, *items: Any) -> None:
    """CREATE TABLE `name` unless it exists."""
    if not has_table(name):
        op.create_table(name, *items)


def add_columns(table: str, *columns: sa.Column[Any]) -> None:
    """ALTER TABLE ADD COLUMN for each of `columns` the table lacks (nullable or with a
    server default, so that tables with rows take them)."""
    present = {c["name"] for c in _inspector().get_columns(table)}
    for column in columns:
        if column.name not in present:
            op.add_column(table, column)


def create_index(name: str, table: str, columns: list[str], **kw: Any) -> None:
    """CREATE INDEX unless an index of that name exists on `table`."""
    if name not in {i["name"] for i in _inspector().get_indexes(table)}:
        op.create_index(name, table, columns, **kw)


def partial_where(where: str, *, ticking: bool = False) -> dict[str, Any]:
    """The `sqlite_where`/`postgresql_where` pair of a partial index (store.tables)."""
    hold = {"sqlite": " AND on_hold = 0", "postgresql": " AND NOT on_hold"}
    return {f"{dialect}_where": sa.text(where + (suffix if ticking else ""))
            for dialect, suffix in hold.items()}


def no_downgrade(revision: str) -> None:
    raise NotImplementedError(f"revision {revision} has no downgrade: restore a backup "
                              "of the store taken before the upgrade")
