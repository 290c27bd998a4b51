"""Reports: memo case officer, report copies on recommendation rows, their indexes, the
API token table; report columns of existing rows filled from what the store holds.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 (commit 74c6d6d)

The fill replaces the former store.backfill: new events keep the columns in sync
(store.events), this covers rows no event touches again. A memo's `case_officer` cannot
be recovered (the store never kept its contacts): it stays null until the memo's next
event.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from store.migrations.steps import (
    NULLABLE_JSON_TYPE,
    TIMESTAMP,
    add_columns,
    create_index,
    create_table,
    no_downgrade,
    partial_where,
)

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OPEN = "implementation <> 'closed'"
IN_PROGRESS = "implementation = 'in_progress'"
CLOCKS = {"action_plan_due_on": OPEN, "revision_due_on": OPEN,
          "status_update_due_on": IN_PROGRESS, "target_completion_on": IN_PROGRESS}
REC_INDEXES = {
    "ix_rec_component_response": ["component", "response", "received_on"],
    "ix_rec_component_days": ["component", "days_to_response", "received_on"],
    "ix_rec_issued_ended": ["issued_on", "ended_on", "component"],
    "ix_rec_ended_issued": ["ended_on", "issued_on", "closure_reason", "component"],
    "ix_rec_received_on": ["received_on", "component"],
    "ix_rec_resolved_on": ["resolved_on", "component"],
}


def upgrade() -> None:
    add_columns("memo", sa.Column("case_officer", sa.String(), nullable=True))
    create_index("ix_memo_status_response_due", "memo",
                 ["status", "response_due_on", "memo_id"])
    add_columns(
        "recommendation",
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("component", sa.String(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("case_officer", sa.String(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("days_to_response", sa.Integer(), nullable=True),
    )
    for clock, rows in CLOCKS.items():
        create_index(f"ix_rec_ticking_{clock}", "recommendation",
                     [clock, "memo_id", "number", "component", "case_officer",
                      "implementation", "on_hold", "resolution"],
                     **partial_where(rows, ticking=True))
    create_index("ix_rec_open_issued", "recommendation",
                 ["issued_on", "memo_id", "number", "implementation"], **partial_where(OPEN))
    create_index("ix_rec_open_component_issued", "recommendation",
                 ["component", "issued_on", "implementation"], **partial_where(OPEN))
    for name, columns in REC_INDEXES.items():
        create_index(name, "recommendation", columns)
    create_table(
        "api_token",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("component", sa.String(length=200), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("revoked_at", TIMESTAMP, nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    create_index("ix_api_token_token_hash", "api_token", ["token_hash"], unique=True)
    fill_report_columns(op.get_bind())


MEMO = sa.table("memo", sa.column("memo_id", sa.String()), sa.column("component", sa.String()),
                sa.column("issued_on", sa.Date()), sa.column("case_officer", sa.String()),
                sa.column("time_zone", sa.String()), sa.column("updated_at", TIMESTAMP))
REC = sa.table("recommendation", *(sa.column(name, sa.String()) for name in (
    "memo_id", "component", "case_officer", "implementation", "resolution")),
    sa.column("number", sa.Integer()), sa.column("days_to_response", sa.Integer()),
    *(sa.column(name, sa.Date()) for name in (
        "issued_on", "ended_on", "resolved_on", "closed_on", "received_on")),
    sa.column("detail", NULLABLE_JSON_TYPE))


def fill_report_columns(conn: sa.Connection) -> int:
    """Fill `component`, `issued_on`, `case_officer`, `resolved_on`, `ended_on` and
    `days_to_response` where missing. Returns the number of row updates: rows given their
    memo's facts, plus rows given dates or days (a row can count in both)."""
    memo, rec = MEMO.c, REC.c

    def from_memo(column: str) -> Any:
        return sa.select(memo[column]).where(memo.memo_id == rec.memo_id).scalar_subquery()

    changed = conn.execute(sa.update(REC).where(rec.issued_on.is_(None)).values(
        component=from_memo("component"), issued_on=from_memo("issued_on"),
        case_officer=from_memo("case_officer"))).rowcount
    rows = conn.execute(
        sa.select(rec.memo_id, rec.number, rec.implementation, rec.ended_on, rec.closed_on,
                  rec.resolved_on, rec.detail, rec.received_on, rec.days_to_response,
                  memo.issued_on.label("memo_issued_on"), memo.time_zone, memo.updated_at)
        .join(MEMO, memo.memo_id == rec.memo_id)
        .where(((rec.implementation == "closed") & rec.ended_on.is_(None))
               | ((rec.resolution == "resolved") & rec.resolved_on.is_(None))
               | (rec.received_on.is_not(None) & rec.days_to_response.is_(None)))).all()
    for row in rows:
        values: dict[str, Any] = {}
        if row.implementation == "closed" and row.ended_on is None:
            # Closed without a date (withdrawn with its memo): the memo's last change.
            values["ended_on"] = row.closed_on or _day_in(row.time_zone, row.updated_at)
        resolved_on = (row.detail or {}).get("resolved_on")
        if row.resolved_on is None and resolved_on:
            values["resolved_on"] = date.fromisoformat(resolved_on)
        if row.received_on is not None and row.days_to_response is None:
            values["days_to_response"] = (row.received_on - row.memo_issued_on).days
        if values:
            conn.execute(sa.update(REC).where(rec.memo_id == row.memo_id,
                                              rec.number == row.number).values(**values))
    return int(changed) + len(rows)


def _day_in(time_zone: str, at: datetime) -> date:
    """The date at instant `at` in `time_zone` (SQLite returns naive UTC)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(ZoneInfo(time_zone)).date()


def downgrade() -> None:
    no_downgrade(revision)
