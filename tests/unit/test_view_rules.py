"""Read models (`show --json`): derived lateness, counts and the contract's field names.

The real example: issued 2022-09-30 with 3 recommendations, due 2022-11-29, answered
2023-01-30 with one concurrence and two non-concurrences => 62 days late, not overdue.
"""

from __future__ import annotations

from datetime import date

from domain.memo import MemoState, Withdraw, record_response, withdraw
from domain.views import Counts, MemoFacts, memo_view, view_of_state
from tests.unit.conftest import RATIONALE, respond

PUBLIC_SUMMARY_DAY = date(2023, 4, 24)


def answered_ice(memo: MemoState) -> MemoState:
    cmd = respond("2023-01-30", (1, "concur"), (2, "non_concur"), (3, "non_concur"))
    return record_response(memo, cmd, PUBLIC_SUMMARY_DAY)[0]


def test_the_ice_memo_answered_2023_01_30_is_62_days_late_and_not_overdue(
    ice_memo: MemoState,
) -> None:
    view = view_of_state(answered_ice(ice_memo), PUBLIC_SUMMARY_DAY)
    assert view.status == "responded"
    assert view.issued_on == date(2022, 9, 30)
    assert view.response_due_on == date(2022, 11, 29)
    assert view.response_received_on == date(2023, 1, 30)
    assert view.days_late == 62
    assert view.overdue is False
    assert view.counts == Counts(concurred=1, partially_concurred=0, non_concurred=2, awaiting=0)


def test_the_days_late_of_an_answered_memo_does_not_grow_with_time(ice_memo: MemoState) -> None:
    state = answered_ice(ice_memo)
    assert view_of_state(state, date(2030, 1, 1)).days_late == 62


def test_each_recommendation_shows_its_own_response_and_lateness(ice_memo: MemoState) -> None:
    view = view_of_state(answered_ice(ice_memo), PUBLIC_SUMMARY_DAY)
    assert [(r.number, r.response, r.days_late) for r in view.recommendations] == [
        (1, "concurred", 62),
        (2, "non_concurred", 62),
        (3, "non_concurred", 62),
    ]
    assert view.recommendations[1].rationale == RATIONALE
    assert {r.implementation for r in view.recommendations} == {"open"}
    assert {r.closure_reason for r in view.recommendations} == {None}


def test_response_received_on_is_null_while_any_recommendation_is_awaiting(
    ice_memo: MemoState,
) -> None:
    partial, _ = record_response(ice_memo, respond("2023-01-30", (1, "concur")), PUBLIC_SUMMARY_DAY)
    view = view_of_state(partial, date(2023, 2, 1))
    assert view.response_received_on is None
    assert view.counts == Counts(concurred=1, awaiting=2)
    assert view.recommendations[0].received_on == date(2023, 1, 30)


def test_an_awaiting_memo_after_its_due_date_is_overdue_and_late_until_today(
    ice_memo: MemoState,
) -> None:
    view = view_of_state(ice_memo, date(2023, 1, 30))
    assert view.status == "awaiting_response"
    assert view.overdue is True
    assert view.days_late == 62
    assert view.counts == Counts(awaiting=3)


def test_a_partly_answered_memo_after_its_due_date_is_still_overdue(ice_memo: MemoState) -> None:
    partial, _ = record_response(ice_memo, respond("2022-11-20", (1, "concur")), PUBLIC_SUMMARY_DAY)
    view = view_of_state(partial, date(2022, 12, 9))
    assert view.overdue is True
    assert view.days_late == 10
    assert [r.days_late for r in view.recommendations] == [0, 10, 10]


def test_an_awaiting_memo_is_not_overdue_on_its_due_date(ice_memo: MemoState) -> None:
    view = view_of_state(ice_memo, date(2022, 11, 29))
    assert (view.overdue, view.days_late) == (False, 0)


def test_an_awaiting_memo_is_overdue_from_the_day_after_its_due_date(
    ice_memo: MemoState,
) -> None:
    view = view_of_state(ice_memo, date(2022, 11, 30))
    assert (view.overdue, view.days_late) == (True, 1)


def test_a_withdrawn_memo_is_never_overdue_and_its_clock_stopped(ice_memo: MemoState) -> None:
    withdrawn, _ = withdraw(ice_memo, Withdraw(reason="Superseded"))
    view = view_of_state(withdrawn, date(2023, 6, 1))
    assert view.status == "withdrawn"
    assert (view.overdue, view.days_late) == (False, 0)
    assert {r.closure_reason for r in view.recommendations} == {"withdrawn"}
    assert {r.days_late for r in view.recommendations} == {0}


def test_an_extension_moves_the_lateness_reference(ice_memo: MemoState) -> None:
    extended = ice_memo.model_copy(update={"response_due_on": date(2023, 2, 15)})
    view = view_of_state(answered_ice(extended), PUBLIC_SUMMARY_DAY)
    assert view.response_due_on == date(2023, 2, 15)
    assert view.days_late == 0


def test_a_view_from_stored_facts_equals_the_view_of_the_live_state(
    ice_memo: MemoState,
) -> None:
    state = answered_ice(ice_memo)
    facts = MemoFacts(
        memo_id="CRCL-2022-ICE-FRD",
        title=state.spec.title,
        office="CRCL",
        component="ICE",
        status=state.status,
        issued_on=date(2022, 9, 30),
        response_due_on=date(2022, 11, 29),
    )
    shuffled = list(reversed(state.recommendations))
    from_store = memo_view(facts, shuffled, PUBLIC_SUMMARY_DAY)
    assert from_store == view_of_state(state, PUBLIC_SUMMARY_DAY)
    assert [r.number for r in from_store.recommendations] == [1, 2, 3]


def test_the_json_view_carries_the_contract_fields(ice_memo: MemoState) -> None:
    data = view_of_state(answered_ice(ice_memo), PUBLIC_SUMMARY_DAY).model_dump(mode="json")
    assert {
        "memo_id",
        "component",
        "status",
        "issued_on",
        "response_due_on",
        "response_received_on",
        "days_late",
        "overdue",
        "counts",
        "recommendations",
    } <= data.keys()
    assert data["memo_id"] == "CRCL-2022-ICE-FRD"
    assert data["response_received_on"] == "2023-01-30"
    assert data["counts"] == {
        "concurred": 1,
        "partially_concurred": 0,
        "non_concurred": 2,
        "awaiting": 0,
    }
    assert {"number", "response", "received_on", "implementation", "closure_reason"} <= data[
        "recommendations"
    ][0].keys()


def test_the_json_view_of_an_awaiting_memo_has_a_null_received_on(ice_memo: MemoState) -> None:
    data = view_of_state(ice_memo, date(2022, 10, 1)).model_dump(mode="json")
    assert data["response_received_on"] is None
    assert data["overdue"] is False
