"""Closure and reopening: every recommendation is closed for a reason, with a justification.

Closing as implemented or alternate_action needs evidence, from the close itself or from
earlier status updates. Reopening returns to in_progress if the plan was accepted, else
to open; a recommendation withdrawn with its memo cannot be reopened.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from pydantic import ValidationError

from domain.errors import DomainError, InvalidTransition
from domain.followup import Evidence, StatusUpdate
from domain.memo import RecommendationState, Withdraw, withdraw
from domain.recommendation import (
    Close,
    Reopen,
    close,
    due_dates,
    reopen,
    review,
    submit_status_update,
)
from domain.vocabulary import ClosureReason, EventKind, Implementation, Resolution
from tests.unit.followup_builders import (
    EVIDENCE,
    POLICY,
    accept,
    answered,
    closed,
    closing,
    in_progress,
    issued,
    rejected,
    snapshot,
)

NEEDS_EVIDENCE = [ClosureReason.IMPLEMENTED, ClosureReason.ALTERNATE_ACTION]
NO_EVIDENCE_NEEDED = [ClosureReason.NOT_IMPLEMENTED, ClosureReason.SUPERSEDED,
                      ClosureReason.NO_LONGER_APPLICABLE, ClosureReason.NO_RESPONSE]


def test_closing_records_the_reason_justification_date_and_evidence() -> None:
    new, events = close(in_progress(), closing())
    assert new.implementation is Implementation.CLOSED
    assert new.closure_reason is ClosureReason.IMPLEMENTED
    assert new.closure_justification == "The directive is signed and staff are trained."
    assert new.closed_on == date(2023, 12, 15)
    assert new.evidence == [EVIDENCE]
    assert due_dates(new) == {}
    assert [(e.kind, e.occurred_on, e.numbers) for e in events] == [
        (EventKind.RECOMMENDATION_CLOSED, date(2023, 12, 15), [1])]
    assert events[0].data == {"reason": "implemented",
                              "justification": "The directive is signed and staff are trained."}


def test_closing_does_not_modify_its_input() -> None:
    rec = in_progress()
    before = snapshot(rec)
    close(rec, closing())
    assert snapshot(rec) == before


@pytest.mark.parametrize("reason", NEEDS_EVIDENCE)
def test_closing_as_done_without_any_evidence_is_rejected(reason: ClosureReason) -> None:
    rec = in_progress()
    with rejected(rec, DomainError, f"evidence: closing as {reason.value} needs at least one "
                                    "evidence reference"):
        close(rec, closing(reason, evidence=()))


@pytest.mark.parametrize("reason", NEEDS_EVIDENCE)
def test_evidence_from_earlier_status_updates_is_enough_to_close_as_done(
    reason: ClosureReason,
) -> None:
    updated, _ = submit_status_update(in_progress(), StatusUpdate(
        received_on=date(2023, 6, 1), progress="Signed.", evidence=[EVIDENCE]), POLICY)
    new, _ = close(updated, closing(reason, evidence=()))
    assert new.closure_reason is reason
    assert new.evidence == [EVIDENCE]


def test_evidence_given_at_closing_is_added_to_the_earlier_evidence() -> None:
    more = Evidence(title="Audit report", uri="https://ice.example/audit.pdf")
    updated, _ = submit_status_update(in_progress(), StatusUpdate(
        received_on=date(2023, 6, 1), progress="Signed.", evidence=[EVIDENCE]), POLICY)
    new, _ = close(updated, closing(evidence=(more,)))
    assert new.evidence == [EVIDENCE, more]


@pytest.mark.parametrize("reason", NO_EVIDENCE_NEEDED)
def test_other_closure_reasons_need_no_evidence(reason: ClosureReason) -> None:
    new, _ = close(in_progress(), closing(reason, evidence=()))
    assert new.closure_reason is reason


@pytest.mark.parametrize("justification", [" ", "\t\n"])
def test_closing_with_a_blank_justification_is_rejected(justification: str) -> None:
    rec = in_progress()
    with rejected(rec, DomainError, "justification: closing needs a justification"):
        close(rec, closing(justification=justification))


def test_a_close_with_an_empty_justification_is_a_validation_error_naming_it() -> None:
    with pytest.raises(ValidationError) as caught:
        closing(justification="")
    assert [e["loc"] for e in caught.value.errors()] == [("justification",)]


@pytest.mark.parametrize("reason", ["done", "closed", "Implemented", ""])
def test_a_closure_reason_outside_the_vocabulary_is_a_validation_error_naming_reason(
    reason: str,
) -> None:
    with pytest.raises(ValidationError) as caught:
        Close.model_validate({"reason": reason, "justification": "x",
                              "closed_on": "2023-12-15"})
    assert [e["loc"] for e in caught.value.errors()] == [("reason",)]


def test_closing_a_closed_recommendation_is_rejected() -> None:
    rec = closed()
    with rejected(rec, InvalidTransition, r"cannot close: recommendation 1 is closed "
                                          r"\(implemented\)"):
        close(rec, closing(ClosureReason.SUPERSEDED, on="2024-01-10"))


def test_closing_before_the_response_is_rejected() -> None:
    rec = in_progress()
    with rejected(rec, DomainError, "closed_on 2023-01-01 is before the response"):
        close(rec, closing(on="2023-01-01"))


def test_a_recommendation_never_answered_can_be_closed_for_no_response() -> None:
    new, _ = close(issued().recommendation(1), closing(ClosureReason.NO_RESPONSE,
                                                       on="2023-06-30", evidence=()))
    assert new.implementation is Implementation.CLOSED
    assert new.closure_reason is ClosureReason.NO_RESPONSE


# -- reopen -----------------------------------------------------------------------------


def again(on: str = "2024-02-01", reason: str = "The directive was rescinded.") -> Reopen:
    return Reopen(reason=reason, on=date.fromisoformat(on))


def test_reopening_after_an_accepted_plan_returns_to_in_progress_with_a_new_update_due() -> None:
    new, events = reopen(closed(), again(), POLICY)
    assert new.implementation is Implementation.IN_PROGRESS
    assert new.resolution is Resolution.RESOLVED
    assert (new.closure_reason, new.closure_justification, new.closed_on) == (None, None, None)
    assert new.reopen_reasons == ["The directive was rescinded."]
    assert new.status_update_due_on == date(2024, 5, 1)  # 2024-02-01 + 90
    assert due_dates(new)["status_update"] == date(2024, 5, 1)
    assert [(e.kind, e.occurred_on, e.numbers) for e in events] == [
        (EventKind.RECOMMENDATION_REOPENED, date(2024, 2, 1), [1])]
    assert events[0].data == {"reason": "The directive was rescinded."}


def test_reopening_does_not_modify_its_input() -> None:
    rec = closed()
    before = snapshot(rec)
    reopen(rec, again(), POLICY)
    assert snapshot(rec) == before


def test_reopening_an_accepted_non_concurrence_returns_to_open_and_unresolved() -> None:
    rec, _ = review(answered("non_concur"), accept(
        closure_reason=ClosureReason.NOT_IMPLEMENTED, justification="Agreed."), POLICY)
    new, _ = reopen(rec, again(), POLICY)
    assert new.implementation is Implementation.OPEN
    assert new.resolution is Resolution.UNRESOLVED
    assert new.revision_due_on == date(2024, 3, 2)  # 2024-02-01 + 30
    assert due_dates(new) == {"revision": date(2024, 3, 2)}


def test_reopening_a_recommendation_closed_without_a_plan_returns_to_open() -> None:
    rec, _ = close(answered("concur"), closing(ClosureReason.SUPERSEDED, on="2023-02-10",
                                               evidence=()))
    new, _ = reopen(rec, again(), POLICY)
    assert new.implementation is Implementation.OPEN
    assert new.resolution is Resolution.UNRESOLVED


def test_each_reopening_keeps_its_reason() -> None:
    once, _ = reopen(closed(), again(reason="First."), POLICY)
    shut, _ = close(once, closing(on="2024-03-01"))
    twice, _ = reopen(shut, again("2024-04-01", reason="Second."), POLICY)
    assert twice.reopen_reasons == ["First.", "Second."]


@pytest.mark.parametrize("build", [in_progress, answered, lambda: issued().recommendation(1)])
def test_reopening_a_recommendation_that_is_not_closed_is_rejected(
    build: Callable[[], RecommendationState],
) -> None:
    rec = build()
    with rejected(rec, InvalidTransition, "recommendation 1 is not closed"):
        reopen(rec, again(), POLICY)


def test_reopening_a_recommendation_withdrawn_with_its_memo_is_rejected() -> None:
    memo, _ = withdraw(issued(), Withdraw(reason="Issued in error."))
    rec = memo.recommendation(1)
    with rejected(rec, InvalidTransition, "recommendation 1 was withdrawn with its memo"):
        reopen(rec, again(), POLICY)


def test_a_reopen_needs_a_reason() -> None:
    with pytest.raises(ValidationError, match="reason"):
        Reopen(reason="", on=date(2024, 2, 1))
