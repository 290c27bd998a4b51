"""Holds: a recommendation on hold stops its clocks; resuming moves every open due date
by the days spent on hold. A hold placed by the memo (by_memo) is lifted with the memo's;
a recommendation's own hold outlives the memo's resume.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from domain.errors import DomainError, InvalidTransition
from domain.followup import Hold, StatusUpdate
from domain.memo import RecommendationState
from domain.recommendation import (
    LiftHold,
    PlaceHold,
    close,
    due_dates,
    lift_hold,
    place_hold,
    submit_status_update,
)
from domain.vocabulary import EventKind
from tests.unit.followup_builders import (
    POLICY,
    answered,
    closed,
    closing,
    disputed,
    in_progress,
    rejected,
    snapshot,
)

HOLD_ON = date(2023, 5, 1)
RESUME_ON = date(2023, 6, 10)  # 40 days on hold


def hold(on: date = HOLD_ON) -> PlaceHold:
    return PlaceHold(reason="Litigation pending.", on=on)


def resume(on: date = RESUME_ON) -> LiftHold:
    return LiftHold(on=on)


def held(rec: RecommendationState, *, by_memo: bool = False) -> RecommendationState:
    new, _ = place_hold(rec, hold(), by_memo=by_memo)
    return new


def test_placing_a_hold_records_why_and_since_when() -> None:
    new, events = place_hold(in_progress(), hold())
    assert new.hold == Hold(reason="Litigation pending.", since=HOLD_ON, by_memo=False)
    assert [(e.kind, e.occurred_on, e.numbers) for e in events] == [
        (EventKind.HOLD_PLACED, HOLD_ON, [1])]
    assert events[0].data == {"reason": "Litigation pending.", "by_memo": False}


def test_placing_a_hold_does_not_modify_its_input() -> None:
    rec = in_progress()
    before = snapshot(rec)
    place_hold(rec, hold())
    assert snapshot(rec) == before


def test_a_hold_does_not_change_the_due_dates_until_it_is_lifted() -> None:
    assert due_dates(held(in_progress())) == due_dates(in_progress())


@pytest.mark.parametrize("by_memo", [False, True])
def test_holding_a_recommendation_already_on_hold_is_rejected(by_memo: bool) -> None:
    rec = held(in_progress())
    with rejected(rec, InvalidTransition, "recommendation 1 is already on hold since 2023-05-01"):
        place_hold(rec, hold(date(2023, 5, 20)), by_memo=by_memo)


def test_holding_a_closed_recommendation_is_rejected() -> None:
    rec = closed()
    with rejected(rec, InvalidTransition, "cannot put on hold: recommendation 1 is closed"):
        place_hold(rec, hold(date(2024, 1, 10)))


@pytest.mark.parametrize("by_memo", [False, True])
def test_resuming_a_recommendation_not_on_hold_is_rejected(by_memo: bool) -> None:
    rec = in_progress()
    with rejected(rec, InvalidTransition, "recommendation 1 is not on hold"):
        lift_hold(rec, resume(), by_memo=by_memo)


def test_resuming_before_the_hold_began_is_rejected() -> None:
    rec = held(in_progress())
    with rejected(rec, DomainError, r"on 2023-04-30 is before the hold began \(2023-05-01\)"):
        lift_hold(rec, resume(date(2023, 4, 30)))


def test_resuming_moves_every_open_due_date_by_the_days_on_hold() -> None:
    new, events = lift_hold(held(in_progress()), resume())
    assert new.hold is None
    assert due_dates(new) == {
        "status_update": date(2023, 7, 23),  # 2023-06-13 + 40
        "target_completion": date(2024, 2, 9),  # 2023-12-31 + 40
        "milestone:Draft policy": date(2023, 8, 9),  # 2023-06-30 + 40
        "milestone:Train staff": date(2023, 11, 9),  # 2023-09-30 + 40
    }
    assert [(e.kind, e.occurred_on) for e in events] == [(EventKind.HOLD_LIFTED, RESUME_ON)]
    assert events[0].data == {"days_on_hold": 40, "moved": {
        k: v.isoformat() for k, v in due_dates(new).items()}}


def test_resuming_does_not_modify_its_input() -> None:
    rec = held(in_progress())
    before = snapshot(rec)
    lift_hold(rec, resume())
    assert snapshot(rec) == before


def test_a_milestone_already_done_is_not_moved_by_a_resume() -> None:
    done, _ = submit_status_update(in_progress(), StatusUpdate(
        received_on=date(2023, 4, 20), progress="Drafted.", milestones_done=["Draft policy"]),
        POLICY)
    new, _ = lift_hold(held(done), resume())
    assert new.action_plan is not None
    assert new.action_plan.milestones[0].target_on == date(2023, 6, 30)
    assert new.action_plan.milestones[0].done_on == date(2023, 4, 20)


@pytest.mark.parametrize(("build", "clock", "moved_to"), [
    (lambda: answered("concur"), "action_plan", date(2023, 4, 10)),  # 2023-03-01 + 40
    (disputed, "revision", date(2023, 5, 24)),  # 2023-04-14 + 40
])
def test_resuming_moves_the_action_plan_and_revision_clocks_too(
    build: Callable[[], RecommendationState], clock: str, moved_to: date,
) -> None:
    rec = build()
    new, _ = lift_hold(held(rec), resume())
    assert due_dates(new) == {clock: moved_to}


def test_resuming_the_same_day_moves_nothing() -> None:
    new, events = lift_hold(held(in_progress()), resume(HOLD_ON))
    assert due_dates(new) == due_dates(in_progress())
    assert events[0].data["days_on_hold"] == 0


# -- holds placed by the memo -----------------------------------------------------------


def test_a_hold_placed_by_the_memo_says_so() -> None:
    rec = held(in_progress(), by_memo=True)
    assert rec.hold is not None and rec.hold.by_memo is True


def test_a_hold_placed_by_the_memo_is_lifted_by_the_memo() -> None:
    new, events = lift_hold(held(in_progress(), by_memo=True), resume(), by_memo=True)
    assert new.hold is None
    assert due_dates(new)["status_update"] == date(2023, 7, 23)
    assert [e.kind for e in events] == [EventKind.HOLD_LIFTED]


def test_a_recommendations_own_hold_is_not_lifted_by_the_memos_resume() -> None:
    rec = held(in_progress())
    new, events = lift_hold(rec, resume(), by_memo=True)
    assert events == []
    assert snapshot(new) == snapshot(rec)
    assert new.hold is not None and new.hold.since == HOLD_ON


def test_closing_a_recommendation_on_hold_clears_the_hold() -> None:
    new, _ = close(held(in_progress()), closing())
    assert new.hold is None
