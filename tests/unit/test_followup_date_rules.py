"""Follow-up actions cannot predate what they act on; evidence digests are normalised."""

from __future__ import annotations

from datetime import date

from domain.errors import DomainError, InvalidTransition
from domain.followup import Evidence
from domain.recommendation import (
    DecideExtension,
    Reopen,
    RequestExtension,
    Review,
    decide_extension,
    reopen,
    request_extension,
    review,
)
from domain.vocabulary import ReviewDecision
from tests.unit.followup_builders import (
    POLICY,
    RECEIVED_ON,
    answered,
    closed,
    in_progress,
    planned,
    rejected,
)


def test_a_review_dated_before_the_response_is_rejected() -> None:
    rec = planned()
    with rejected(rec, DomainError, "reviewed_on 2023-01-01 is before the response"):
        review(rec, Review(decision=ReviewDecision.ACCEPT, reviewed_on=date(2023, 1, 1)),
               POLICY)


def test_an_extension_requested_before_the_response_is_rejected() -> None:
    rec = answered()
    with rejected(rec, DomainError, "requested_on 2023-01-02 is before the response"):
        request_extension(rec, RequestExtension(clock="action_plan", to_date=date(2023, 6, 1),
                                                reason="late", requested_on=date(2023, 1, 2)))


def test_reopening_before_the_closure_is_rejected() -> None:
    rec = closed()
    assert rec.closed_on is not None
    with rejected(rec, DomainError, "is before the closure"):
        reopen(rec, Reopen(reason="gap", on=date(2023, 2, 1)), POLICY)


def test_a_pending_request_for_the_same_due_date_blocks_another() -> None:
    rec, _ = request_extension(in_progress(), RequestExtension(
        clock="status_update", to_date=date(2024, 1, 1), reason="staff", requested_on=RECEIVED_ON))
    with rejected(rec, InvalidTransition, "already pending"):
        request_extension(rec, RequestExtension(clock="status_update", to_date=date(2024, 2, 1),
                                                reason="more", requested_on=RECEIVED_ON))


def test_a_request_left_pending_by_an_earlier_due_date_does_not_block_a_new_one() -> None:
    rec, _ = request_extension(in_progress(), RequestExtension(
        clock="status_update", to_date=date(2024, 1, 1), reason="staff", requested_on=RECEIVED_ON))
    moved = rec.model_copy(update={"status_update_due_on": date(2023, 12, 1)})
    new, events = request_extension(moved, RequestExtension(
        clock="status_update", to_date=date(2024, 3, 1), reason="again",
        requested_on=RECEIVED_ON))
    assert [r.id for r in new.extension_requests] == [1, 2] and len(events) == 1
    decided, _ = decide_extension(new, DecideExtension(request_id=2, approve=True,
                                                       decided_by="IG", decided_on=RECEIVED_ON))
    assert decided.status_update_due_on == date(2024, 3, 1)


def test_an_uppercase_sha256_is_accepted_and_stored_lowercase() -> None:
    evidence = Evidence(title="Report", uri="https://x.example/r", sha256="AB" * 32)
    assert evidence.sha256 == "ab" * 32
