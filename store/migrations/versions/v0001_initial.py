"""The store as first released: memo, recommendation, event and delivery.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 (the schema of commit 3876583)
"""

from __future__ import annotations

import sqlalchemy as sa

from store.migrations.steps import JSON_TYPE, TIMESTAMP, create_index, create_table, no_downgrade

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_table(
        "memo",
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("office", sa.String(), nullable=True),
        sa.Column("component", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("response_due_on", sa.Date(), nullable=False),
        sa.Column("time_zone", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("response_received_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_reason", sa.String(), nullable=True),
        sa.Column("memo_id", sa.String(length=64), nullable=False),
        sa.Column("last_event_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("memo_id"),
    )
    create_index("ix_memo_component", "memo", ["component"])
    create_index("ix_memo_response_due_on", "memo", ["response_due_on"])
    create_index("ix_memo_status", "memo", ["status"])
    create_table(
        "recommendation",
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("priority", sa.Boolean(), nullable=False),
        sa.Column("response", sa.String(), nullable=False),
        sa.Column("rationale", sa.String(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("implementation", sa.String(), nullable=False),
        sa.Column("resolution", sa.String(), nullable=False),
        sa.Column("closure_reason", sa.String(), nullable=True),
        sa.Column("memo_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["memo_id"], ["memo.memo_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("memo_id", "number"),
    )
    create_index("ix_recommendation_response", "recommendation", ["response"])
    create_table(
        "event",
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("memo_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=True),
        sa.Column("recorded_at", TIMESTAMP, nullable=False),
        sa.Column("numbers", JSON_TYPE, nullable=False),
        sa.Column("data", JSON_TYPE, nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", name="uq_event_event_id"),
    )
    create_index("ix_event_memo_id_seq", "event", ["memo_id", "seq"])
    create_table(
        "delivery",
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("memo_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("target", sa.String(), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(), nullable=True),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    create_index("ix_delivery_idempotency_key", "delivery", ["idempotency_key"])
    create_index("ix_delivery_memo_id", "delivery", ["memo_id"])


def downgrade() -> None:
    no_downgrade(revision)
