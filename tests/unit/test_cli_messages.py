"""Rejections reach the user as one line, even when a decoder wrote a report."""

from __future__ import annotations

from cli.commands import one_line

PYDANTIC_REPORT = """1 validation error for Withdraw
on
  Extra inputs are not permitted [type=extra_forbidden, input_value='2026-11-26', input_type=str]
    For further information visit https://errors.pydantic.dev/2.14/v/extra_forbidden
"""


def test_a_pydantic_report_becomes_field_and_message() -> None:
    assert one_line(PYDANTIC_REPORT) == "on: Extra inputs are not permitted"


def test_a_validator_message_is_kept_and_folded_onto_one_line() -> None:
    assert one_line("recommendation 1 was already answered") == \
        "recommendation 1 was already answered"
    assert one_line("first part\n  second part\n") == "first part second part"
