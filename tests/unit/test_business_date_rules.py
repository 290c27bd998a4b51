"""Business dates are strict ISO dates within bounds (README, "Limits and bounds").

A number is not a date (`{"closed_on": 0}` used to become 1970-01-01), nor is a date and
time; a `datetime.date` (as YAML reads `2023-01-30`) and a `YYYY-MM-DD` string are. No
business date precedes 1950-01-01, a memo is not issued after tomorrow, due and target
dates stay within 30 years of the issue date, and later acts cannot predate the memo.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from domain.dates import (
    EARLIEST_BUSINESS_DATE,
    BusinessDate,
    check_issue_date,
    horizon,
)
from domain.errors import DomainError
from domain.followup import ActionPlan, StatusUpdate
from domain.memo import GrantExtension, MemoSpec, RecordResponse, Withdraw, grant_extension
from domain.memo_followup import MemoHold, Publish, hold_memo
from domain.recommendation import (
    Close,
    DecideExtension,
    PlaceHold,
    Reopen,
    RequestExtension,
    Review,
    SubmitActionPlan,
    close,
    decide_extension,
    place_hold,
    request_extension,
    submit_action_plan,
)
from domain.vocabulary import ClosureReason
from tests.unit.conftest import ICE_ISSUED_ON, ice_spec_data
from tests.unit.followup_builders import (
    EVIDENCE,
    answered,
    closed,
    in_progress,
    issued,
    plan,
    rejected,
)

ADAPTER: TypeAdapter[date] = TypeAdapter(BusinessDate)
NOT_DATES: list[Any] = [0, 1_700_000_000, 20230130, 1.5, True, False, None,
                        "2023-01-30T00:00:00", "2023-01-30 10:00", "20230130", "2023-W05-1",
                        "30/01/2023", " 2023-01-30", "2023-02-30", datetime(2023, 1, 30),
                        [2023, 1, 30], {"year": 2023}]


@pytest.mark.parametrize("value", NOT_DATES, ids=repr)
def test_anything_but_an_iso_date_is_refused(value: Any) -> None:
    with pytest.raises(ValidationError):
        ADAPTER.validate_python(value)


@pytest.mark.parametrize("value", [date(2023, 1, 30), "2023-01-30"], ids=repr)
def test_a_date_or_an_iso_date_string_is_accepted(value: Any) -> None:
    assert ADAPTER.validate_python(value) == date(2023, 1, 30)


def test_iso_strings_in_json_still_decode_as_workflow_histories_hold_them() -> None:
    assert ADAPTER.validate_json('"2023-01-30"') == date(2023, 1, 30)
    with pytest.raises(ValidationError):
        ADAPTER.validate_json("0")


def test_a_closure_dated_zero_is_refused_instead_of_becoming_1970() -> None:
    with pytest.raises(ValidationError, match="closed_on") as caught:
        Close.model_validate({"reason": "superseded", "justification": "newer memo",
                              "closed_on": 0})
    assert "YYYY-MM-DD" in str(caught.value)


def test_no_business_date_precedes_1950() -> None:
    with pytest.raises(ValidationError, match="1949-12-31 is before the earliest business "
                                              "date 1950-01-01"):
        ADAPTER.validate_python("1949-12-31")
    assert ADAPTER.validate_python(EARLIEST_BUSINESS_DATE) == EARLIEST_BUSINESS_DATE


# Every business date of every command and file is strict: (model, valid data, field).
COMMANDS: list[tuple[type[BaseModel], dict[str, Any], str]] = [
    (MemoSpec, ice_spec_data(), "issued_on"),
    (MemoSpec, {**ice_spec_data(), "response_due_on": "2022-11-29"}, "response_due_on"),
    (RecordResponse, {"received_on": "2023-01-30",
                      "responses": [{"number": 1, "decision": "concur"}]}, "received_on"),
    (GrantExtension, {"to_due_on": "2023-01-30", "reason": "r", "approved_by": "a"},
     "to_due_on"),
    (Withdraw, {"reason": "r", "on": "2023-01-30"}, "on"),
    (ActionPlan, {"responsible_official": "o", "target_completion_on": "2023-12-31"},
     "target_completion_on"),
    (SubmitActionPlan, {"received_on": "2023-01-30", "plan": plan()}, "received_on"),
    (StatusUpdate, {"received_on": "2023-01-30", "progress": "p"}, "received_on"),
    (Review, {"decision": "accept", "reviewed_on": "2023-01-30"}, "reviewed_on"),
    (RequestExtension, {"clock": "revision", "to_date": "2023-01-30", "reason": "r",
                        "requested_on": "2023-01-30"}, "to_date"),
    (RequestExtension, {"clock": "revision", "to_date": "2023-01-30", "reason": "r",
                        "requested_on": "2023-01-30"}, "requested_on"),
    (DecideExtension, {"request_id": 1, "approve": True, "decided_by": "d",
                       "decided_on": "2023-01-30"}, "decided_on"),
    (PlaceHold, {"reason": "r", "on": "2023-01-30"}, "on"),
    (Reopen, {"reason": "r", "on": "2023-01-30"}, "on"),
    (Close, {"reason": "superseded", "justification": "j", "closed_on": "2023-01-30"},
     "closed_on"),
    (Publish, {"kind": "summary", "uri": "https://x.example", "published_on": "2023-01-30"},
     "published_on"),
    (MemoHold, {"reason": "r", "on": "2023-01-30"}, "on"),
]


@pytest.mark.parametrize(("model", "data", "field"), COMMANDS,
                         ids=[f"{m.__name__}.{f}" for m, _, f in COMMANDS])
@pytest.mark.parametrize("bad", [0, "2023-01-30T00:00:00Z", "1900-01-01"], ids=repr)
def test_every_business_date_field_is_strict(model: type[BaseModel], data: dict[str, Any],
                                             field: str, bad: Any) -> None:
    model.model_validate(data)  # the valid data is valid
    with pytest.raises(ValidationError) as caught:
        model.model_validate({**data, field: bad})
    assert caught.value.errors()[0]["loc"][0] == field


# -- the memo's issue date and the 30-year horizon -----------------------------------------


def test_a_memo_issued_after_tomorrow_is_rejected_and_tomorrow_is_not() -> None:
    today = date(2026, 11, 30)
    check_issue_date(date(2026, 12, 1), today, "Pacific/Kiritimati")
    with pytest.raises(DomainError, match=r"issued_on 2026-12-02 is after tomorrow "
                                          r"\(2026-12-01 in America/New_York\)"):
        check_issue_date(date(2026, 12, 2), today, "America/New_York")


def test_the_horizon_is_thirty_years_after_issue_even_from_a_leap_day() -> None:
    assert horizon(date(2022, 9, 30)) == date(2052, 9, 30)
    assert horizon(date(2024, 2, 29)) == date(2054, 2, 28)
    assert horizon(date(9990, 1, 1)) == date.max


def test_a_response_due_more_than_thirty_years_after_issue_is_rejected() -> None:
    with pytest.raises(ValidationError, match="response_due_on 2052-10-01 is more than 30 "
                                              "years after the memo's issue date 2022-09-30"):
        MemoSpec.model_validate({**ice_spec_data(), "response_due_on": "2052-10-01"})
    MemoSpec.model_validate({**ice_spec_data(), "response_due_on": "2052-09-30"})


def test_an_extension_of_the_response_past_thirty_years_is_rejected() -> None:
    memo = issued()
    with rejected(memo, DomainError, "to_due_on 2060-01-01 is more than 30 years after the "
                                     "memo's issue date 2022-09-30"):
        grant_extension(memo, GrantExtension(to_due_on=date(2060, 1, 1), reason="r",
                                             approved_by="Deputy"))


def test_an_action_plan_aiming_past_thirty_years_is_rejected() -> None:
    rec = answered()
    far = plan(target="2053-01-01", milestones={})
    with rejected(rec, DomainError, "target_completion_on 2053-01-01 is more than 30 years"):
        submit_action_plan(rec, SubmitActionPlan(received_on=date(2023, 2, 1), plan=far),
                           issued_on=ICE_ISSUED_ON)
    milestone = plan(target="2030-01-01", milestones={"Pilot": "2099-01-01"})
    with rejected(rec, DomainError, "milestone 'Pilot' target_on 2099-01-01 is more than"):
        submit_action_plan(rec, SubmitActionPlan(received_on=date(2023, 2, 1),
                                                 plan=milestone), issued_on=ICE_ISSUED_ON)


def test_an_extension_request_past_thirty_years_is_rejected() -> None:
    rec = in_progress()
    ask = RequestExtension(clock="target_completion", to_date=date(2070, 1, 1), reason="r",
                           requested_on=date(2023, 6, 1))
    with rejected(rec, DomainError, "to_date 2070-01-01 is more than 30 years after the "
                                    "memo's issue date 2022-09-30"):
        request_extension(rec, ask, issued_on=ICE_ISSUED_ON)


def test_closure_before_the_memo_was_issued_is_rejected() -> None:
    # Unanswered, so no response date protects it: only the issue date does.
    rec = issued().recommendation(1)
    cmd = Close(reason=ClosureReason.NO_RESPONSE, justification="never answered",
                closed_on=date(1970, 1, 1))
    with rejected(rec, DomainError, "closed_on 1970-01-01 is before the memo's issue date "
                                    "2022-09-30"):
        close(rec, cmd, issued_on=ICE_ISSUED_ON)
    new, _ = close(rec, cmd.model_copy(update={"closed_on": ICE_ISSUED_ON}),
                   issued_on=ICE_ISSUED_ON)
    assert new.closed_on == ICE_ISSUED_ON


def test_a_hold_before_the_memo_was_issued_is_rejected() -> None:
    rec = issued().recommendation(1)
    with rejected(rec, DomainError, "on 2022-09-29 is before the memo's issue date"):
        place_hold(rec, PlaceHold(reason="litigation", on=date(2022, 9, 29)),
                   issued_on=ICE_ISSUED_ON)
    memo = issued()
    with rejected(memo, DomainError, "on 2022-09-29 is before the memo's issue date"):
        hold_memo(memo, MemoHold(reason="reorganisation", on=date(2022, 9, 29)))


def test_an_extension_decided_before_it_was_requested_is_rejected() -> None:
    rec, _ = request_extension(in_progress(), RequestExtension(
        clock="status_update", to_date=date(2023, 8, 31), reason="union consultation",
        requested_on=date(2023, 6, 1)), issued_on=ICE_ISSUED_ON)
    decision = DecideExtension(request_id=1, approve=True, decided_by="Deputy",
                               decided_on=date(2023, 5, 31))
    with rejected(rec, DomainError, r"decided_on 2023-05-31 is before the request "
                                    r"\(2023-06-01\)"):
        decide_extension(rec, decision, issued_on=ICE_ISSUED_ON)


def test_without_an_issue_date_the_rules_stay_as_they_were() -> None:
    # Recommendations started before follow-up existed know no issue date: no new check.
    rec = closed(ClosureReason.IMPLEMENTED)
    assert rec.closed_on is not None
    fresh = issued().recommendation(2)
    new, _ = close(fresh, Close(reason=ClosureReason.SUPERSEDED, justification="j",
                                closed_on=date(1999, 1, 1), evidence=[EVIDENCE]))
    assert new.closed_on == date(1999, 1, 1)
