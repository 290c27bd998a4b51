"""Review: the office accepts or disputes the component's response and plan.

Accepting a (partial) concurrence needs its plan and starts implementation: resolved,
in progress, a status update due 90 days after the review. Accepting a non-concurrence
closes it, as not_implemented or no_longer_applicable, with a justification. A dispute
needs a reason and gives the component 30 days to revise.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import DomainError, InvalidTransition
from domain.followup import FollowUpPolicy
from domain.recommendation import due_dates, review
from domain.vocabulary import ClosureReason, EventKind, Implementation, Resolution
from tests.unit.followup_builders import (
    POLICY,
    REVIEWED_ON,
    accept,
    answered,
    closed,
    dispute,
    disputed,
    in_progress,
    issued,
    planned,
    rejected,
    snapshot,
)

JUSTIFICATION = "The office agrees the program was discontinued."


# -- accepting a (partial) concurrence --------------------------------------------------


@pytest.mark.parametrize("decision", ["concur", "partially_concur"])
def test_accepting_a_plan_resolves_the_recommendation_and_starts_implementation(
    decision: str,
) -> None:
    new, events = review(planned(decision), accept(), POLICY)
    assert new.resolution is Resolution.RESOLVED
    assert new.implementation is Implementation.IN_PROGRESS
    assert new.resolved_on == REVIEWED_ON
    assert new.status_update_due_on == date(2023, 6, 13)  # 2023-03-15 + 90
    assert [(e.kind, e.occurred_on, e.numbers) for e in events] == [
        (EventKind.RESPONSE_ACCEPTED, REVIEWED_ON, [1])]


def test_the_status_update_cadence_is_set_by_the_policy() -> None:
    new, _ = review(planned(), accept(), FollowUpPolicy(status_update_every_days=180))
    assert new.status_update_due_on == date(2023, 9, 11)


def test_accepting_does_not_modify_its_input() -> None:
    rec = planned()
    before = snapshot(rec)
    review(rec, accept(), POLICY)
    assert snapshot(rec) == before


@pytest.mark.parametrize("decision", ["concur", "partially_concur"])
def test_accepting_a_concurrence_without_a_plan_is_rejected(decision: str) -> None:
    rec = answered(decision)
    with rejected(rec, InvalidTransition, "cannot accept: recommendation 1 has no action plan"):
        review(rec, accept(), POLICY)


def test_accepting_an_already_resolved_recommendation_is_rejected() -> None:
    rec = in_progress()
    with rejected(rec, InvalidTransition, "recommendation 1 is already resolved"):
        review(rec, accept(on=date(2023, 4, 1)), POLICY)


def test_reviewing_before_any_response_is_rejected() -> None:
    rec = issued().recommendation(1)
    with rejected(rec, InvalidTransition, "cannot review: recommendation 1 has no response yet"):
        review(rec, accept(), POLICY)


@pytest.mark.parametrize("decision", ["accept", "dispute"])
def test_reviewing_a_closed_recommendation_is_rejected(decision: str) -> None:
    rec = closed()
    cmd = accept() if decision == "accept" else dispute()
    with rejected(rec, InvalidTransition, "cannot review: recommendation 1 is closed"):
        review(rec, cmd, POLICY)


# -- disputing --------------------------------------------------------------------------


def test_a_dispute_leaves_it_unresolved_and_gives_30_days_to_revise() -> None:
    new, events = review(planned(), dispute(), POLICY)
    assert new.resolution is Resolution.UNRESOLVED
    assert new.dispute_reason == "The plan does not cover past searches."
    assert new.revision_due_on == date(2023, 4, 14)
    assert due_dates(new) == {"revision": date(2023, 4, 14)}
    assert [(e.kind, e.occurred_on) for e in events] == [
        (EventKind.RESPONSE_DISPUTED, REVIEWED_ON)]
    assert events[0].data == {"reason": "The plan does not cover past searches.",
                              "revision_due_on": "2023-04-14"}


def test_the_revision_window_is_set_by_the_policy() -> None:
    new, _ = review(planned(), dispute(), FollowUpPolicy(revision_days=10))
    assert new.revision_due_on == date(2023, 3, 25)


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_dispute_without_a_reason_is_rejected(reason: str | None) -> None:
    rec = planned()
    with rejected(rec, DomainError, "reason: a dispute needs a reason"):
        review(rec, dispute(reason=reason), POLICY)


def test_disputing_an_accepted_plan_puts_implementation_back_to_open() -> None:
    new, _ = review(in_progress(), dispute(on=date(2023, 5, 1)), POLICY)
    assert new.resolution is Resolution.UNRESOLVED
    assert new.implementation is Implementation.OPEN
    assert new.revision_due_on == date(2023, 5, 31)
    assert "status_update" not in due_dates(new)


def test_a_non_concurrence_can_be_disputed_too() -> None:
    new, _ = review(answered("non_concur"), dispute(), POLICY)
    assert new.resolution is Resolution.UNRESOLVED
    assert new.implementation is Implementation.OPEN
    assert due_dates(new) == {"revision": date(2023, 4, 14)}


def test_accepting_after_a_dispute_clears_the_dispute_and_its_revision_date() -> None:
    new, _ = review(disputed(), accept(on=date(2023, 4, 20)), POLICY)
    assert new.resolution is Resolution.RESOLVED
    assert new.dispute_reason is None
    assert new.revision_due_on is None
    assert new.status_update_due_on == date(2023, 7, 19)


# -- accepting a non-concurrence --------------------------------------------------------


@pytest.mark.parametrize(
    "reason", [ClosureReason.NOT_IMPLEMENTED, ClosureReason.NO_LONGER_APPLICABLE])
def test_accepting_a_non_concurrence_closes_it_with_the_given_reason(
    reason: ClosureReason,
) -> None:
    new, events = review(answered("non_concur"), accept(closure_reason=reason,
                                                        justification=JUSTIFICATION), POLICY)
    assert new.resolution is Resolution.RESOLVED
    assert new.resolved_on == REVIEWED_ON
    assert new.implementation is Implementation.CLOSED
    assert new.closure_reason is reason
    assert new.closure_justification == JUSTIFICATION
    assert new.closed_on == REVIEWED_ON
    assert due_dates(new) == {}
    assert [e.kind for e in events] == [EventKind.RESPONSE_ACCEPTED,
                                        EventKind.RECOMMENDATION_CLOSED]
    assert events[1].data == {"reason": reason.value, "justification": JUSTIFICATION}


@pytest.mark.parametrize("reason", [None, ClosureReason.IMPLEMENTED, ClosureReason.ALTERNATE_ACTION,
                                    ClosureReason.SUPERSEDED, ClosureReason.WITHDRAWN,
                                    ClosureReason.NO_RESPONSE])
def test_accepting_a_non_concurrence_with_another_closure_reason_is_rejected(
    reason: ClosureReason | None,
) -> None:
    rec = answered("non_concur")
    with rejected(rec, DomainError, "closure_reason: accepting a non-concurrence closes it as "
                                    "not_implemented or no_longer_applicable"):
        review(rec, accept(closure_reason=reason, justification=JUSTIFICATION), POLICY)


def test_accepting_a_non_concurrence_with_a_blank_justification_is_rejected() -> None:
    rec = answered("non_concur")
    with rejected(rec, DomainError, "accepting a non-concurrence needs a justification"):
        review(rec, accept(closure_reason=ClosureReason.NOT_IMPLEMENTED, justification="  "),
               POLICY)


@pytest.mark.parametrize("justification", [None, ""])
def test_accepting_a_non_concurrence_without_a_justification_is_a_domain_error(
    justification: str | None,
) -> None:
    rec = answered("non_concur")
    before = snapshot(rec)
    try:
        review(rec, accept(closure_reason=ClosureReason.NOT_IMPLEMENTED,
                           justification=justification), POLICY)
    except DomainError as error:
        assert "justification" in str(error)
    except ValueError as error:  # pydantic's ValidationError
        raise AssertionError(f"not a DomainError: {type(error).__name__}") from None
    else:
        raise AssertionError("accepted without a justification")
    assert snapshot(rec) == before


def test_accepting_an_already_accepted_non_concurrence_is_rejected() -> None:
    rec, _ = review(answered("non_concur"), accept(closure_reason=ClosureReason.NOT_IMPLEMENTED,
                                                   justification=JUSTIFICATION), POLICY)
    with rejected(rec, InvalidTransition, "closed"):
        review(rec, accept(closure_reason=ClosureReason.NOT_IMPLEMENTED,
                           justification=JUSTIFICATION), POLICY)
