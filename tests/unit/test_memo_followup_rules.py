"""Memo-level follow-up: the public summary, holds on the whole memo, and closing the memo
when every recommendation is closed (reopening it when one is reopened).

The public summary is due 90 days after the memo is fully answered: 2023-04-30 for the
ICE answer of 2023-01-30 (the real one was published 2023-04-24).
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import DomainError, InvalidTransition, UnknownItem
from domain.followup import Hold
from domain.memo import MemoState, RecommendationState, Withdraw, record_response, withdraw
from domain.memo_followup import (
    MemoHold,
    MemoResume,
    Publish,
    apply_recommendation,
    hold_memo,
    publish,
    resume_memo,
)
from domain.recommendation import Reopen, close, reopen
from domain.vocabulary import ClosureReason, EventKind, MemoStatus, PublicationKind
from tests.unit.conftest import respond
from tests.unit.followup_builders import (
    LATEST_DATE,
    POLICY,
    closing,
    issued,
    rejected,
    snapshot,
)

SUMMARY, REDACTED = PublicationKind.SUMMARY, PublicationKind.REDACTED_MEMO
ICE_ANSWER = respond("2023-01-30", (1, "concur"), (2, "non_concur"), (3, "non_concur"))


def responded(memo: MemoState | None = None) -> MemoState:
    new, _ = record_response(memo or issued(), ICE_ANSWER, LATEST_DATE)
    return new


def published(kind: PublicationKind = SUMMARY, on: str = "2023-04-24") -> Publish:
    return Publish(kind=kind, published_on=date.fromisoformat(on),
                   uri="https://office.example/summaries/ice-frd")


def shut(memo: MemoState, number: int, on: str) -> RecommendationState:
    """Recommendation `number` of `memo`, closed as superseded on `on`."""
    rec, _ = close(memo.recommendation(number), closing(ClosureReason.SUPERSEDED, on=on,
                                                        evidence=()))
    return rec


# -- publication due date ---------------------------------------------------------------


def test_a_full_response_makes_the_public_summary_due_90_days_later() -> None:
    assert responded().publication_due_on == date(2023, 4, 30)


def test_a_partial_response_sets_no_publication_due_date() -> None:
    memo, _ = record_response(issued(), respond("2023-01-30", (1, "concur")), LATEST_DATE)
    assert memo.publication_due_on is None


def test_the_summary_is_due_90_days_after_the_last_recommendation_is_answered() -> None:
    first, _ = record_response(issued(), respond("2023-01-10", (1, "concur"), (3, "concur")),
                               LATEST_DATE)
    last, _ = record_response(first, respond("2023-02-15", (2, "non_concur")), LATEST_DATE)
    assert last.publication_due_on == date(2023, 5, 16)


def test_the_publication_window_is_set_by_the_memo_policy() -> None:
    assert responded(issued(publication_days=30)).publication_due_on == date(2023, 3, 1)


# -- publish ----------------------------------------------------------------------------


def test_publishing_the_summary_records_it_and_clears_its_due_date() -> None:
    memo = responded()
    new, events = publish(memo, published())
    assert [(p.kind, p.published_on) for p in new.publications] == [(SUMMARY, date(2023, 4, 24))]
    assert new.publication_due_on is None
    assert [(e.kind, e.occurred_on) for e in events] == [(EventKind.PUBLISHED, date(2023, 4, 24))]
    assert events[0].data["kind"] == "summary"
    assert memo.publication_due_on == date(2023, 4, 30)  # input untouched


def test_publishing_the_redacted_memo_leaves_the_summary_due() -> None:
    new, _ = publish(responded(), published(REDACTED))
    assert new.publication_due_on == date(2023, 4, 30)
    assert [p.kind for p in new.publications] == [REDACTED]


@pytest.mark.parametrize("kind", [SUMMARY, REDACTED])
def test_publishing_the_same_kind_twice_is_rejected(kind: PublicationKind) -> None:
    memo, _ = publish(responded(), published(kind))
    with rejected(memo, InvalidTransition, f"the {kind.value} of memo CRCL-2022-ICE-FRD was "
                                           "already published on 2023-04-24"):
        publish(memo, published(kind, on="2023-05-01"))


def test_publishing_before_the_memo_was_issued_is_rejected() -> None:
    memo = responded()
    with rejected(memo, DomainError, "published_on 2022-09-29 is before the memo was issued"):
        publish(memo, published(on="2022-09-29"))


def test_publishing_for_a_withdrawn_memo_is_rejected() -> None:
    memo, _ = withdraw(responded(), Withdraw(reason="Issued in error."))
    with rejected(memo, InvalidTransition, "cannot publish: memo CRCL-2022-ICE-FRD is withdrawn"):
        publish(memo, published())


def test_a_summary_published_before_the_full_response_is_not_due_again() -> None:
    early, _ = publish(issued(), published(on="2023-01-15"))
    memo = responded(early)
    assert memo.publication_due_on is None


# -- memo holds -------------------------------------------------------------------------


def held(memo: MemoState, on: str = "2022-11-01") -> MemoState:
    new, _ = hold_memo(memo, MemoHold(reason="Litigation pending.", on=date.fromisoformat(on)))
    return new


def test_holding_the_memo_records_why_and_since_when() -> None:
    new, events = hold_memo(issued(), MemoHold(reason="Litigation pending.",
                                               on=date(2022, 11, 1)))
    assert new.hold == Hold(reason="Litigation pending.", since=date(2022, 11, 1))
    assert [(e.kind, e.occurred_on, e.data) for e in events] == [
        (EventKind.HOLD_PLACED, date(2022, 11, 1), {"reason": "Litigation pending."})]


def test_holding_a_memo_already_on_hold_is_rejected() -> None:
    memo = held(issued())
    with rejected(memo, InvalidTransition, "memo CRCL-2022-ICE-FRD is already on hold since "
                                           "2022-11-01"):
        hold_memo(memo, MemoHold(reason="Again.", on=date(2022, 11, 5)))


@pytest.mark.parametrize("status", ["withdrawn", "closed"])
def test_holding_a_withdrawn_or_closed_memo_is_rejected(status: str) -> None:
    memo = all_closed() if status == "closed" else withdraw(
        issued(), Withdraw(reason="Issued in error."))[0]
    with rejected(memo, InvalidTransition, "cannot put the memo on hold: memo "
                                           f"CRCL-2022-ICE-FRD is {status}"):
        hold_memo(memo, MemoHold(reason="x", on=date(2023, 7, 1)))


def test_resuming_an_awaiting_memo_moves_its_response_due_date_by_the_days_on_hold() -> None:
    memo = held(issued()).model_copy(update={"overdue_flag": True})
    new, events = resume_memo(memo, MemoResume(on=date(2022, 12, 1)))
    assert new.hold is None
    assert new.response_due_on == date(2022, 12, 29)  # 2022-11-29 + 30
    assert new.overdue_flag is False
    assert new.publication_due_on is None
    assert [(e.kind, e.occurred_on, e.data) for e in events] == [
        (EventKind.HOLD_LIFTED, date(2022, 12, 1),
         {"days_on_hold": 30, "moved": {"response": "2022-12-29"}})]


def test_resuming_an_answered_memo_moves_the_publication_due_date_only() -> None:
    memo = held(responded(), on="2023-03-01")
    new, events = resume_memo(memo, MemoResume(on=date(2023, 3, 11)))
    assert new.publication_due_on == date(2023, 5, 10)  # 2023-04-30 + 10
    assert new.response_due_on == date(2022, 11, 29)
    assert events[0].data == {"days_on_hold": 10, "moved": {"publication": "2023-05-10"}}


def test_resuming_does_not_modify_its_input() -> None:
    memo = held(issued())
    before = snapshot(memo)
    resume_memo(memo, MemoResume(on=date(2022, 12, 1)))
    assert snapshot(memo) == before


def test_resuming_a_memo_not_on_hold_is_rejected() -> None:
    memo = responded()
    with rejected(memo, InvalidTransition, "memo CRCL-2022-ICE-FRD is not on hold"):
        resume_memo(memo, MemoResume(on=date(2023, 3, 1)))


def test_resuming_before_the_hold_began_is_rejected() -> None:
    memo = held(issued())
    with rejected(memo, DomainError, r"on 2022-10-31 is before the hold began \(2022-11-01\)"):
        resume_memo(memo, MemoResume(on=date(2022, 10, 31)))


# -- closing the memo with its recommendations ------------------------------------------


def test_the_memo_adopts_a_recommendations_state_and_stays_responded_while_one_is_open(
) -> None:
    memo = responded()
    new, events = apply_recommendation(memo, shut(memo, 1, "2023-03-01"))
    assert new.recommendation(1).closure_reason is ClosureReason.SUPERSEDED
    assert new.status is MemoStatus.RESPONDED
    assert events == []
    assert memo.recommendation(1).closure_reason is None  # input untouched


def all_closed() -> MemoState:
    memo = responded()
    for number, on in [(1, "2023-03-01"), (3, "2023-06-30"), (2, "2023-05-15")]:
        memo, _ = apply_recommendation(memo, shut(memo, number, on))
    return memo


def test_the_memo_closes_when_its_last_recommendation_closes() -> None:
    memo = responded()
    memo, _ = apply_recommendation(memo, shut(memo, 1, "2023-03-01"))
    memo, _ = apply_recommendation(memo, shut(memo, 3, "2023-06-30"))
    new, events = apply_recommendation(memo, shut(memo, 2, "2023-05-15"))
    assert new.status is MemoStatus.CLOSED
    assert [(e.kind, e.occurred_on) for e in events] == [
        (EventKind.MEMO_CLOSED, date(2023, 6, 30))]  # the last closure, not the last applied


def test_the_memo_reopens_when_one_of_its_recommendations_reopens() -> None:
    memo = all_closed()
    rec, _ = reopen(memo.recommendation(2), Reopen(reason="New facts.", on=date(2023, 9, 1)),
                    POLICY)
    new, events = apply_recommendation(memo, rec)
    assert new.status is MemoStatus.RESPONDED
    assert [(e.kind, e.numbers) for e in events] == [(EventKind.MEMO_REOPENED, [2])]


def test_a_closed_memo_does_not_close_again_when_a_closed_state_is_reapplied() -> None:
    memo = all_closed()
    new, events = apply_recommendation(memo, memo.recommendation(1))
    assert new.status is MemoStatus.CLOSED
    assert events == []


def test_a_withdrawn_memo_stays_withdrawn_whatever_a_recommendation_reports() -> None:
    memo, _ = withdraw(responded(), Withdraw(reason="Issued in error."))
    new, events = apply_recommendation(memo, memo.recommendation(1))
    assert new.status is MemoStatus.WITHDRAWN
    assert events == []


def test_an_unanswered_memo_closes_when_all_its_recommendations_close_for_no_response(
) -> None:
    memo = issued()
    for number in (1, 2, 3):
        rec, _ = close(memo.recommendation(number), closing(
            ClosureReason.NO_RESPONSE, on="2023-09-30", evidence=()))
        memo, events = apply_recommendation(memo, rec)
    assert memo.status is MemoStatus.CLOSED
    assert [e.kind for e in events] == [EventKind.MEMO_CLOSED]


def test_applying_a_recommendation_the_memo_does_not_have_is_rejected() -> None:
    memo = responded()
    stranger = memo.recommendation(1).model_copy(update={"number": 9})
    with rejected(memo, UnknownItem, "memo CRCL-2022-ICE-FRD has no recommendation 9"):
        apply_recommendation(memo, stranger)
