"""Rejections reach the user as one line, even when a decoder wrote a report; dates on
the command line are as strict as in files."""

from __future__ import annotations

import argparse
from datetime import date

import pytest

from app.calls import one_line
from cli.main import iso_date

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


@pytest.mark.parametrize("text", ["20230130", "2023-W05-1", "2023-01-30T00:00", "1949-12-31"])
def test_a_command_line_date_is_as_strict_as_one_in_a_file(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="not a date"):
        iso_date(text)
    assert iso_date("2023-01-30") == date(2023, 1, 30)
