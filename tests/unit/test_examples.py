"""Every file under examples/memos is valid input for `rectrack issue` / `rectrack respond`.

Memo files are `<name>.yaml`; the response to a memo is `<name>-response.yaml`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from domain.deadlines import due_date
from domain.memo import MemoSpec, MemoState, RecordResponse, record_response
from domain.views import Counts, view_of_state
from domain.vocabulary import Counting, MemoStatus, RecommendationKind

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "memos"
RESPONSE_FILES = sorted(EXAMPLES.glob("*-response.yaml"))
MEMO_FILES = sorted(set(EXAMPLES.glob("*.yaml")) - set(RESPONSE_FILES))
TODAY = date(2025, 6, 1)


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def memo_of(name: str) -> MemoSpec:
    return MemoSpec.model_validate(load(EXAMPLES / f"{name}.yaml"))


def response_of(name: str) -> RecordResponse:
    return RecordResponse.model_validate(load(EXAMPLES / f"{name}-response.yaml"))


def issued(spec: MemoSpec) -> MemoState:
    due = spec.response_due_on or due_date(
        spec.issued_on, spec.response_window.days, spec.response_window.counting
    )
    return MemoState.issue(spec, due)


def test_the_examples_directory_holds_memos_and_responses() -> None:
    assert len(MEMO_FILES) >= 2
    assert len(RESPONSE_FILES) >= 2


@pytest.mark.parametrize("path", MEMO_FILES, ids=lambda p: p.name)
def test_every_example_memo_is_a_valid_memo_spec(path: Path) -> None:
    spec = MemoSpec.model_validate(load(path))
    assert spec.memo_id.lower() == path.stem.lower()
    assert {"component", "case_officer"} <= spec.contacts.keys()


@pytest.mark.parametrize("path", RESPONSE_FILES, ids=lambda p: p.name)
def test_every_example_response_is_valid_and_answers_its_memo(path: Path) -> None:
    name = path.name.removesuffix("-response.yaml")
    assert (EXAMPLES / f"{name}.yaml").exists(), f"no memo file for {path.name}"
    cmd = RecordResponse.model_validate(load(path))
    new, events = record_response(issued(memo_of(name)), cmd, TODAY)
    assert events[0].numbers == [r.number for r in cmd.responses]
    assert not set(new.awaiting_numbers()) & set(events[0].numbers)


def test_the_ice_memo_is_due_2022_11_29_by_the_default_window() -> None:
    spec = memo_of("crcl-2022-ice-frd")
    assert spec.memo_id == "CRCL-2022-ICE-FRD"
    assert spec.response_due_on is None
    window = spec.response_window
    assert due_date(spec.issued_on, window.days, window.counting) == date(2022, 11, 29)
    assert len(spec.recommendations) == 3
    assert {"manager", "director"} <= spec.contacts.keys()


def test_the_ice_response_is_62_days_late_with_one_concurrence_and_two_non_concurrences() -> None:
    state, _ = record_response(
        issued(memo_of("crcl-2022-ice-frd")), response_of("crcl-2022-ice-frd"), TODAY
    )
    view = view_of_state(state, TODAY)
    assert view.status == MemoStatus.RESPONDED.value
    assert view.response_received_on == date(2023, 1, 30)
    assert view.days_late == 62
    assert view.overdue is False
    assert view.counts == Counts(concurred=1, non_concurred=2)


def test_the_cbp_memo_counts_60_business_days_to_2025_02_04() -> None:
    spec = memo_of("oig-2024-cbp-hold")
    assert spec.response_window.counting is Counting.BUSINESS
    window = spec.response_window
    assert due_date(spec.issued_on, window.days, window.counting) == date(2025, 2, 4)
    assert len(spec.recommendations) == 8
    assert RecommendationKind.REQUIRED_REMEDY in {r.kind for r in spec.recommendations}
    assert any(r.priority for r in spec.recommendations)


def test_the_cbp_partial_response_leaves_three_recommendations_awaiting() -> None:
    state, _ = record_response(
        issued(memo_of("oig-2024-cbp-hold")), response_of("oig-2024-cbp-hold"), TODAY
    )
    view = view_of_state(state, TODAY)
    assert view.status == MemoStatus.AWAITING_RESPONSE.value
    assert view.response_received_on is None
    assert view.counts == Counts(concurred=3, partially_concurred=1, non_concurred=1, awaiting=3)
    assert view.overdue is True
    assert view.days_late == (TODAY - date(2025, 2, 4)).days
