"""Validation of the memo file (MemoSpec) and the response file (RecordResponse).

Rejected input must name what is wrong, so the CLI can print one clear line.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from domain.ladder import ReminderLadder
from domain.memo import MemoSpec, RecommendationResponse, RecordResponse
from domain.vocabulary import Counting, Decision, RecommendationKind


def error_locations(error: ValidationError) -> set[str]:
    return {".".join(str(part) for part in e["loc"]) for e in error.errors()}


def test_a_minimal_memo_gets_the_default_window_ladder_and_time_zone(
    spec_data: dict[str, Any],
) -> None:
    spec = MemoSpec.model_validate(spec_data)
    assert spec.issued_on == date(2022, 9, 30)
    assert spec.response_due_on is None
    assert (spec.response_window.days, spec.response_window.counting) == (60, Counting.CALENDAR)
    assert spec.ladder == ReminderLadder()
    assert spec.time_zone == "America/New_York"
    assert [r.number for r in spec.recommendations] == [1, 2, 3]
    assert spec.recommendations[0].kind is RecommendationKind.RECOMMENDATION
    assert spec.recommendations[0].priority is False


@pytest.mark.parametrize("field", ["memo_id", "title", "component", "issued_on", "recommendations"])
def test_a_memo_missing_a_required_field_is_rejected_naming_it(
    spec_data: dict[str, Any], field: str
) -> None:
    del spec_data[field]
    with pytest.raises(ValidationError) as caught:
        MemoSpec.model_validate(spec_data)
    assert error_locations(caught.value) == {field}


def test_a_memo_without_recommendations_is_rejected(spec_data: dict[str, Any]) -> None:
    spec_data["recommendations"] = []
    with pytest.raises(ValidationError, match="recommendations"):
        MemoSpec.model_validate(spec_data)


def test_a_recommendation_without_text_is_rejected(spec_data: dict[str, Any]) -> None:
    del spec_data["recommendations"][1]["text"]
    with pytest.raises(ValidationError) as caught:
        MemoSpec.model_validate(spec_data)
    assert error_locations(caught.value) == {"recommendations.1.text"}


def test_duplicate_recommendation_numbers_are_rejected(spec_data: dict[str, Any]) -> None:
    spec_data["recommendations"][2]["number"] = 1
    with pytest.raises(ValidationError, match=r"duplicate recommendation numbers: \[1\]"):
        MemoSpec.model_validate(spec_data)


def test_recommendation_number_zero_is_rejected(spec_data: dict[str, Any]) -> None:
    spec_data["recommendations"][0]["number"] = 0
    with pytest.raises(ValidationError):
        MemoSpec.model_validate(spec_data)


def test_a_required_remedy_and_a_priority_flag_are_accepted(spec_data: dict[str, Any]) -> None:
    spec_data["recommendations"][0].update(kind="required_remedy", priority=True)
    spec = MemoSpec.model_validate(spec_data)
    assert spec.recommendations[0].kind is RecommendationKind.REQUIRED_REMEDY
    assert spec.recommendations[0].priority is True


def test_an_unknown_recommendation_kind_is_rejected(spec_data: dict[str, Any]) -> None:
    spec_data["recommendations"][0]["kind"] = "suggestion"
    with pytest.raises(ValidationError):
        MemoSpec.model_validate(spec_data)


@pytest.mark.parametrize("due", ["2022-09-30", "2022-09-01"])
def test_a_due_date_not_after_the_issue_date_is_rejected(
    spec_data: dict[str, Any], due: str
) -> None:
    spec_data["response_due_on"] = due
    with pytest.raises(ValidationError, match="must be after issued_on 2022-09-30"):
        MemoSpec.model_validate(spec_data)


def test_a_due_date_the_day_after_issue_is_accepted(spec_data: dict[str, Any]) -> None:
    spec_data["response_due_on"] = "2022-10-01"
    assert MemoSpec.model_validate(spec_data).response_due_on == date(2022, 10, 1)


@pytest.mark.parametrize(
    "memo_id", ["CRCL 2022", "CRCL/2022", "CRCL#1", "CRCL-2022\n", "", "x" * 65, "ÉTÉ-2022"]
)
def test_a_memo_id_with_characters_outside_the_allowed_set_is_rejected(
    spec_data: dict[str, Any], memo_id: str
) -> None:
    spec_data["memo_id"] = memo_id
    with pytest.raises(ValidationError) as caught:
        MemoSpec.model_validate(spec_data)
    assert error_locations(caught.value) == {"memo_id"}


@pytest.mark.parametrize("memo_id", ["CRCL-2022-ICE-FRD", "oig_23.41", "x" * 64, "7"])
def test_a_memo_id_of_letters_digits_dots_dashes_and_underscores_is_accepted(
    spec_data: dict[str, Any], memo_id: str
) -> None:
    spec_data["memo_id"] = memo_id
    assert MemoSpec.model_validate(spec_data).memo_id == memo_id


@pytest.mark.parametrize("issued_on", ["2022-02-30", "09/30/2022", "yesterday", "2022-09-30T10:00"])
def test_a_malformed_issue_date_is_rejected(spec_data: dict[str, Any], issued_on: str) -> None:
    spec_data["issued_on"] = issued_on
    with pytest.raises(ValidationError) as caught:
        MemoSpec.model_validate(spec_data)
    assert error_locations(caught.value) == {"issued_on"}


def test_an_unknown_field_is_rejected_rather_than_ignored(spec_data: dict[str, Any]) -> None:
    spec_data["respone_due_on"] = "2022-12-01"  # typo must not silently fall back
    with pytest.raises(ValidationError) as caught:
        MemoSpec.model_validate(spec_data)
    assert error_locations(caught.value) == {"respone_due_on"}


def test_a_business_day_window_is_accepted(spec_data: dict[str, Any]) -> None:
    spec_data["response_window"] = {"days": 60, "counting": "business"}
    window = MemoSpec.model_validate(spec_data).response_window
    assert (window.days, window.counting) == (60, Counting.BUSINESS)


@pytest.mark.parametrize("window", [{"days": 0}, {"days": 60, "counting": "weekdays"}])
def test_an_invalid_response_window_is_rejected(
    spec_data: dict[str, Any], window: dict[str, Any]
) -> None:
    spec_data["response_window"] = window
    with pytest.raises(ValidationError):
        MemoSpec.model_validate(spec_data)


def test_a_contact_webhook_must_be_an_http_url(spec_data: dict[str, Any]) -> None:
    spec_data["contacts"]["component"]["webhook"] = "ftp://hooks.example/x"
    with pytest.raises(ValidationError):
        MemoSpec.model_validate(spec_data)


# -- the response file ------------------------------------------------------------------


def test_a_full_concurrence_needs_no_rationale() -> None:
    answer = RecommendationResponse(number=1, decision=Decision.CONCUR)
    assert answer.rationale is None


@pytest.mark.parametrize("rationale", [None, "", "   "])
def test_non_concurrence_without_rationale_is_rejected(rationale: str | None) -> None:
    with pytest.raises(ValidationError, match="recommendation 2: a rationale is required"):
        RecommendationResponse(number=2, decision=Decision.NON_CONCUR, rationale=rationale)


def test_partial_concurrence_without_rationale_is_rejected() -> None:
    with pytest.raises(ValidationError, match="required for partially_concur"):
        RecommendationResponse.model_validate({"number": 1, "decision": "partially_concur"})


def test_an_unknown_decision_is_rejected() -> None:
    with pytest.raises(ValidationError) as caught:
        RecommendationResponse.model_validate({"number": 1, "decision": "agree"})
    assert error_locations(caught.value) == {"decision"}


def test_a_response_file_is_parsed_into_dates_and_decisions() -> None:
    cmd = RecordResponse.model_validate(
        {
            "received_on": "2023-01-30",
            "responses": [
                {"number": 1, "decision": "concur"},
                {"number": 2, "decision": "non_concur", "rationale": "Out of scope."},
            ],
        }
    )
    assert cmd.received_on == date(2023, 1, 30)
    assert [r.decision for r in cmd.responses] == [Decision.CONCUR, Decision.NON_CONCUR]


@pytest.mark.parametrize("received_on", ["2023-01-32", "30 Jan 2023", ""])
def test_a_response_with_a_malformed_received_on_is_rejected(received_on: str) -> None:
    with pytest.raises(ValidationError) as caught:
        RecordResponse.model_validate(
            {"received_on": received_on, "responses": [{"number": 1, "decision": "concur"}]}
        )
    assert error_locations(caught.value) == {"received_on"}


def test_a_response_file_without_answers_is_rejected() -> None:
    with pytest.raises(ValidationError, match="responses"):
        RecordResponse.model_validate({"received_on": "2023-01-30", "responses": []})
