"""Fill the report columns of recommendation rows written before those columns existed.

`store.db.create_tables` calls `backfill_report_columns` after it added them to an old
store. New events keep them in sync (store.events); this covers rows no event touches
again. The memo's `case_officer` cannot be recovered (the store never kept the memo's
contacts): it stays null until the memo's next event.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session
from sqlmodel import select as select_rows

from activities.deadlines import today_in
from domain.vocabulary import Implementation
from store.tables import Memo, Recommendation

REPORT_COLUMNS = frozenset({"component", "issued_on", "case_officer", "ended_on",
                            "resolved_on", "days_to_response"})


def backfill_report_columns(engine: Engine) -> int:
    """Fill `component`, `issued_on`, `case_officer`, `resolved_on`, `ended_on` and
    `days_to_response` where they are missing. Returns the number of row updates: rows
    given their memo's facts, plus rows given dates or days (a row can count in both)."""
    memo_table = Memo.metadata.tables["memo"]
    rec_table = Recommendation.metadata.tables["recommendation"]
    memo, rec = memo_table.c, rec_table.c

    def from_memo(column: str) -> object:
        return select(memo[column]).where(memo.memo_id == rec.memo_id).scalar_subquery()

    changed = 0
    with engine.begin() as conn:
        result = conn.execute(update(rec_table).where(rec.issued_on.is_(None))
                              .values(component=from_memo("component"),
                                      issued_on=from_memo("issued_on"),
                                      case_officer=from_memo("case_officer")))
        changed += result.rowcount
    with Session(engine) as session:
        rows = session.exec(select_rows(Recommendation, Memo).join(Memo).where(
            ((rec.implementation == Implementation.CLOSED.value) & rec.ended_on.is_(None))
            | ((rec.resolution == "resolved") & rec.resolved_on.is_(None))
            | (rec.received_on.is_not(None) & rec.days_to_response.is_(None)))).all()
        for row, parent in rows:
            if row.implementation == Implementation.CLOSED.value and row.ended_on is None:
                # Closed without a date (withdrawn with its memo): the memo's last change.
                row.ended_on = row.closed_on or today_in(parent.time_zone, parent.updated_at)
            resolved_on = (row.detail or {}).get("resolved_on")
            if row.resolved_on is None and resolved_on:
                row.resolved_on = date.fromisoformat(resolved_on)
            if row.received_on is not None and row.days_to_response is None:
                row.days_to_response = (row.received_on - parent.issued_on).days
            session.add(row)
        session.commit()
        changed += len(rows)
    return changed
