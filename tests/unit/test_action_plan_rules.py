"""Action plans: with the response or later, never aiming before the response.

A (partial) concurrence needs an action plan. One that does not come with the response
is due `action_plan_days` (default 30) after it: 2023-03-01 for the ICE answer of
2023-01-30. A non-concurrence takes none.
"""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from domain.errors import DomainError, InvalidTransition
from domain.followup import ActionPlan, Milestone
from domain.memo import record_response
from domain.recommendation import SubmitActionPlan, due_dates, submit_action_plan
from domain.vocabulary import EventKind, Implementation, Resolution
from tests.unit.followup_builders import (
    LATEST_DATE,
    RECEIVED_ON,
    answer,
    answered,
    closed,
    disputed,
    issued,
    plan,
    planned,
    rejected,
    snapshot,
)


def submitted(on: str, action_plan: ActionPlan | None = None) -> SubmitActionPlan:
    return SubmitActionPlan(received_on=date.fromisoformat(on), plan=action_plan or plan())


# -- with the response ------------------------------------------------------------------


@pytest.mark.parametrize("decision", ["concur", "partially_concur"])
def test_a_plan_that_comes_with_the_response_is_recorded_and_no_plan_is_due(
    decision: str,
) -> None:
    rec = answered(decision, plan())
    assert rec.action_plan == plan()
    assert rec.action_plan_received_on == RECEIVED_ON
    assert rec.action_plan_due_on is None
    assert due_dates(rec) == {}


@pytest.mark.parametrize("decision", ["concur", "partially_concur"])
def test_a_concurrence_without_a_plan_owes_one_30_days_after_the_response(
    decision: str,
) -> None:
    rec = answered(decision)
    assert rec.action_plan is None
    assert rec.action_plan_due_on == date(2023, 3, 1)
    assert due_dates(rec) == {"action_plan": date(2023, 3, 1)}


def test_the_action_plan_window_is_set_by_the_memo_policy() -> None:
    memo, _ = record_response(issued(action_plan_days=45), answer("concur"), LATEST_DATE)
    assert memo.recommendation(1).action_plan_due_on == date(2023, 3, 16)


def test_a_non_concurrence_owes_no_action_plan() -> None:
    rec = answered("non_concur")
    assert rec.action_plan is None
    assert rec.action_plan_due_on is None
    assert due_dates(rec) == {}


def test_a_non_concurrence_that_comes_with_an_action_plan_is_rejected() -> None:
    memo = issued()
    with rejected(memo, DomainError, "recommendation 1: a non-concurrence takes no action plan"):
        record_response(memo, answer("non_concur", plan()), LATEST_DATE)


def test_a_plan_with_the_response_whose_target_precedes_the_response_is_rejected() -> None:
    memo = issued()
    early = plan(target="2023-01-29", milestones={})
    with rejected(memo, DomainError,
                  r"recommendation 1: action plan target date 2023-01-29 precedes the response "
                  r"\(2023-01-30\)"):
        record_response(memo, answer("concur", early), LATEST_DATE)


def test_a_plan_with_a_milestone_before_the_response_is_rejected() -> None:
    memo = issued()
    early = plan(milestones={"Draft policy": "2022-12-31"})
    with rejected(memo, DomainError, "target date 2022-12-31 precedes the response"):
        record_response(memo, answer("concur", early), LATEST_DATE)


def test_a_plan_aiming_at_the_response_day_itself_is_accepted() -> None:
    rec = answered("concur", plan(target="2023-01-30", milestones={}))
    assert rec.action_plan is not None
    assert rec.action_plan.target_completion_on == RECEIVED_ON


def test_milestone_titles_within_a_plan_must_be_unique() -> None:
    twice = Milestone(title="Train staff", target_on=date(2023, 6, 30))
    with pytest.raises(ValidationError, match="milestone titles must be unique"):
        ActionPlan(responsible_official="ICE Privacy Officer",
                   target_completion_on=date(2023, 12, 31), milestones=[twice, twice])


# -- later ------------------------------------------------------------------------------


def test_a_plan_submitted_later_is_recorded_and_clears_its_due_date() -> None:
    rec = answered("concur")
    new, events = submit_action_plan(rec, submitted("2023-02-20"))
    assert new.action_plan == plan()
    assert new.action_plan_received_on == date(2023, 2, 20)
    assert new.action_plan_due_on is None
    assert "action_plan" not in due_dates(new)
    assert new.resolution is Resolution.UNRESOLVED  # the office has yet to review it
    assert new.implementation is Implementation.OPEN
    assert [(e.kind, e.occurred_on, e.numbers) for e in events] == [
        (EventKind.ACTION_PLAN_SUBMITTED, date(2023, 2, 20), [1])]
    assert events[0].data["plan"]["responsible_official"] == "ICE Privacy Officer"


def test_a_plan_submitted_after_its_due_date_is_still_accepted() -> None:
    new, _ = submit_action_plan(answered("partially_concur"), submitted("2023-05-02"))
    assert new.action_plan_received_on == date(2023, 5, 2)
    assert new.action_plan_due_on is None


def test_submitting_a_plan_does_not_modify_its_input() -> None:
    rec = answered("concur")
    before = snapshot(rec)
    submit_action_plan(rec, submitted("2023-02-20"))
    assert snapshot(rec) == before


def test_a_later_plan_whose_target_precedes_the_response_is_rejected() -> None:
    rec = answered("concur")
    with rejected(rec, DomainError, "recommendation 1: action plan target date 2023-01-15 "
                                    "precedes the response"):
        submit_action_plan(rec, submitted("2023-02-20", plan(target="2023-01-15",
                                                             milestones={})))


def test_a_plan_dated_before_the_response_is_rejected() -> None:
    rec = answered("concur")
    with rejected(rec, DomainError,
                  r"received_on 2023-01-29 is before the response \(2023-01-30\)"):
        submit_action_plan(rec, submitted("2023-01-29"))


def test_a_plan_for_a_non_concurrence_is_rejected() -> None:
    rec = answered("non_concur")
    with rejected(rec, InvalidTransition, "recommendation 1 was non-concurred: it takes no "
                                          "action plan"):
        submit_action_plan(rec, submitted("2023-02-20"))


def test_a_plan_before_any_response_is_rejected() -> None:
    rec = issued().recommendation(1)
    with rejected(rec, InvalidTransition, "recommendation 1 has no response yet"):
        submit_action_plan(rec, submitted("2023-02-20"))


def test_a_plan_for_a_closed_recommendation_is_rejected() -> None:
    rec = closed()
    with rejected(rec, InvalidTransition, r"cannot submit an action plan: recommendation 1 is "
                                          r"closed \(implemented\)"):
        submit_action_plan(rec, submitted("2024-01-10"))


def test_a_revised_plan_answers_a_dispute_and_clears_the_revision_due_date() -> None:
    rec = disputed()
    assert due_dates(rec) == {"revision": date(2023, 4, 14)}
    revised = plan(target="2023-10-31")
    new, _ = submit_action_plan(rec, submitted("2023-04-10", revised))
    assert new.revision_due_on is None
    assert new.action_plan == revised
    assert due_dates(new) == {}  # the ball is with the office again
    assert new.resolution is Resolution.UNRESOLVED


def test_a_revised_plan_replaces_the_first_one_not_merged_with_it() -> None:
    new, _ = submit_action_plan(planned(), submitted("2023-02-20", plan(milestones={})))
    assert new.action_plan is not None
    assert new.action_plan.milestones == []
