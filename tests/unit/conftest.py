"""Shared scenario data for the domain rule tests: the real ICE facial-recognition memo."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.memo import MemoSpec, MemoState, RecordResponse

ICE_ISSUED_ON = date(2022, 9, 30)
ICE_DUE_ON = date(2022, 11, 29)
ICE_ANSWERED_ON = date(2023, 1, 30)


def ice_spec_data() -> dict[str, Any]:
    return {
        "memo_id": "CRCL-2022-ICE-FRD",
        "title": "ICE use of facial recognition databases",
        "office": "CRCL",
        "component": "ICE",
        "issued_on": ICE_ISSUED_ON.isoformat(),
        "contacts": {
            "component": {"name": "ICE liaison", "email": "liaison@component.example"},
            "case_officer": {"name": "Case officer", "email": "officer@office.example"},
        },
        "recommendations": [
            {"number": 1, "text": "Adopt a written policy on database searches."},
            {"number": 2, "text": "Audit searches made without a supervisor's approval."},
            {"number": 3, "text": "Publish annual statistics on searches."},
        ],
    }


@pytest.fixture
def spec_data() -> dict[str, Any]:
    """Raw memo file content (a fresh copy per test, safe to mutate)."""
    return ice_spec_data()


@pytest.fixture
def ice_spec() -> MemoSpec:
    return MemoSpec.model_validate(ice_spec_data())


@pytest.fixture
def ice_memo(ice_spec: MemoSpec) -> MemoState:
    """The ICE memo just issued: three recommendations awaiting, due 2022-11-29."""
    return MemoState.issue(ice_spec, ICE_DUE_ON)


RATIONALE = "The component disagrees with the finding."


def respond(received_on: str, *answers: tuple[int, str]) -> RecordResponse:
    """A response letter: each (number, decision), with a rationale where one is needed."""
    return RecordResponse.model_validate(
        {
            "received_on": received_on,
            "responses": [
                {"number": n, "decision": d, **({} if d == "concur" else {"rationale": RATIONALE})}
                for n, d in answers
            ],
        }
    )
