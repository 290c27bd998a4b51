"""docs/contracts.md stays true to the code: every vocabulary value, every field of the memo
file and of the `show --json` object is named there, and its response file example is a
valid response file."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from pathlib import Path

import pytest
import yaml

from domain.memo import MemoSpec, MemoState, RecordResponse, record_response
from domain.vocabulary import (
    ClosureReason,
    Decision,
    Implementation,
    MemoStatus,
    NoticeKind,
    RecommendationKind,
    Resolution,
    ResponseStatus,
)
from store.queries import StoredMemoView, StoredRecommendationView
from store.tables import EventPublic

CONTRACTS = (Path(__file__).resolve().parents[2] / "docs" / "contracts.md").read_text(
    encoding="utf-8")


def section(title: str) -> str:
    """The text of the `## title` section."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", CONTRACTS,
                      flags=re.MULTILINE | re.DOTALL)
    assert match is not None, title
    return match[1]


def quoted(text: str) -> set[str]:
    return set(re.findall(r"`([^`]+)`", text))


@pytest.mark.parametrize("enum", [MemoStatus, ResponseStatus, Decision, Implementation,
                                  Resolution, ClosureReason, RecommendationKind, NoticeKind])
def test_every_vocabulary_value_is_listed(enum: type[StrEnum]) -> None:
    assert {member.value for member in enum} <= quoted(section("Vocabulary"))


def test_every_memo_file_field_is_listed() -> None:
    assert set(MemoSpec.model_fields) <= quoted(section("Memo file"))


def test_every_show_json_key_is_listed() -> None:
    listed = quoted(section("Memo view"))
    assert set(StoredMemoView.model_fields) <= listed
    assert set(StoredRecommendationView.model_fields) <= listed
    assert set(EventPublic.model_fields) - {"id"} <= listed


def test_the_response_file_example_answers_the_ice_memo(ice_memo: MemoState) -> None:
    [example] = re.findall(r"```yaml\n(.*?)```", section("Response file"), flags=re.DOTALL)
    response = RecordResponse.model_validate(yaml.safe_load(example))
    assert {r.decision for r in response.responses} == set(Decision)
    answered, _ = record_response(ice_memo, response, latest_date=date(2023, 2, 1))
    assert answered.status is MemoStatus.RESPONDED
    assert answered.recommendation(3).action_plan is not None
