"""Catch-up notices wait for 09:00 office time on the next business day; a deadline the
calendar cannot plan fails once, for good, instead of retrying for ever."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from temporalio.exceptions import ApplicationError

from activities.activities import RectrackActivities
from activities.deadlines import deadline_plan
from activities.models import ClocksPlanRequest, PlanRequest
from domain.clocks import Clock
from domain.ladder import ReminderLadder
from domain.office_time import next_business_day
from tests.activities.activity_samples import activity_env

NEW_YORK = "America/New_York"


def plan_at(now: datetime, due_on: date, *, issued_on: date | None = None,
            limit: int = 3) -> list[tuple[str, datetime]]:
    plan = deadline_plan(PlanRequest(due_on=due_on, time_zone=NEW_YORK, ladder=ReminderLadder(),
                                     now=now, issued_on=issued_on, limit=limit, notice_hour=9))
    return [(n.step.key, n.at) for n in plan.notices]


def test_next_business_day_skips_weekends_and_federal_holidays() -> None:
    assert next_business_day(date(2026, 11, 27)) == date(2026, 11, 30)  # Friday -> Monday
    assert next_business_day(date(2026, 11, 25)) == date(2026, 11, 27)  # Thanksgiving 11-26
    assert next_business_day(date(2026, 12, 24)) == date(2026, 12, 28)  # Christmas on Friday


def test_a_missed_step_waits_for_nine_on_the_next_business_day() -> None:
    # Friday 2026-11-27, 15:00 New York: the memo was due 2026-11-10, entered late.
    now = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    planned = plan_at(now, date(2026, 11, 10), issued_on=date(2026, 9, 11))
    monday_nine = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
    assert planned == [
        ("overdue:2026-11-24", monday_nine),  # the latest missed rung, held until Monday
        ("overdue:2026-12-01", datetime(2026, 12, 1, 14, 0, tzinfo=UTC)),  # unchanged
        ("overdue:2026-12-08", datetime(2026, 12, 8, 14, 0, tzinfo=UTC)),
        ("escalation:2026-12-10:manager", datetime(2026, 12, 10, 14, 0, tzinfo=UTC)),
    ]


def test_steps_due_today_keep_their_own_instant() -> None:
    now = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)  # Monday 15:00 New York
    planned = plan_at(now, date(2026, 12, 1), issued_on=date(2026, 11, 1), limit=2)
    assert planned == [("reminder:2026-11-30", datetime(2026, 11, 30, 14, 0, tzinfo=UTC)),
                       ("reminder:2026-12-01", datetime(2026, 12, 1, 14, 0, tzinfo=UTC))]


def test_a_catch_up_is_dropped_when_a_regular_rung_of_its_sort_comes_by_then() -> None:
    # Monday 2026-11-30: the overdue rung of Tuesday 12-01 says what a catch-up would.
    now = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    planned = plan_at(now, date(2026, 11, 10), issued_on=date(2026, 9, 11), limit=1)
    assert planned == [("overdue:2026-12-01", datetime(2026, 12, 1, 14, 0, tzinfo=UTC))]


async def test_a_deadline_past_the_calendar_fails_once_and_for_good(
        acts: RectrackActivities) -> None:
    request = PlanRequest(due_on=date(9999, 12, 31), time_zone=NEW_YORK,
                          ladder=ReminderLadder(), now=datetime(2026, 11, 30, tzinfo=UTC))
    with pytest.raises(ApplicationError) as failed:
        await activity_env().run(acts.plan_deadline, request)
    assert failed.value.non_retryable
    assert failed.value.type == "UnplannableDeadline"
    assert failed.value.message.startswith(
        "cannot plan reminders for the response deadline 9999-12-31")


async def test_an_unknown_office_time_zone_fails_for_good(acts: RectrackActivities) -> None:
    request = ClocksPlanRequest(
        clocks=[Clock(name="action_plan", due_on=date(2026, 12, 30), ladder=ReminderLadder())],
        time_zone="Mars/Olympus_Mons", now=datetime(2026, 11, 30, tzinfo=UTC))
    with pytest.raises(ApplicationError) as failed:
        await activity_env().run(acts.plan_clocks, request)
    assert failed.value.non_retryable
    assert "action_plan due 2026-12-30" in failed.value.message


def test_an_imported_memo_drops_every_step_from_before_the_import() -> None:
    # Imported Friday 2026-11-27 at 15:00 New York; due 2026-11-10. Without quiet_before
    # the missed steps would be caught up on Monday; with it, only steps after the import
    # instant remain, at their own dates.
    now = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    loud = deadline_plan(PlanRequest(due_on=date(2026, 11, 10), time_zone=NEW_YORK,
                                     ladder=ReminderLadder(), now=now, limit=3, notice_hour=9))
    quiet = deadline_plan(PlanRequest(due_on=date(2026, 11, 10), time_zone=NEW_YORK,
                                      ladder=ReminderLadder(), now=now, limit=3, notice_hour=9,
                                      quiet_before=now))
    assert any(n.step.on < date(2026, 11, 27) for n in loud.notices)
    assert quiet.notices and all(n.at >= now for n in quiet.notices)
    assert [n.step.key for n in quiet.notices] == \
        [n.step.key for n in loud.notices if n.step.on >= date(2026, 11, 28)]
