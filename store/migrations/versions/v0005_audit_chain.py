"""The tamper-evident audit log: each memo's events in a hash chain.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 (issue 11)

Adds `event.chain_seq`, `event.prev_hash` and `event.hash` (store.audit_chain) and links
the events already written, memo by memo, in the order they were inserted.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from store.audit_chain import event_hash
from store.migrations.steps import add_columns, create_index, no_downgrade
from store.tables import Event

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_columns("event", sa.Column("chain_seq", sa.Integer(), nullable=True),
                sa.Column("prev_hash", sa.String(length=64), nullable=True),
                sa.Column("hash", sa.String(length=64), nullable=True))
    create_index("uq_event_memo_id_chain_seq", "event", ["memo_id", "chain_seq"], unique=True)
    # Only the columns this revision knows, so that later revisions' columns never matter.
    table: sa.Table = Event.__table__  # type: ignore[attr-defined]
    names = ("id", "event_id", "memo_id", "seq", "number", "kind", "occurred_on",
             "recorded_at", "numbers", "data")
    bind = op.get_bind()
    rows = bind.execute(sa.select(*(table.c[n] for n in names))
                        .where(table.c.chain_seq.is_(None)).order_by(table.c.id)).all()
    last: dict[str, tuple[int, str | None]] = {}
    for row in rows:
        values = dict(zip(names, row, strict=True))
        position, prev = last.get(values["memo_id"], (0, None))
        event = Event(**values, chain_seq=position + 1)
        digest = event_hash(event, prev)
        bind.execute(table.update().where(table.c.id == values["id"]).values(
            chain_seq=position + 1, prev_hash=prev, hash=digest))
        last[values["memo_id"]] = (position + 1, digest)


def downgrade() -> None:
    no_downgrade(revision)
