"""activities/deadlines.py: ladder dates become UTC instants in the office time zone.

A notice goes out at 09:00 office time on its step day; a due date is overdue from 00:00
office time on the day after. New York is UTC-5 in winter (EST) and UTC-4 in summer (EDT).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from activities.deadlines import deadline_plan
from activities.models import DeadlinePlan, PlanRequest
from domain.ladder import ReminderLadder
from domain.office_time import local_instant, today_in

NY = "America/New_York"


def utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def plan(due: date, now: datetime, limit: int = 12, **extra: object) -> DeadlinePlan:
    request = PlanRequest.model_validate(
        {
            "due_on": due,
            "time_zone": NY,
            "ladder": ReminderLadder(),
            "now": now,
            "limit": limit,
            **extra,
        }
    )
    return deadline_plan(request)


def test_notices_go_out_at_0900_new_york_which_is_1400_utc_in_winter() -> None:
    result = plan(date(2022, 11, 29), now=utc(2022, 10, 1), limit=4)
    assert [(n.step.on, n.at) for n in result.notices] == [
        (date(2022, 11, 15), utc(2022, 11, 15, 14)),
        (date(2022, 11, 22), utc(2022, 11, 22, 14)),
        (date(2022, 11, 28), utc(2022, 11, 28, 14)),
        (date(2022, 11, 29), utc(2022, 11, 29, 14)),
    ]


def test_notices_go_out_at_0900_new_york_which_is_1300_utc_in_summer() -> None:
    result = plan(date(2023, 7, 31), now=utc(2023, 7, 1), limit=1)
    assert result.notices[0].at == utc(2023, 7, 17, 13)


def test_notice_times_follow_the_autumn_dst_change() -> None:
    # DST ended 2022-11-06: 09:00 EDT = 13:00 UTC before, 09:00 EST = 14:00 UTC after.
    result = plan(date(2022, 11, 10), now=utc(2022, 10, 1), limit=5)
    assert [n.at for n in result.notices] == [
        utc(2022, 10, 27, 13),
        utc(2022, 11, 3, 13),
        utc(2022, 11, 9, 14),
        utc(2022, 11, 10, 14),
        utc(2022, 11, 17, 14),
    ]


def test_notice_times_follow_the_spring_dst_change() -> None:
    # DST began 2023-03-12.
    result = plan(date(2023, 3, 20), now=utc(2023, 3, 1), limit=2)
    assert [n.at for n in result.notices] == [utc(2023, 3, 6, 14), utc(2023, 3, 13, 13)]


def test_every_notice_is_at_0900_local_on_its_step_day() -> None:
    from zoneinfo import ZoneInfo

    result = plan(date(2022, 11, 29), now=utc(2022, 10, 1), limit=40)
    for notice in result.notices:
        local = notice.at.astimezone(ZoneInfo(NY))
        assert (local.date(), local.time()) == (notice.step.on, time(9))
        assert notice.at.utcoffset() is not None


def test_overdue_at_is_midnight_new_york_on_the_day_after_the_due_date() -> None:
    assert plan(date(2022, 11, 29), now=utc(2022, 10, 1)).overdue_at == utc(2022, 11, 30, 5)
    assert plan(date(2023, 7, 14), now=utc(2023, 7, 1)).overdue_at == utc(2023, 7, 15, 4)


def test_overdue_at_when_the_clocks_change_that_night() -> None:
    # Due 2022-11-05; clocks fall back at 02:00 on 2022-11-06, midnight is still EDT.
    assert plan(date(2022, 11, 5), now=utc(2022, 10, 1)).overdue_at == utc(2022, 11, 6, 4)
    # Due 2023-03-11; clocks spring forward at 02:00 on 2023-03-12, midnight is still EST.
    assert plan(date(2023, 3, 11), now=utc(2023, 3, 1)).overdue_at == utc(2023, 3, 12, 5)


def test_the_plan_echoes_the_due_date_and_respects_the_limit() -> None:
    result = plan(date(2022, 11, 29), now=utc(2022, 10, 1), limit=3)
    assert result.due_on == date(2022, 11, 29)
    assert len(result.notices) == 3


def test_today_is_the_office_date_not_the_utc_date() -> None:
    # 2022-11-16 03:00 UTC is still 2022-11-15 22:00 in New York: the 11-15 reminder
    # is today's step, not a missed one, so limit=1 yields only that step.
    evening = plan(date(2022, 11, 29), now=utc(2022, 11, 16, 3), limit=1)
    assert [n.step.on for n in evening.notices] == [date(2022, 11, 15)]
    # Two hours later it is 2022-11-16 in New York: 11-15 becomes a catch-up.
    later = plan(date(2022, 11, 29), now=utc(2022, 11, 16, 5), limit=1)
    assert [n.step.on for n in later.notices] == [date(2022, 11, 15), date(2022, 11, 22)]


def test_a_late_entered_memo_holds_its_catch_up_for_the_next_business_day() -> None:
    # Entered Monday 2023-01-30: the catch-up waits for Tuesday 09:00 New York, when the
    # regular overdue notice of 2023-01-31 says what the missed one of 01-24 would have.
    result = plan(date(2022, 11, 29), now=utc(2023, 1, 30, 15), limit=1)
    assert [(n.step.kind.value, n.step.on, n.at) for n in result.notices] == [
        ("escalation", date(2023, 1, 28), utc(2023, 1, 31, 14)),
        ("overdue", date(2023, 1, 31), utc(2023, 1, 31, 14)),
    ]


def test_a_different_notice_hour_is_honoured() -> None:
    result = plan(date(2022, 11, 29), now=utc(2022, 10, 1), limit=1, notice_hour=10)
    assert result.notices[0].at == utc(2022, 11, 15, 15)


def test_a_naive_now_is_rejected() -> None:
    request = PlanRequest(
        due_on=date(2022, 11, 29),
        time_zone=NY,
        ladder=ReminderLadder(),
        now=datetime(2022, 10, 1, 12),
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        deadline_plan(request)


def test_local_instant_in_another_office_time_zone() -> None:
    assert local_instant(date(2023, 1, 10), time(9), "Europe/London") == utc(2023, 1, 10, 9)
    assert local_instant(date(2023, 7, 10), time(9), "Europe/London") == utc(2023, 7, 10, 8)


def test_today_in_new_york_lags_utc_in_the_evening() -> None:
    assert today_in(NY, utc(2023, 1, 31, 2)) == date(2023, 1, 30)
    assert today_in("UTC", utc(2023, 1, 31, 2)) == date(2023, 1, 31)
