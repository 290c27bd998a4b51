"""Clocks: which due dates tick, and with which ladder, in each phase.

A recommendation answered without a plan has its action_plan clock (the response ladder,
like the memo's deadline); a disputed one its revision clock; one in progress its status
update (status_update_request notices), target completion and open milestones. Nothing
ticks on hold or once closed. The memo's publication clock reminds the case officer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from domain.clocks import Clock, publication_clock, recommendation_clocks
from domain.followup import FollowUpPolicy, StatusUpdate
from domain.ladder import ReminderLadder
from domain.memo import MemoState, RecommendationState, Withdraw, record_response, withdraw
from domain.memo_followup import MemoHold, Publish, hold_memo, publish
from domain.recommendation import PlaceHold, place_hold, submit_status_update
from domain.vocabulary import NoticeKind, PublicationKind
from tests.unit.conftest import respond
from tests.unit.followup_builders import (
    LATEST_DATE,
    POLICY,
    answered,
    closed,
    disputed,
    in_progress,
    issued,
    planned,
)

RESPONSE_LADDER = ReminderLadder(days_before=(10, 3), overdue_every_days=5)


def clocks(rec: RecommendationState, policy: FollowUpPolicy = POLICY) -> list[Clock]:
    return recommendation_clocks(rec, policy, RESPONSE_LADDER)


def names(rec: RecommendationState) -> list[str]:
    return [c.name for c in clocks(rec)]


# -- recommendation clocks, phase by phase ----------------------------------------------


def test_a_recommendation_awaiting_its_response_has_no_clock_of_its_own() -> None:
    assert clocks(issued().recommendation(1)) == []  # the memo's deadline covers it


@pytest.mark.parametrize("decision", ["concur", "partially_concur"])
def test_a_concurrence_without_a_plan_has_the_action_plan_clock_on_the_response_ladder(
    decision: str,
) -> None:
    assert clocks(answered(decision)) == [Clock(
        name="action_plan", due_on=date(2023, 3, 1), ladder=RESPONSE_LADDER,
        recipient="component", reminder_kind=NoticeKind.REMINDER)]


@pytest.mark.parametrize("build", [planned, lambda: answered("non_concur")])
def test_a_response_awaiting_the_offices_review_has_no_clock(
    build: Callable[[], RecommendationState],
) -> None:
    assert clocks(build()) == []


def test_a_disputed_response_has_the_revision_clock_on_the_response_ladder() -> None:
    assert clocks(disputed()) == [Clock(name="revision", due_on=date(2023, 4, 14),
                                        ladder=RESPONSE_LADDER)]


def test_a_recommendation_in_progress_has_status_update_target_and_milestone_clocks() -> None:
    assert names(in_progress()) == ["milestone:Draft policy", "milestone:Train staff",
                                    "status_update", "target_completion"]


def test_the_status_update_clock_asks_for_an_update_on_the_policy_ladder() -> None:
    policy = FollowUpPolicy(status_update_ladder=ReminderLadder(days_before=(7,)))
    [clock] = [c for c in clocks(in_progress(), policy) if c.name == "status_update"]
    assert clock == Clock(name="status_update", due_on=date(2023, 6, 13),
                          ladder=ReminderLadder(days_before=(7,)), recipient="component",
                          reminder_kind=NoticeKind.STATUS_UPDATE_REQUEST)


def test_milestone_and_target_clocks_are_plain_reminders_on_the_milestone_ladder() -> None:
    by_name = {c.name: c for c in clocks(in_progress())}
    for name, due in [("milestone:Draft policy", date(2023, 6, 30)),
                      ("milestone:Train staff", date(2023, 9, 30)),
                      ("target_completion", date(2023, 12, 31))]:
        assert by_name[name] == Clock(name=name, due_on=due, ladder=POLICY.milestone_ladder,
                                      recipient="component",
                                      reminder_kind=NoticeKind.REMINDER)


def test_a_milestone_done_stops_its_clock() -> None:
    done, _ = submit_status_update(in_progress(), StatusUpdate(
        received_on=date(2023, 6, 1), progress="Drafted.", milestones_done=["Draft policy"]),
        POLICY)
    assert names(done) == ["milestone:Train staff", "status_update", "target_completion"]
    assert clocks(done)[1].due_on == date(2023, 8, 30)


@pytest.mark.parametrize("by_memo", [False, True])
@pytest.mark.parametrize("build", [answered, disputed, in_progress])
def test_no_clock_ticks_while_a_recommendation_is_on_hold(
    build: Callable[[], RecommendationState], by_memo: bool,
) -> None:
    rec, _ = place_hold(build(), PlaceHold(reason="Litigation.", on=date(2023, 2, 20)),
                        by_memo=by_memo)
    assert clocks(rec) == []


def test_no_clock_ticks_once_a_recommendation_is_closed() -> None:
    assert clocks(closed()) == []


# -- the memo's publication clock -------------------------------------------------------


def responded() -> MemoState:
    memo, _ = record_response(issued(), respond(
        "2023-01-30", (1, "concur"), (2, "non_concur"), (3, "non_concur")), LATEST_DATE)
    return memo


def test_the_publication_clock_reminds_the_case_officer_of_the_summary() -> None:
    memo = responded()
    assert publication_clock(memo) == Clock(
        name="publication", due_on=date(2023, 4, 30),
        ladder=memo.spec.follow_up.publication_ladder, recipient="case_officer",
        reminder_kind=NoticeKind.PUBLICATION_REMINDER)


def test_there_is_no_publication_clock_before_the_memo_is_fully_answered() -> None:
    assert publication_clock(issued()) is None
    partly, _ = record_response(issued(), respond("2023-01-30", (1, "concur")), LATEST_DATE)
    assert publication_clock(partly) is None


def test_there_is_no_publication_clock_once_the_summary_is_published() -> None:
    memo, _ = publish(responded(), Publish(kind=PublicationKind.SUMMARY,
                                           published_on=date(2023, 4, 24), uri="https://x.example"))
    assert publication_clock(memo) is None


def test_publishing_the_redacted_memo_leaves_the_publication_clock_ticking() -> None:
    memo, _ = publish(responded(), Publish(kind=PublicationKind.REDACTED_MEMO,
                                           published_on=date(2023, 4, 24), uri="https://x.example"))
    clock = publication_clock(memo)
    assert clock is not None and clock.due_on == date(2023, 4, 30)


def test_there_is_no_publication_clock_while_the_memo_is_on_hold() -> None:
    memo, _ = hold_memo(responded(), MemoHold(reason="Litigation.", on=date(2023, 3, 1)))
    assert publication_clock(memo) is None


def test_there_is_no_publication_clock_for_a_withdrawn_memo() -> None:
    memo, _ = withdraw(responded(), Withdraw(reason="Issued in error."))
    assert publication_clock(memo) is None
