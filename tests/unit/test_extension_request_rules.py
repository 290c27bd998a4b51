"""Extension requests: the component asks to move one of its open due dates (a clock).

A request names an open clock and a later date; one may be pending per clock. The
office approves (the date moves) or denies (it stays); a request is decided once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from domain.errors import DomainError, InvalidTransition, UnknownItem
from domain.followup import ExtensionStatus, StatusUpdate
from domain.memo import RecommendationState
from domain.recommendation import (
    DecideExtension,
    RequestExtension,
    SubmitActionPlan,
    decide_extension,
    due_dates,
    request_extension,
    submit_action_plan,
    submit_status_update,
)
from domain.vocabulary import EventKind
from tests.unit.followup_builders import (
    POLICY,
    answered,
    closed,
    disputed,
    in_progress,
    plan,
    rejected,
    snapshot,
)


def ask(clock: str, to: str, on: str = "2023-02-20") -> RequestExtension:
    return RequestExtension(clock=clock, to_date=date.fromisoformat(to),
                            reason="Legal review takes longer.",
                            requested_on=date.fromisoformat(on))


def decide(approve: bool, request_id: int = 1, on: str = "2023-02-25") -> DecideExtension:
    return DecideExtension(request_id=request_id, approve=approve, decided_by="Deputy Director",
                           decided_on=date.fromisoformat(on), reason="Reasonable.")


def requested(rec: RecommendationState, clock: str, to: str) -> RecommendationState:
    new, _ = request_extension(rec, ask(clock, to))
    return new


# -- requesting -------------------------------------------------------------------------


def test_a_request_is_recorded_pending_and_does_not_move_the_date_yet() -> None:
    rec = answered("concur")
    new, events = request_extension(rec, ask("action_plan", "2023-04-01"))
    [request] = new.extension_requests
    assert (request.id, request.clock, request.status) == (1, "action_plan",
                                                           ExtensionStatus.PENDING)
    assert (request.from_date, request.to_date) == (date(2023, 3, 1), date(2023, 4, 1))
    assert request.requested_on == date(2023, 2, 20)
    assert due_dates(new) == {"action_plan": date(2023, 3, 1)}
    assert [(e.kind, e.occurred_on, e.numbers) for e in events] == [
        (EventKind.EXTENSION_REQUESTED, date(2023, 2, 20), [1])]
    assert snapshot(rec)["extension_requests"] == []


@pytest.mark.parametrize(("build", "clock", "open_clocks"), [
    (lambda: answered("concur"), "status_update", "action_plan"),
    (in_progress, "action_plan",
     "milestone:Draft policy, milestone:Train staff, status_update, target_completion"),
    (disputed, "status_update", "revision"),
    (lambda: answered("non_concur"), "action_plan", "none"),
])
def test_a_request_for_a_clock_that_is_not_open_is_rejected_listing_the_open_ones(
    build: Callable[[], RecommendationState], clock: str, open_clocks: str,
) -> None:
    rec = build()
    with rejected(rec, UnknownItem, f"clock: recommendation 1 has no open due date '{clock}' "
                                    rf"\(open: {open_clocks}\)"):
        request_extension(rec, ask(clock, "2024-06-30"))


@pytest.mark.parametrize("to", ["2023-03-01", "2023-02-15"])
def test_a_request_must_ask_for_a_date_after_the_current_one(to: str) -> None:
    rec = answered("concur")
    with rejected(rec, DomainError, f"to_date {to} is not after the current action_plan due "
                                    "date 2023-03-01"):
        request_extension(rec, ask("action_plan", to))


def test_only_one_request_per_clock_may_be_pending() -> None:
    rec = requested(in_progress(), "status_update", "2023-07-31")
    with rejected(rec, InvalidTransition, "an extension of status_update is already pending"):
        request_extension(rec, ask("status_update", "2023-08-31"))


def test_requests_for_different_clocks_may_be_pending_together() -> None:
    rec = requested(in_progress(), "status_update", "2023-07-31")
    new, _ = request_extension(rec, ask("milestone:Train staff", "2023-10-31"))
    assert [(r.id, r.clock) for r in new.extension_requests] == [
        (1, "status_update"), (2, "milestone:Train staff")]


def test_once_decided_the_same_clock_may_be_asked_again() -> None:
    denied, _ = decide_extension(requested(in_progress(), "status_update", "2023-07-31"),
                                 decide(False))
    new, _ = request_extension(denied, ask("status_update", "2023-07-15"))
    assert [r.status for r in new.extension_requests] == [ExtensionStatus.DENIED,
                                                          ExtensionStatus.PENDING]


def test_a_request_on_a_closed_recommendation_is_rejected() -> None:
    rec = closed()
    with rejected(rec, InvalidTransition, "cannot request an extension: recommendation 1 is "
                                          "closed"):
        request_extension(rec, ask("status_update", "2024-06-30"))


# -- deciding ---------------------------------------------------------------------------


@pytest.mark.parametrize(("build", "clock", "to"), [
    (lambda: answered("concur"), "action_plan", "2023-04-01"),
    (disputed, "revision", "2023-05-15"),
    (in_progress, "status_update", "2023-07-31"),
    (in_progress, "target_completion", "2024-03-31"),
    (in_progress, "milestone:Draft policy", "2023-08-31"),
])
def test_approving_a_request_moves_its_due_date_and_only_that_one(
    build: Callable[[], RecommendationState], clock: str, to: str,
) -> None:
    rec = requested(build(), clock, to)
    new, events = decide_extension(rec, decide(True))
    assert due_dates(new) == {**due_dates(rec), clock: date.fromisoformat(to)}
    [request] = new.extension_requests
    assert request.status is ExtensionStatus.APPROVED
    assert (request.decided_by, request.decided_on) == ("Deputy Director", date(2023, 2, 25))
    assert request.decision_reason == "Reasonable."
    assert [(e.kind, e.occurred_on) for e in events] == [
        (EventKind.EXTENSION_APPROVED, date(2023, 2, 25))]
    assert events[0].data["request"]["status"] == "approved"


def test_denying_a_request_keeps_the_due_date() -> None:
    rec = requested(in_progress(), "status_update", "2023-07-31")
    new, events = decide_extension(rec, decide(False))
    assert due_dates(new) == due_dates(rec)
    assert new.status_update_due_on == date(2023, 6, 13)
    assert new.extension_requests[0].status is ExtensionStatus.DENIED
    assert [e.kind for e in events] == [EventKind.EXTENSION_DENIED]


def test_deciding_does_not_modify_its_input() -> None:
    rec = requested(in_progress(), "status_update", "2023-07-31")
    before = snapshot(rec)
    decide_extension(rec, decide(True))
    assert snapshot(rec) == before


@pytest.mark.parametrize("request_id", [1, 2])
def test_deciding_a_request_that_was_never_made_is_rejected(request_id: int) -> None:
    rec = in_progress() if request_id == 1 else requested(in_progress(), "status_update",
                                                          "2023-07-31")
    with rejected(rec, UnknownItem, f"request_id: recommendation 1 has no extension request "
                                    f"#{request_id}"):
        decide_extension(rec, decide(True, request_id=request_id))


@pytest.mark.parametrize(("first", "again", "status"), [
    (True, True, "approved"), (True, False, "approved"), (False, True, "denied")])
def test_deciding_a_request_twice_is_rejected(first: bool, again: bool, status: str) -> None:
    rec, _ = decide_extension(requested(in_progress(), "status_update", "2023-07-31"),
                              decide(first))
    with rejected(rec, InvalidTransition, f"extension request #1 was already {status}"):
        decide_extension(rec, decide(again, on="2023-03-01"))


def test_approving_an_extension_of_a_clock_that_has_since_closed_does_not_reopen_it() -> None:
    rec = requested(disputed(), "revision", "2023-05-15")
    revised, _ = submit_action_plan(rec, SubmitActionPlan(received_on=date(2023, 4, 1),
                                                          plan=plan()))
    assert "revision" not in due_dates(revised)
    new, _ = decide_extension(revised, decide(True, on="2023-04-03"))
    assert "revision" not in due_dates(new)


def test_approving_a_stale_extension_never_moves_a_due_date_earlier() -> None:
    rec = requested(in_progress(), "status_update", "2023-07-31")
    updated, _ = submit_status_update(rec, StatusUpdate(received_on=date(2023, 6, 1),
                                                        progress="Drafting."), POLICY)
    assert updated.status_update_due_on == date(2023, 8, 30)
    new, _ = decide_extension(updated, decide(True, on="2023-06-05"))
    assert new.status_update_due_on == date(2023, 8, 30)
