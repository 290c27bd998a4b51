"""Stores older than the report columns (revision 0002): migration 0003 adds them and fills
them in from what the store holds."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import column, insert, inspect, table, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from domain.office_time import today_in
from store.db import UTCDateTime
from store.migrate import upgrade
from store.migrations.versions.v0003_reports import fill_report_columns
from store.reports import aging_buckets, overdue_items, period_report
from store.tables import Memo, Recommendation
from tests.activities.conftest import blank_engine
from tests.reports.report_samples import TODAY

__all__ = ["blank_engine"]
AT = datetime(2023, 2, 1, 15, 30, tzinfo=UTC)  # 10:30 in New York


def test_upgrade_adds_and_fills_the_report_columns(blank_engine: Engine) -> None:
    upgrade(blank_engine, "0002")
    memo = table("memo", *(column(c) for c in (
        "memo_id", "title", "component", "kind", "issued_on", "response_due_on", "time_zone",
        "status", "last_event_seq")),
        column("created_at", UTCDateTime), column("updated_at", UTCDateTime))
    rec = table("recommendation", *(column(c) for c in (
        "memo_id", "number", "text", "kind", "priority", "response", "implementation",
        "resolution", "closure_reason")))
    with blank_engine.begin() as conn:
        conn.execute(insert(memo).values(
            memo_id="OLD-1", title="Old memo", component="ICE", kind="recommendation",
            issued_on=date(2022, 9, 30), response_due_on=date(2022, 11, 29),
            time_zone="America/New_York", status="awaiting_response", last_event_seq=1,
            created_at=AT, updated_at=AT))
        conn.execute(insert(rec), [
            {"memo_id": "OLD-1", "number": n, "text": f"Recommendation {n}",
             "kind": "recommendation", "priority": False, "response": "awaiting",
             "implementation": "closed" if n == 3 else "open", "resolution": "unresolved",
             "closure_reason": "withdrawn" if n == 3 else None} for n in (1, 2, 3)])

    assert upgrade(blank_engine).applied == ["0003", "0004", "0005"]

    with blank_engine.connect() as conn:
        indexes = {i["name"] for i in inspect(conn).get_indexes("recommendation")}
    assert {"ix_rec_ticking_action_plan_due_on", "ix_rec_open_issued", "ix_rec_ended_issued"} \
        <= indexes
    with Session(blank_engine) as session:
        rows = session.exec(select(Recommendation).order_by(col(Recommendation.number))).all()
        assert [(r.component, r.issued_on, r.case_officer, r.ended_on) for r in rows] == [
            ("ICE", date(2022, 9, 30), None, None), ("ICE", date(2022, 9, 30), None, None),
            # closed without a date: the day the memo last changed, in New York
            ("ICE", date(2022, 9, 30), None, date(2023, 2, 1))]
        # 2022-09-30 to 2024-03-01 is 518 days: both open ones are over 365.
        assert [b.count for b in aging_buckets(session, today=TODAY)] == [0, 0, 0, 0, 2]
        # The response clock reads the memo row, which had it before the upgrade too.
        [item] = overdue_items(session, today=TODAY)
        assert (item.memo_id, item.clock, item.case_officer) == ("OLD-1", "response", None)
        report = period_report(session, date_from=date(2023, 1, 1), date_to=date(2023, 6, 30))
        assert (report.open_at_start, report.closed, report.open_at_end) == (3, 1, 2)
        assert report.closed_by_reason["withdrawn"] == 1


def test_backfill_restores_what_the_projection_writes(filled: Session) -> None:
    before = {(r.memo_id, r.number): (r.component, r.issued_on, r.case_officer, r.resolved_on,
                                      r.ended_on)
              for r in filled.exec(select(Recommendation))}
    filled.exec(update(Recommendation).values(
        component=None, issued_on=None, case_officer=None, resolved_on=None, ended_on=None))
    filled.commit()
    engine = filled.get_bind()
    assert isinstance(engine, Engine)
    # 11 rows get their memo copies; 6 of them are closed or resolved and get their dates
    # (ICE-1 #1 and #3, ICE-3 #1 and #2, CBP-1 #1 and #2).
    with engine.begin() as conn:
        assert fill_report_columns(conn) == 11 + 6
    filled.expire_all()
    after = {(r.memo_id, r.number): (r.component, r.issued_on, r.case_officer, r.resolved_on,
                                     r.ended_on)
             for r in filled.exec(select(Recommendation))}
    # ICE-3 was withdrawn without a date: the backfill takes the day its memo row last
    # changed (the projection took the day the withdrawal was recorded).
    memo = filled.get(Memo, "ICE-3")
    assert memo is not None
    withdrawn_day = today_in("America/New_York", memo.updated_at)
    for key in (("ICE-3", 1), ("ICE-3", 2)):
        assert after[key][4] == withdrawn_day
        after[key] = before[key]
    assert after == before
