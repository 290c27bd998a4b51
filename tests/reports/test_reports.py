"""Every report on the memos of report_samples.py (read its docstring first), on SQLite and
PostgreSQL. The expected numbers are derived by hand in the comments, as of TODAY =
2024-03-01 (2024 is a leap year: February has 29 days)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from store.reports import (
    REPORT_KINDS,
    aging_buckets,
    concurrence_rates,
    due_soon,
    open_over_a_year,
    overdue_items,
    period_report,
    time_to_response,
)
from store.tables import Memo, Recommendation
from tests.reports.report_samples import TODAY

ALL_ZERO_REASONS = {"implemented": 0, "alternate_action": 0, "not_implemented": 0,
                    "superseded": 0, "no_longer_applicable": 0, "withdrawn": 0,
                    "no_response": 0}


def test_the_projection_fills_the_report_columns(filled: Session) -> None:
    memo = filled.get(Memo, "ICE-1")
    assert memo is not None and memo.case_officer == "Ada"
    rows = {(r.memo_id, r.number): r for r in filled.exec(select(Recommendation))}
    one, three = rows[("ICE-1", 1)], rows[("ICE-1", 3)]
    assert (one.component, one.issued_on, one.case_officer, one.resolved_on, one.ended_on) \
        == ("ICE", date(2022, 9, 30), "Ada", date(2023, 3, 15), None)
    assert (three.resolved_on, three.ended_on) == (date(2023, 3, 15), date(2023, 3, 15))
    # Withdrawn with its memo: no closed_on; ended the day the withdrawal was recorded
    # (2023-09-01 15:00 UTC is 11:00 in New York, the same day).
    withdrawn = rows[("ICE-3", 1)]
    assert (withdrawn.closed_on, withdrawn.ended_on) == (None, date(2023, 9, 1))
    assert rows[("CBP-2", 1)].case_officer is None


def test_overdue_items(filled: Session) -> None:
    items = overdue_items(filled, today=TODAY)
    # Ticking clocks due before 2024-03-01, oldest first:
    # - ICE-1 #2 action plan due 2023-01-30 + 30 = 2023-03-01: 366 days (a year with 02-29);
    # - ICE-1 #1 status update due 2023-03-15 + 90 = 2023-06-13: 18 + 31 + 31 + 30 + 31 +
    #   30 + 31 + 31 + 29 = 262 days;
    # - ICE-1 #1 target completion 2023-12-31: 31 + 29 + 1 = 61 days;
    # - ICE-2 response due 2024-01-30: 1 + 29 + 1 = 31 days.
    # Not: CBP-1 #1 (status update due 2023-08-23, but on hold), CBP-3 (response due
    # 2023-11-30, but the memo is on hold), ICE-1 #3 and ICE-3 (closed), CBP-1 #2 and
    # CBP-2 (not due yet).
    assert [(i.memo_id, i.number, i.clock, i.due_on, i.days_overdue, i.component,
             i.case_officer) for i in items] == [
        ("ICE-1", 2, "action_plan", date(2023, 3, 1), 366, "ICE", "Ada"),
        ("ICE-1", 1, "status_update", date(2023, 6, 13), 262, "ICE", "Ada"),
        ("ICE-1", 1, "target_completion", date(2023, 12, 31), 61, "ICE", "Ada"),
        ("ICE-2", None, "response", date(2024, 1, 30), 31, "ICE", "Ben"),
    ]
    assert overdue_items(filled, today=TODAY, component="CBP") == []
    assert [(i.memo_id, i.clock) for i in overdue_items(filled, today=TODAY,
                                                        case_officer="Ben")] == [
        ("ICE-2", "response")]
    page = overdue_items(filled, today=TODAY, limit=2, offset=1)
    assert [(i.memo_id, i.clock) for i in page] == [("ICE-1", "status_update"),
                                                    ("ICE-1", "target_completion")]
    # A day earlier, ICE-2's response (due 01-30) is overdue by 30 days, not 31.
    assert overdue_items(filled, today=date(2024, 2, 29))[-1].days_overdue == 30


def test_due_soon(filled: Session) -> None:
    # Due between 2024-03-01 and 2024-03-31: CBP-1 #2 target completion 2024-03-10 (9 days
    # left), CBP-2's response 2024-03-15 (14 days left). CBP-1 #1's target 2024-06-30 is
    # later and on hold anyway.
    items = due_soon(filled, within_days=30, today=TODAY)
    assert [(i.memo_id, i.number, i.clock, i.due_on, i.days_left) for i in items] == [
        ("CBP-1", 2, "target_completion", date(2024, 3, 10), 9),
        ("CBP-2", None, "response", date(2024, 3, 15), 14),
    ]
    # Within 44 days: also CBP-1 #2's status update, 2024-01-15 + 90 = 2024-04-14
    # (16 + 29 + 31 + 14 = 90), 30 + 14 = 44 days from 03-01.
    assert [i.clock for i in due_soon(filled, within_days=44, today=TODAY)] == [
        "target_completion", "response", "status_update"]
    assert due_soon(filled, within_days=44, today=TODAY, component="CBP", offset=2)[0] \
        .due_on == date(2024, 4, 14)
    assert due_soon(filled, within_days=0, today=TODAY) == []
    with pytest.raises(ValueError, match="within_days"):
        due_soon(filled, within_days=-1, today=TODAY)


def test_aging_buckets(filled: Session) -> None:
    # Open recommendations and their days since issue on 2024-03-01:
    # ICE-1 #1, #2 (2022-09-30): 518; CBP-1 #1, #2 (2023-02-01): 394; CBP-3 #1 (2023-10-01):
    # 152; ICE-2 #1, #2 (2023-12-01): 31 + 31 + 29 = 91; CBP-2 #1 (2024-02-20): 10.
    # Closed: ICE-1 #3, ICE-3 #1, #2.
    buckets = aging_buckets(filled, today=TODAY)
    assert [(b.bucket, b.count) for b in buckets] == [
        ("0-30", 1), ("31-90", 0), ("91-180", 3), ("181-365", 0), (">365", 4)]
    assert [b.count for b in aging_buckets(filled, today=TODAY, component="ICE")] == [
        0, 0, 2, 0, 2]
    # A day earlier ICE-2 is 90 days old: 31-90.
    assert [b.count for b in aging_buckets(filled, today=date(2024, 2, 29))] == [
        1, 2, 1, 0, 4]
    assert [b.count for b in aging_buckets(filled, today=TODAY, component="none")] == [0] * 5


def test_concurrence_rates(filled: Session) -> None:
    # CBP: CBP-1 #1, #2 concurred -> 2 answered, rate 1.0, partial 0.
    # ICE: ICE-1 #1 concurred, #2 partially, #3 non-concurred -> 3 answered, 1/3 and 1/3.
    rates = concurrence_rates(filled)
    assert [(r.component, r.concurred, r.partially_concurred, r.non_concurred, r.answered)
            for r in rates] == [("CBP", 2, 0, 0, 2), ("ICE", 1, 1, 1, 3)]
    assert (rates[0].concurrence_rate, rates[0].partial_rate) == (1.0, 0.0)
    assert rates[1].concurrence_rate == pytest.approx(1 / 3)
    assert rates[1].partial_rate == pytest.approx(1 / 3)
    # Received between 2023-03-01 and 2023-05-01: ICE-1 #3 (03-01), CBP-1 #1 (05-01).
    ranged = concurrence_rates(filled, date_from=date(2023, 3, 1), date_to=date(2023, 5, 1))
    assert [(r.component, r.concurred, r.non_concurred) for r in ranged] == [
        ("CBP", 1, 0), ("ICE", 0, 1)]
    assert [r.component for r in concurrence_rates(filled, component="ICE")] == ["ICE"]
    with pytest.raises(ValueError, match="date_from 2023-05-02 is after date_to 2023-05-01"):
        concurrence_rates(filled, date_from=date(2023, 5, 2), date_to=date(2023, 5, 1))


def test_time_to_response(filled: Session) -> None:
    # CBP: 2023-02-01 -> 05-01 = 28 + 31 + 30 = 89 days, -> 05-11 = 99: median
    # (89 + 99) / 2 = 94.0; p90 is the ceil(0.9 * 2) = 2nd smallest, 99.
    # ICE: 2022-09-30 -> 2023-01-30 = 31 + 30 + 31 + 30 = 122 (twice), -> 2023-03-01 = 152:
    # median 122; p90 the ceil(2.7) = 3rd smallest, 152.
    times = time_to_response(filled)
    assert [(t.component, t.count, t.median_days, t.p90_days) for t in times] == [
        ("CBP", 2, 94.0, 99), ("ICE", 3, 122.0, 152)]
    # Received from 2023-02-01: ICE-1 #3 only on ICE's side (152).
    assert [(t.component, t.count, t.median_days, t.p90_days) for t in time_to_response(
        filled, component="ICE", date_from=date(2023, 2, 1))] == [("ICE", 1, 152.0, 152)]


def test_open_over_a_year(filled: Session) -> None:
    # Open and issued before 2024-03-01 - 365 days = 2023-03-02: ICE-1 #1, #2 (518 days)
    # and CBP-1 #1, #2 (394 days), oldest first.
    items = open_over_a_year(filled, today=TODAY)
    assert [(i.memo_id, i.number, i.days_open, i.implementation, i.response) for i in items] \
        == [("ICE-1", 1, 518, "in_progress", "concurred"),
            ("ICE-1", 2, 518, "open", "partially_concurred"),
            ("CBP-1", 1, 394, "in_progress", "concurred"),
            ("CBP-1", 2, 394, "in_progress", "concurred")]
    assert [i.memo_id for i in open_over_a_year(filled, today=TODAY, component="CBP",
                                                limit=1)] == ["CBP-1"]
    with pytest.raises(ValueError, match="limit"):
        open_over_a_year(filled, today=TODAY, limit=10**9)


def test_period_report_first_half_of_2023(filled: Session) -> None:
    report = period_report(filled, date_from=date(2023, 1, 1), date_to=date(2023, 6, 30))
    # Open at the end of 2022-12-31: ICE-1 #1, #2, #3 (only memo issued by then) = 3.
    # Issued in the half: CBP-1 (02-01) 2 + ICE-3 (06-01) 2 = 4.
    # Responded: ICE-1 #1, #2 (01-30), #3 (03-01), CBP-1 #1 (05-01), #2 (05-11) = 5.
    # Resolved: ICE-1 #1 and #3 (03-15), CBP-1 #1 (05-25) = 3 (CBP-1 #2: 2024-01-15).
    # Closed: ICE-1 #3 (03-15, not_implemented) = 1.
    # Open at the end: 3 + 4 - 1 = 6.
    assert (report.open_at_start, report.issued, report.responded, report.resolved,
            report.closed, report.open_at_end) == (3, 4, 5, 3, 1, 6)
    assert report.closed_by_reason == {**ALL_ZERO_REASONS, "not_implemented": 1}
    # Unimplemented, oldest first, days open at 2023-06-30: 273, 149, 29.
    assert [(i.memo_id, i.number, i.days_open) for i in report.unimplemented] == [
        ("ICE-1", 1, 273), ("ICE-1", 2, 273), ("CBP-1", 1, 149), ("CBP-1", 2, 149),
        ("ICE-3", 1, 29), ("ICE-3", 2, 29)]
    # ICE only: start 3, issued 2 (ICE-3), responded 3, resolved 2, closed 1, end 4.
    ice = period_report(filled, date_from=date(2023, 1, 1), date_to=date(2023, 6, 30),
                        component="ICE")
    assert (ice.open_at_start, ice.issued, ice.responded, ice.resolved, ice.closed,
            ice.open_at_end) == (3, 2, 3, 2, 1, 4)
    paged = period_report(filled, date_from=date(2023, 1, 1), date_to=date(2023, 6, 30),
                          limit=2, offset=4)
    assert [(i.memo_id, i.number) for i in paged.unimplemented] == [("ICE-3", 1), ("ICE-3", 2)]
    assert paged.open_at_end == 6


def test_period_report_second_half_of_2023(filled: Session) -> None:
    report = period_report(filled, date_from=date(2023, 7, 1), date_to=date(2023, 12, 31))
    # Open at start: the 6 above. Issued: CBP-3 (10-01) 1 + ICE-2 (12-01) 2 = 3.
    # Responded 0, resolved 0 (CBP-1 #2 was resolved 2024-01-15). Closed: ICE-3 #1, #2,
    # withdrawn (recorded 2023-09-01) = 2. Open at end: 6 + 3 - 2 = 7.
    assert (report.open_at_start, report.issued, report.responded, report.resolved,
            report.closed, report.open_at_end) == (6, 3, 0, 0, 2, 7)
    assert report.closed_by_reason == {**ALL_ZERO_REASONS, "withdrawn": 2}
    assert len(report.unimplemented) == 7


def test_period_report_refuses_an_inverted_range(filled: Session) -> None:
    with pytest.raises(ValueError, match="date_from 2023-07-01 is after date_to 2023-06-30"):
        period_report(filled, date_from=date(2023, 7, 1), date_to=date(2023, 6, 30))


def test_report_kinds() -> None:
    assert list(REPORT_KINDS) == ["overdue", "due-soon", "aging", "concurrence",
                                  "time-to-response", "open-over-a-year", "period"]
    assert REPORT_KINDS["overdue"] is overdue_items
