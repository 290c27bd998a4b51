"""Status updates: only while implementation is in progress (the office accepted the plan).

Each update may mark milestones done and attach evidence; the next one is due 90 days
after it was received (not after it was due).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from domain.errors import DomainError, InvalidTransition, UnknownItem
from domain.followup import Evidence, FollowUpPolicy, StatusUpdate
from domain.memo import RecommendationState
from domain.recommendation import due_dates, submit_status_update
from domain.vocabulary import EventKind
from tests.unit.followup_builders import (
    EVIDENCE,
    POLICY,
    answered,
    closed,
    disputed,
    in_progress,
    issued,
    planned,
    rejected,
    snapshot,
)

SHA = "ab" * 32


def update(on: str = "2023-06-01", *done: str, evidence: tuple[Evidence, ...] = ()
           ) -> StatusUpdate:
    return StatusUpdate(received_on=date.fromisoformat(on), progress="Directive in review.",
                        milestones_done=list(done), evidence=list(evidence))


def test_a_status_update_is_recorded_and_the_next_is_due_90_days_after_it() -> None:
    new, events = submit_status_update(in_progress(), update("2023-06-01"), POLICY)
    assert new.status_updates == [update("2023-06-01")]
    assert new.status_update_due_on == date(2023, 8, 30)
    assert [(e.kind, e.occurred_on, e.numbers) for e in events] == [
        (EventKind.STATUS_UPDATE_SUBMITTED, date(2023, 6, 1), [1])]
    assert events[0].data["update"]["progress"] == "Directive in review."


def test_a_late_status_update_restarts_the_clock_from_when_it_came() -> None:
    new, _ = submit_status_update(in_progress(), update("2023-08-01"), POLICY)
    assert new.status_update_due_on == date(2023, 10, 30)


def test_the_status_update_cadence_is_set_by_the_policy() -> None:
    new, _ = submit_status_update(in_progress(), update("2023-06-01"),
                                  FollowUpPolicy(status_update_every_days=30))
    assert new.status_update_due_on == date(2023, 7, 1)


def test_status_updates_accumulate_in_order() -> None:
    first, _ = submit_status_update(in_progress(), update("2023-06-01"), POLICY)
    second, _ = submit_status_update(first, update("2023-08-15"), POLICY)
    assert [u.received_on for u in second.status_updates] == [date(2023, 6, 1),
                                                             date(2023, 8, 15)]


def test_submitting_a_status_update_does_not_modify_its_input() -> None:
    rec = in_progress()
    before = snapshot(rec)
    submit_status_update(rec, update("2023-06-01", "Draft policy", evidence=(EVIDENCE,)), POLICY)
    assert snapshot(rec) == before


@pytest.mark.parametrize("phase", ["answered", "planned", "disputed", "non_concurred"])
def test_a_status_update_before_the_plan_is_accepted_is_rejected(phase: str) -> None:
    builders: dict[str, Callable[[], RecommendationState]] = {
        "answered": answered, "planned": planned, "disputed": disputed,
        "non_concurred": lambda: answered("non_concur")}
    rec = builders[phase]()
    with rejected(rec, InvalidTransition, "recommendation 1 is not in progress: the office must "
                                          "accept its action plan first"):
        submit_status_update(rec, update(), POLICY)


def test_a_status_update_before_any_response_is_rejected() -> None:
    rec = issued().recommendation(1)
    with rejected(rec, InvalidTransition, "recommendation 1 is not in progress"):
        submit_status_update(rec, update(), POLICY)


def test_a_status_update_on_a_closed_recommendation_is_rejected() -> None:
    rec = closed()
    with rejected(rec, InvalidTransition, "cannot submit a status update: recommendation 1 is "
                                          "closed"):
        submit_status_update(rec, update("2024-01-10"), POLICY)


def test_a_status_update_dated_before_the_response_is_rejected() -> None:
    rec = in_progress()
    with rejected(rec, DomainError, "received_on 2023-01-01 is before the response"):
        submit_status_update(rec, update("2023-01-01"), POLICY)


# -- milestones -------------------------------------------------------------------------


def test_a_status_update_marks_the_milestones_it_names_done_on_its_date() -> None:
    new, _ = submit_status_update(in_progress(), update("2023-06-01", "Draft policy"), POLICY)
    assert new.action_plan is not None
    assert [(m.title, m.done_on) for m in new.action_plan.milestones] == [
        ("Draft policy", date(2023, 6, 1)), ("Train staff", None)]


def test_a_milestone_done_is_no_longer_a_due_date() -> None:
    new, _ = submit_status_update(in_progress(), update("2023-06-01", "Draft policy"), POLICY)
    assert "milestone:Draft policy" not in due_dates(new)
    assert due_dates(new)["milestone:Train staff"] == date(2023, 9, 30)


def test_naming_a_milestone_done_again_keeps_the_first_done_date() -> None:
    first, _ = submit_status_update(in_progress(), update("2023-06-01", "Draft policy"), POLICY)
    second, _ = submit_status_update(first, update("2023-08-01", "Draft policy"), POLICY)
    assert second.action_plan is not None
    assert second.action_plan.milestones[0].done_on == date(2023, 6, 1)


def test_a_status_update_naming_an_unknown_milestone_is_rejected() -> None:
    rec = in_progress()
    with rejected(rec, UnknownItem, "recommendation 1 has no milestone 'Buy software'"):
        submit_status_update(rec, update("2023-06-01", "Draft policy", "Buy software"), POLICY)


# -- evidence ---------------------------------------------------------------------------


def test_evidence_accumulates_across_status_updates() -> None:
    other = Evidence(title="Training roster", uri="https://ice.example/roster.csv")
    first, _ = submit_status_update(in_progress(), update("2023-06-01", evidence=(EVIDENCE,)),
                                    POLICY)
    second, _ = submit_status_update(first, update("2023-08-15", evidence=(other,)), POLICY)
    assert second.evidence == [EVIDENCE, other]
    assert second.status_updates[1].evidence == [other]


def evidence(**fields: Any) -> Evidence:
    return Evidence.model_validate({"title": "Directive", "uri": "https://ice.example/d.pdf",
                                    **fields})


def test_evidence_may_carry_a_sha256_of_64_lowercase_hex_characters_or_none() -> None:
    assert evidence(sha256=SHA).sha256 == SHA
    assert evidence().sha256 is None


@pytest.mark.parametrize("digest", ["ab" * 31 + "a", "ab" * 32 + "a", "g" * 64, "ab" * 31 + " a",
                                    ""])
def test_evidence_with_a_malformed_sha256_is_a_validation_error(digest: str) -> None:
    with pytest.raises(ValidationError, match="sha256"):
        evidence(sha256=digest)


@pytest.mark.parametrize("field", ["title", "uri"])
def test_evidence_needs_a_title_and_a_uri(field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        evidence(**{field: ""})


@pytest.mark.parametrize("percent", [-1, 101])
def test_percent_complete_is_between_0_and_100(percent: int) -> None:
    with pytest.raises(ValidationError, match="percent_complete"):
        StatusUpdate(received_on=date(2023, 6, 1), progress="x", percent_complete=percent)


def test_a_status_update_needs_some_progress_text() -> None:
    with pytest.raises(ValidationError, match="progress"):
        StatusUpdate(received_on=date(2023, 6, 1), progress="")
