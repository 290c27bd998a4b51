"""Response-phase transitions: record_response, grant_extension, withdraw.

A transition returns the new state and its events; an illegal one raises a DomainError
naming what is wrong, and the input state is never modified.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.errors import DomainError, InvalidTransition, UnknownItem
from domain.memo import (
    GrantExtension,
    MemoState,
    RecordResponse,
    Withdraw,
    grant_extension,
    record_response,
    withdraw,
)
from domain.vocabulary import (
    ClosureReason,
    EventKind,
    Implementation,
    MemoStatus,
    ResponseStatus,
)
from tests.unit.conftest import RATIONALE, respond

TODAY = date(2023, 4, 24)


FULL_ANSWER = respond("2023-01-30", (1, "concur"), (2, "non_concur"), (3, "non_concur"))


def snapshot(state: MemoState) -> dict[str, Any]:
    return state.model_dump(mode="json")


def extend(to: date) -> GrantExtension:
    return GrantExtension(to_due_on=to, reason="Component asked for more time", approved_by="DM")


# -- record_response --------------------------------------------------------------------


def test_a_full_response_answers_every_recommendation_and_the_memo_becomes_responded(
    ice_memo: MemoState,
) -> None:
    new, _ = record_response(ice_memo, FULL_ANSWER, TODAY)
    assert new.status is MemoStatus.RESPONDED
    assert [r.response for r in new.recommendations] == [
        ResponseStatus.CONCURRED,
        ResponseStatus.NON_CONCURRED,
        ResponseStatus.NON_CONCURRED,
    ]
    assert {r.received_on for r in new.recommendations} == {date(2023, 1, 30)}
    assert new.recommendations[1].rationale == RATIONALE
    assert new.response_received_on == date(2023, 1, 30)
    assert new.awaiting_numbers() == []


def test_recording_a_response_produces_one_response_recorded_event(ice_memo: MemoState) -> None:
    _, events = record_response(ice_memo, FULL_ANSWER, TODAY)
    assert len(events) == 1
    event = events[0]
    assert event.kind is EventKind.RESPONSE_RECORDED
    assert event.occurred_on == date(2023, 1, 30)
    assert event.numbers == [1, 2, 3]
    assert event.data["status"] == "responded"


def test_a_full_response_clears_the_overdue_flag(ice_memo: MemoState) -> None:
    late = ice_memo.model_copy(update={"overdue_flag": True})
    new, _ = record_response(late, FULL_ANSWER, TODAY)
    assert new.overdue_flag is False


def test_a_partial_response_leaves_the_memo_awaiting_the_rest(ice_memo: MemoState) -> None:
    new, _ = record_response(ice_memo, respond("2023-01-30", (2, "partially_concur")), TODAY)
    assert new.status is MemoStatus.AWAITING_RESPONSE
    assert new.recommendation(2).response is ResponseStatus.PARTIALLY_CONCURRED
    assert new.awaiting_numbers() == [1, 3]
    assert new.response_received_on is None


def test_the_memo_becomes_responded_when_the_last_recommendation_is_answered(
    ice_memo: MemoState,
) -> None:
    first, _ = record_response(ice_memo, respond("2023-01-10", (1, "concur"), (3, "concur")), TODAY)
    second, _ = record_response(first, respond("2023-02-15", (2, "non_concur")), TODAY)
    assert first.status is MemoStatus.AWAITING_RESPONSE
    assert second.status is MemoStatus.RESPONDED
    assert second.response_received_on == date(2023, 2, 15)


def test_a_successful_transition_does_not_modify_its_input(ice_memo: MemoState) -> None:
    before = snapshot(ice_memo)
    record_response(ice_memo, FULL_ANSWER, TODAY)
    assert snapshot(ice_memo) == before


def test_a_second_response_to_an_answered_recommendation_is_rejected(
    ice_memo: MemoState,
) -> None:
    answered, _ = record_response(ice_memo, respond("2023-01-30", (1, "concur")), TODAY)
    with pytest.raises(InvalidTransition, match="recommendation 1 was already answered"):
        record_response(answered, respond("2023-02-01", (1, "non_concur")), TODAY)


def test_a_second_full_response_to_a_responded_memo_is_rejected(ice_memo: MemoState) -> None:
    responded, _ = record_response(ice_memo, FULL_ANSWER, TODAY)
    with pytest.raises(InvalidTransition, match="already answered"):
        record_response(responded, FULL_ANSWER, TODAY)


def test_a_response_naming_an_unknown_recommendation_is_rejected(ice_memo: MemoState) -> None:
    with pytest.raises(UnknownItem, match="has no recommendation 4"):
        record_response(ice_memo, respond("2023-01-30", (1, "concur"), (4, "concur")), TODAY)


def test_a_response_naming_a_recommendation_twice_is_rejected(ice_memo: MemoState) -> None:
    cmd = respond("2023-01-30", (2, "concur"), (2, "non_concur"))
    with pytest.raises(DomainError, match="recommendation 2 more than once"):
        record_response(ice_memo, cmd, TODAY)


def test_a_response_received_before_the_memo_was_issued_is_rejected(
    ice_memo: MemoState,
) -> None:
    with pytest.raises(DomainError, match="before the memo was issued"):
        record_response(ice_memo, respond("2022-09-29", (1, "concur")), TODAY)


def test_a_response_received_on_the_issue_day_is_accepted(ice_memo: MemoState) -> None:
    new, _ = record_response(ice_memo, respond("2022-09-30", (1, "concur")), TODAY)
    assert new.recommendation(1).received_on == date(2022, 9, 30)


def test_a_response_dated_in_the_future_is_rejected(ice_memo: MemoState) -> None:
    with pytest.raises(DomainError, match="in the future"):
        record_response(ice_memo, respond("2023-04-25", (1, "concur")), TODAY)


def test_a_response_dated_today_is_accepted(ice_memo: MemoState) -> None:
    new, _ = record_response(ice_memo, respond("2023-04-24", (1, "concur")), TODAY)
    assert new.recommendation(1).received_on == TODAY


@pytest.mark.parametrize(
    "bad",
    [
        respond("2023-01-30", (1, "concur"), (9, "concur")),  # fails after touching #1
        respond("2023-01-30", (1, "concur"), (1, "concur")),
        respond("2022-01-01", (1, "concur")),
        respond("2099-01-01", (1, "concur")),
    ],
    ids=["unknown", "duplicate", "before_issue", "future"],
)
def test_the_state_is_unchanged_after_a_rejected_response(
    ice_memo: MemoState, bad: RecordResponse
) -> None:
    before = snapshot(ice_memo)
    with pytest.raises(DomainError):
        record_response(ice_memo, bad, TODAY)
    assert snapshot(ice_memo) == before


def test_a_response_to_a_withdrawn_memo_is_rejected(ice_memo: MemoState) -> None:
    withdrawn, _ = withdraw(ice_memo, Withdraw(reason="Superseded by a new review"))
    with pytest.raises(InvalidTransition, match="is withdrawn"):
        record_response(withdrawn, FULL_ANSWER, TODAY)


# -- grant_extension --------------------------------------------------------------------


def test_an_extension_moves_the_due_date_and_is_recorded(ice_memo: MemoState) -> None:
    new, events = grant_extension(ice_memo, extend(date(2023, 1, 31)))
    assert new.response_due_on == date(2023, 1, 31)
    assert len(new.extensions) == 1
    assert (new.extensions[0].from_due_on, new.extensions[0].to_due_on) == (
        date(2022, 11, 29),
        date(2023, 1, 31),
    )
    assert events[0].kind is EventKind.EXTENSION_GRANTED
    assert events[0].data["from_due_on"] == "2022-11-29"
    assert ice_memo.response_due_on == date(2022, 11, 29)  # input untouched


def test_an_extension_clears_the_overdue_flag(ice_memo: MemoState) -> None:
    late = ice_memo.model_copy(update={"overdue_flag": True})
    new, _ = grant_extension(late, extend(date(2023, 1, 31)))
    assert new.overdue_flag is False


@pytest.mark.parametrize("to", [date(2022, 11, 29), date(2022, 11, 1)])
def test_an_extension_must_be_after_the_current_due_date(ice_memo: MemoState, to: date) -> None:
    with pytest.raises(DomainError, match="not after the current due date 2022-11-29"):
        grant_extension(ice_memo, extend(to))


def test_a_second_extension_must_be_after_the_extended_due_date(ice_memo: MemoState) -> None:
    once, _ = grant_extension(ice_memo, extend(date(2023, 1, 31)))
    with pytest.raises(DomainError, match="current due date 2023-01-31"):
        grant_extension(once, extend(date(2023, 1, 15)))
    twice, _ = grant_extension(once, extend(date(2023, 2, 28)))
    assert [e.to_due_on for e in twice.extensions] == [date(2023, 1, 31), date(2023, 2, 28)]


def test_a_partly_answered_memo_can_still_be_extended(ice_memo: MemoState) -> None:
    partial, _ = record_response(ice_memo, respond("2022-11-20", (1, "concur")), TODAY)
    new, _ = grant_extension(partial, extend(date(2022, 12, 15)))
    assert new.response_due_on == date(2022, 12, 15)


def test_an_extension_of_a_fully_answered_memo_is_rejected(ice_memo: MemoState) -> None:
    responded, _ = record_response(ice_memo, FULL_ANSWER, TODAY)
    with pytest.raises(InvalidTransition, match="fully answered"):
        grant_extension(responded, extend(date(2023, 3, 1)))


def test_an_extension_of_a_withdrawn_memo_is_rejected(ice_memo: MemoState) -> None:
    withdrawn, _ = withdraw(ice_memo, Withdraw(reason="Superseded"))
    with pytest.raises(InvalidTransition, match="withdrawn"):
        grant_extension(withdrawn, extend(date(2023, 3, 1)))


# -- withdraw ---------------------------------------------------------------------------


def test_withdrawing_closes_every_open_recommendation_with_reason_withdrawn(
    ice_memo: MemoState,
) -> None:
    new, events = withdraw(ice_memo, Withdraw(reason="Superseded by a new review"))
    assert new.status is MemoStatus.WITHDRAWN
    assert new.withdrawn_reason == "Superseded by a new review"
    assert {r.implementation for r in new.recommendations} == {Implementation.CLOSED}
    assert {r.closure_reason for r in new.recommendations} == {ClosureReason.WITHDRAWN}
    assert [e.kind for e in events] == [EventKind.MEMO_WITHDRAWN]


def test_withdrawing_keeps_the_reason_of_an_already_closed_recommendation(
    ice_memo: MemoState,
) -> None:
    state = ice_memo.model_copy(deep=True)
    state.recommendations[0].implementation = Implementation.CLOSED
    state.recommendations[0].closure_reason = ClosureReason.IMPLEMENTED
    state.recommendations[1].implementation = Implementation.IN_PROGRESS
    new, _ = withdraw(state, Withdraw(reason="Superseded"))
    assert [r.closure_reason for r in new.recommendations] == [
        ClosureReason.IMPLEMENTED,
        ClosureReason.WITHDRAWN,
        ClosureReason.WITHDRAWN,
    ]


def test_a_second_withdrawal_is_rejected(ice_memo: MemoState) -> None:
    withdrawn, _ = withdraw(ice_memo, Withdraw(reason="Superseded"))
    before = snapshot(withdrawn)
    with pytest.raises(InvalidTransition, match="cannot withdraw"):
        withdraw(withdrawn, Withdraw(reason="Again"))
    assert snapshot(withdrawn) == before
