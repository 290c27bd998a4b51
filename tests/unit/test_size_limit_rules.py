"""Texts, names and lists have limits, defined once in domain.limits; over one, the
validation error names the field and the limit (README, "Limits and bounds")."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from domain.limits import (
    MAX_DOCUMENT_BYTES,
    MAX_NAME_CHARS,
    MAX_RECOMMENDATIONS,
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    document_size_problem,
)
from domain.memo import GrantExtension, MemoSpec, RecordResponse
from domain.recommendation import Close, Review
from tests.unit.conftest import ice_spec_data


def memo(**changes: Any) -> dict[str, Any]:
    return {**ice_spec_data(), **changes}


def recommendations(count: int, text: str = "Do it.") -> list[dict[str, Any]]:
    return [{"number": n, "text": text} for n in range(1, count + 1)]


def refused(model: type[Any], data: dict[str, Any]) -> tuple[str, str]:
    """The first error's field (dotted) and message."""
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    first = caught.value.errors()[0]
    return ".".join(str(p) for p in first["loc"]), first["msg"]


def test_a_title_at_the_limit_is_accepted_and_one_character_more_refused() -> None:
    MemoSpec.model_validate(memo(title="t" * MAX_TITLE_CHARS))
    field, message = refused(MemoSpec, memo(title="t" * (MAX_TITLE_CHARS + 1)))
    assert (field, message) == ("title", f"String should have at most {MAX_TITLE_CHARS} "
                                         "characters")


def test_a_ten_megabyte_title_is_refused_as_bad_input() -> None:
    field, message = refused(MemoSpec, memo(title="t" * 10_000_000))
    assert field == "title" and "500" in message


def test_a_memo_has_at_most_a_thousand_recommendations() -> None:
    MemoSpec.model_validate(memo(recommendations=recommendations(MAX_RECOMMENDATIONS)))
    field, message = refused(MemoSpec, memo(recommendations=recommendations(10_000)))
    assert field == "recommendations" and f"at most {MAX_RECOMMENDATIONS} items" in message


def test_recommendation_text_is_limited() -> None:
    field, message = refused(MemoSpec, memo(recommendations=recommendations(
        1, "x" * (MAX_TEXT_CHARS + 1))))
    assert field == "recommendations.0.text" and str(MAX_TEXT_CHARS) in message


@pytest.mark.parametrize(("field", "value", "limit"), [
    ("component", "c" * (MAX_NAME_CHARS + 1), MAX_NAME_CHARS),
    ("office", "o" * (MAX_NAME_CHARS + 1), MAX_NAME_CHARS),
])
def test_names_in_a_memo_are_limited(field: str, value: str, limit: int) -> None:
    where, message = refused(MemoSpec, memo(**{field: value}))
    assert where == field and str(limit) in message


def test_rationales_reasons_and_justifications_are_limited() -> None:
    long = "r" * (MAX_TEXT_CHARS + 1)
    where, _ = refused(RecordResponse, {"received_on": "2023-01-30", "responses": [
        {"number": 1, "decision": "non_concur", "rationale": long}]})
    assert where == "responses.0.rationale"
    where, _ = refused(GrantExtension, {"to_due_on": "2023-01-30", "reason": long,
                                        "approved_by": "Deputy"})
    assert where == "reason"
    where, _ = refused(GrantExtension, {"to_due_on": "2023-01-30", "reason": "r",
                                        "approved_by": "a" * (MAX_NAME_CHARS + 1)})
    assert where == "approved_by"
    where, _ = refused(Close, {"reason": "superseded", "justification": long,
                               "closed_on": "2023-01-30"})
    assert where == "justification"
    where, _ = refused(Review, {"decision": "dispute", "reviewed_on": "2023-01-30",
                                "reason": long})
    assert where == "reason"


def test_a_response_names_at_most_a_thousand_recommendations() -> None:
    answers = [{"number": n, "decision": "concur"} for n in range(1, 1_002)]
    where, message = refused(RecordResponse, {"received_on": "2023-01-30",
                                              "responses": answers})
    assert where == "responses" and "1000" in message


def test_documents_over_the_size_limit_are_refused_with_the_limit_named() -> None:
    assert document_size_problem(MAX_DOCUMENT_BYTES) is None
    problem = document_size_problem(MAX_DOCUMENT_BYTES + 1)
    assert problem is not None and str(MAX_DOCUMENT_BYTES) in problem and "512 KiB" in problem
