"""Alembic environment: migrations run on the connection `store.migrate` hands over.

There is no URL here and no alembic.ini: `store.migrate.alembic_config` puts the open
connection (already in a transaction, holding the upgrade lock) into
`config.attributes["connection"]`. The target metadata is the models' (store.tables and
store.tokens), so `rectrack db revision --autogenerate` compares against them.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import store.tables
import store.tokens  # noqa: F401  (registers the api_token table)

config = context.config
connection = config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("store migrations run through store.migrate (rectrack db upgrade)")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    # SQLite cannot ALTER most things in place: autogenerate writes batch operations.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
