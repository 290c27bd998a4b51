"""Attention reasons on memo and recommendation rows; one delivery row per attempt.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 (commit 313af25)

`delivery.attempt_key` is NULL on older rows; the unique index allows many NULLs on both
backends, so old rows need no value.
"""

from __future__ import annotations

import sqlalchemy as sa

from store.migrations.steps import add_columns, create_index, no_downgrade

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_columns("memo", sa.Column("attention", sa.String(), nullable=True))
    add_columns("recommendation", sa.Column("attention", sa.String(), nullable=True))
    add_columns("delivery", sa.Column("attempt_key", sa.String(length=300), nullable=True))
    create_index("uq_delivery_attempt_key", "delivery", ["attempt_key"], unique=True)


def downgrade() -> None:
    no_downgrade(revision)
