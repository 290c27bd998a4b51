"""The reminder ladder is data: default steps, custom ladders, and the steps_from catch-up.

Default ladder for a memo due 2022-11-29: reminders 14, 7 and 1 days before and on the
due date; an overdue notice every 7 days; escalation to `manager` at 30 days overdue
(2022-12-29) and to `director` at 60 (2023-01-28).
"""

from __future__ import annotations

from datetime import date
from itertools import islice

import pytest
from pydantic import ValidationError

from domain.ladder import Escalation, LadderStep, ReminderLadder, ladder_steps, steps_from
from domain.vocabulary import NoticeKind

DUE = date(2022, 11, 29)
REMINDER, OVERDUE, ESCALATION = NoticeKind.REMINDER, NoticeKind.OVERDUE, NoticeKind.ESCALATION


def first(n: int, ladder: ReminderLadder | None = None, due: date = DUE) -> list[LadderStep]:
    return list(islice(ladder_steps(ladder or ReminderLadder(), due), n))


def summary(steps: list[LadderStep]) -> list[tuple[str, str, str | None]]:
    return [(s.kind.value, s.on.isoformat(), s.escalate_to) for s in steps]


def test_default_ladder_reminds_14_7_and_1_days_before_and_on_the_due_date() -> None:
    assert summary(first(4)) == [
        ("reminder", "2022-11-15", None),
        ("reminder", "2022-11-22", None),
        ("reminder", "2022-11-28", None),
        ("reminder", "2022-11-29", None),
    ]
    assert [s.offset_days for s in first(4)] == [-14, -7, -1, 0]


def test_default_ladder_sends_an_overdue_notice_every_seven_days() -> None:
    overdue = [s for s in first(20) if s.kind is OVERDUE]
    assert [s.offset_days for s in overdue[:9]] == [7, 14, 21, 28, 35, 42, 49, 56, 63]
    assert overdue[0].on == date(2022, 12, 6)
    assert overdue[8].on == date(2023, 1, 31)


def test_default_ladder_escalates_to_the_manager_at_30_days_overdue_on_2022_12_29() -> None:
    escalations = [s for s in first(20) if s.kind is ESCALATION]
    assert escalations[0].escalate_to == "manager"
    assert escalations[0].on == date(2022, 12, 29)
    assert escalations[0].offset_days == 30


def test_default_ladder_escalates_to_the_director_at_60_days_overdue_on_2023_01_28() -> None:
    escalations = [s for s in first(40) if s.kind is ESCALATION]
    assert summary(escalations) == [
        ("escalation", "2022-12-29", "manager"),
        ("escalation", "2023-01-28", "director"),
    ]


def test_the_full_default_ladder_for_a_memo_due_2022_11_29() -> None:
    assert summary(first(16)) == [
        ("reminder", "2022-11-15", None),
        ("reminder", "2022-11-22", None),
        ("reminder", "2022-11-28", None),
        ("reminder", "2022-11-29", None),
        ("overdue", "2022-12-06", None),
        ("overdue", "2022-12-13", None),
        ("overdue", "2022-12-20", None),
        ("overdue", "2022-12-27", None),
        ("escalation", "2022-12-29", "manager"),
        ("overdue", "2023-01-03", None),
        ("overdue", "2023-01-10", None),
        ("overdue", "2023-01-17", None),
        ("overdue", "2023-01-24", None),
        ("escalation", "2023-01-28", "director"),
        ("overdue", "2023-01-31", None),
        ("overdue", "2023-02-07", None),
    ]


def test_overdue_notices_never_stop() -> None:
    steps = first(500)
    assert steps[-1].kind is OVERDUE
    assert steps[-1].on > date(2031, 1, 1)


def test_ladder_steps_come_in_date_order() -> None:
    days = [s.on for s in first(200)]
    assert days == sorted(days)


def test_step_keys_are_unique_and_name_kind_day_and_recipient() -> None:
    steps = first(200)
    assert len({s.key for s in steps}) == len(steps)
    assert steps[0].key == "reminder:2022-11-15"
    assert steps[8].key == "escalation:2022-12-29:manager"


def test_an_escalation_on_an_overdue_day_follows_that_days_overdue_notice() -> None:
    ladder = ReminderLadder(escalations=(Escalation(days_overdue=14, to="manager"),))
    steps = first(8, ladder)
    assert summary(steps[5:8]) == [
        ("overdue", "2022-12-13", None),
        ("escalation", "2022-12-13", "manager"),
        ("overdue", "2022-12-20", None),
    ]


def test_a_custom_ladder_expresses_a_90_day_regime_with_monthly_chasers() -> None:
    ladder = ReminderLadder(
        days_before=(30,),
        on_due_date=False,
        overdue_every_days=30,
        escalations=(Escalation(days_overdue=90, to="board"),),
    )
    due = date(2023, 3, 1)
    assert summary(first(6, ladder, due)) == [
        ("reminder", "2023-01-30", None),
        ("overdue", "2023-03-31", None),
        ("overdue", "2023-04-30", None),
        ("overdue", "2023-05-30", None),
        ("escalation", "2023-05-30", "board"),
        ("overdue", "2023-06-29", None),
    ]


def test_a_ladder_without_reminders_or_escalations_only_chases_once_overdue() -> None:
    ladder = ReminderLadder(days_before=(), on_due_date=False, escalations=())
    steps = first(3, ladder)
    assert all(s.kind is OVERDUE for s in steps)
    assert steps[0].on == date(2022, 12, 6)


def test_escalations_are_ordered_by_days_overdue_whatever_the_order_given() -> None:
    ladder = ReminderLadder(
        escalations=(
            Escalation(days_overdue=60, to="director"),
            Escalation(days_overdue=30, to="manager"),
        )
    )
    escalations = [s for s in first(40, ladder) if s.kind is ESCALATION]
    assert [s.escalate_to for s in escalations] == ["manager", "director"]


def test_days_before_are_deduplicated_and_sorted_furthest_first() -> None:
    assert ReminderLadder(days_before=(1, 14, 7, 7)).days_before == (14, 7, 1)


@pytest.mark.parametrize(
    "bad",
    [{"days_before": (0,)}, {"days_before": (-3,)}, {"overdue_every_days": 0}],
)
def test_a_ladder_with_non_positive_day_counts_is_rejected(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ReminderLadder.model_validate(bad)


def test_an_escalation_needs_a_positive_day_and_a_recipient_role() -> None:
    with pytest.raises(ValidationError):
        Escalation(days_overdue=0, to="manager")
    with pytest.raises(ValidationError):
        Escalation(days_overdue=30, to="")


# -- steps_from: the catch-up rule ------------------------------------------------------


def test_a_memo_entered_in_time_has_nothing_to_catch_up() -> None:
    steps = steps_from(ReminderLadder(), DUE, today=date(2022, 10, 1), limit=3)
    assert summary(steps) == [
        ("reminder", "2022-11-15", None),
        ("reminder", "2022-11-22", None),
        ("reminder", "2022-11-28", None),
    ]


def test_a_step_due_today_is_upcoming_not_missed() -> None:
    steps = steps_from(ReminderLadder(), DUE, today=date(2022, 11, 22), limit=2)
    assert summary(steps) == [
        ("reminder", "2022-11-15", None),  # the missed one, caught up
        ("reminder", "2022-11-22", None),  # today's: first of the two upcoming
        ("reminder", "2022-11-28", None),
    ]


def test_only_the_latest_missed_reminder_is_caught_up() -> None:
    steps = steps_from(ReminderLadder(), DUE, today=date(2022, 11, 25), limit=2)
    assert summary(steps) == [
        ("reminder", "2022-11-22", None),
        ("reminder", "2022-11-28", None),
        ("reminder", "2022-11-29", None),
    ]


def test_a_memo_entered_62_days_late_catches_up_one_notice_and_the_highest_escalation() -> None:
    steps = steps_from(ReminderLadder(), DUE, today=date(2023, 1, 30), limit=2)
    assert summary(steps) == [
        ("overdue", "2023-01-24", None),
        ("escalation", "2023-01-28", "director"),
        ("overdue", "2023-01-31", None),
        ("overdue", "2023-02-07", None),
    ]


def test_a_missed_lower_escalation_is_dropped_when_a_higher_one_was_missed() -> None:
    steps = steps_from(ReminderLadder(), DUE, today=date(2023, 1, 30), limit=5)
    assert "manager" not in {s.escalate_to for s in steps}


def test_catch_up_between_escalations_keeps_the_missed_manager_escalation() -> None:
    steps = steps_from(ReminderLadder(), DUE, today=date(2023, 1, 5), limit=1)
    assert set(summary(steps[:2])) == {
        ("overdue", "2023-01-03", None),
        ("escalation", "2022-12-29", "manager"),
    }
    assert summary(steps[2:]) == [("overdue", "2023-01-10", None)]


def test_an_upcoming_escalation_is_not_treated_as_missed() -> None:
    steps = steps_from(ReminderLadder(), DUE, today=date(2022, 12, 28), limit=2)
    assert summary(steps) == [
        ("overdue", "2022-12-27", None),
        ("escalation", "2022-12-29", "manager"),
        ("overdue", "2023-01-03", None),
    ]


def test_the_limit_counts_only_upcoming_steps() -> None:
    steps = steps_from(ReminderLadder(), DUE, today=date(2023, 1, 30), limit=5)
    upcoming = [s for s in steps if s.on >= date(2023, 1, 30)]
    assert len(upcoming) == 5
    assert len(steps) == 7


def test_a_short_window_has_no_reminder_dated_before_the_memo_existed() -> None:
    issued = date(2022, 11, 19)  # a 10-day window
    steps = steps_from(ReminderLadder(), DUE, today=issued, limit=3, not_before=issued)
    assert [s.on for s in steps] == [date(2022, 11, 22), date(2022, 11, 28), DUE]


def test_a_plan_needs_at_least_one_step() -> None:
    with pytest.raises(ValueError, match="limit"):
        steps_from(ReminderLadder(), DUE, today=date(2022, 10, 1), limit=0)
