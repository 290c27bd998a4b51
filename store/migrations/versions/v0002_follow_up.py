"""Follow-up phase: hold and publication columns, recommendation clocks and own events.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 (commit 074e1f5)

Recommendation rows written before this have `detail` NULL and `last_event_seq` 0; the
store rebuilds their state from the columns (store.queries.recommendation_state).
"""

from __future__ import annotations

import sqlalchemy as sa

from store.migrations.steps import NULLABLE_JSON_TYPE, add_columns, create_index, no_downgrade

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_columns(
        "memo",
        sa.Column("publication_due_on", sa.Date(), nullable=True),
        sa.Column("on_hold", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("summary_published_on", sa.Date(), nullable=True),
    )
    add_columns(
        "recommendation",
        sa.Column("action_plan_due_on", sa.Date(), nullable=True),
        sa.Column("revision_due_on", sa.Date(), nullable=True),
        sa.Column("status_update_due_on", sa.Date(), nullable=True),
        sa.Column("target_completion_on", sa.Date(), nullable=True),
        sa.Column("on_hold", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closure_justification", sa.String(), nullable=True),
        sa.Column("evidence_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_event_seq", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("detail", NULLABLE_JSON_TYPE, nullable=True),
    )
    add_columns("event", sa.Column("number", sa.Integer(), nullable=True))
    create_index("ix_event_memo_id_number", "event", ["memo_id", "number"])


def downgrade() -> None:
    no_downgrade(revision)
