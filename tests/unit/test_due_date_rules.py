"""Due dates in calendar days and US federal business days (docs/contracts.md#dates-and-deadlines).

The issue day is day 0. Business days skip weekends, federal holidays (including the
observed day of a holiday falling on a weekend) and one-off federal closures.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.deadlines import (
    add_business_days,
    check_time_zone,
    due_date,
    is_federal_business_day,
)
from domain.vocabulary import Counting

ISSUED = date(2022, 9, 30)  # a Friday


def test_sixty_calendar_days_after_2022_09_30_is_2022_11_29() -> None:
    assert due_date(ISSUED, 60, Counting.CALENDAR) == date(2022, 11, 29)


def test_calendar_counting_is_the_default() -> None:
    assert due_date(ISSUED, 60) == date(2022, 11, 29)


def test_sixty_business_days_after_2022_09_30_is_2022_12_29() -> None:
    assert due_date(ISSUED, 60, Counting.BUSINESS) == date(2022, 12, 29)


def test_the_issue_day_is_day_zero() -> None:
    assert due_date(ISSUED, 1) == date(2022, 10, 1)
    assert add_business_days(date(2022, 10, 4), 1) == date(2022, 10, 5)


def test_zero_business_days_after_a_day_is_that_day() -> None:
    assert add_business_days(ISSUED, 0) == ISSUED


def test_calendar_days_count_weekends_and_holidays() -> None:
    assert due_date(date(2024, 12, 23), 1, Counting.CALENDAR) == date(2024, 12, 24)
    assert due_date(date(2022, 10, 7), 3, Counting.CALENDAR) == date(2022, 10, 10)


def test_one_business_day_after_a_friday_is_the_next_monday() -> None:
    assert due_date(date(2022, 9, 30), 1, Counting.BUSINESS) == date(2022, 10, 3)


def test_a_memo_issued_on_a_saturday_counts_from_that_saturday() -> None:
    assert due_date(date(2022, 10, 1), 1, Counting.BUSINESS) == date(2022, 10, 3)


@pytest.mark.parametrize("day", [date(2022, 10, 1), date(2022, 10, 2), date(2023, 1, 28)])
def test_weekends_are_not_business_days(day: date) -> None:
    assert not is_federal_business_day(day)


@pytest.mark.parametrize("day", [date(2022, 10, 3), date(2022, 12, 29), date(2023, 1, 30)])
def test_ordinary_weekdays_are_business_days(day: date) -> None:
    assert is_federal_business_day(day)


@pytest.mark.parametrize(
    "holiday",
    [
        date(2022, 10, 10),  # Columbus Day
        date(2022, 11, 11),  # Veterans Day
        date(2022, 11, 24),  # Thanksgiving
        date(2022, 12, 26),  # Christmas Day (observed; the 25th was a Sunday)
        date(2023, 6, 19),  # Juneteenth
        date(2021, 12, 31),  # New Year's Day 2022 observed on the Friday before
    ],
)
def test_federal_holidays_are_not_business_days(holiday: date) -> None:
    assert holiday.weekday() < 5
    assert not is_federal_business_day(holiday)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (date(2022, 10, 7), date(2022, 10, 11)),  # Friday, Columbus Day Monday skipped
        (date(2022, 11, 23), date(2022, 11, 25)),  # Thanksgiving skipped
        (date(2022, 12, 23), date(2022, 12, 27)),  # weekend + Christmas observed skipped
        (date(2021, 12, 30), date(2022, 1, 3)),  # New Year observed in the old year
    ],
)
def test_federal_holidays_are_skipped_when_counting_business_days(
    before: date, after: date
) -> None:
    assert due_date(before, 1, Counting.BUSINESS) == after


@pytest.mark.parametrize(
    "closure",
    [
        date(2018, 12, 5),  # National Day of Mourning, President George H. W. Bush
        date(2024, 12, 24),  # Christmas Eve closure by executive order
        date(2025, 1, 9),  # National Day of Mourning, President Jimmy Carter
    ],
)
def test_one_off_federal_closures_are_not_business_days(closure: date) -> None:
    assert closure.weekday() < 5
    assert not is_federal_business_day(closure)


def test_the_2018_12_05_closure_is_skipped() -> None:
    assert due_date(date(2018, 12, 4), 1, Counting.BUSINESS) == date(2018, 12, 6)


def test_the_2024_12_24_closure_and_christmas_are_skipped() -> None:
    assert due_date(date(2024, 12, 23), 1, Counting.BUSINESS) == date(2024, 12, 26)


def test_christmas_eve_is_a_business_day_in_a_year_without_a_closure() -> None:
    assert is_federal_business_day(date(2021, 12, 23))
    assert is_federal_business_day(date(2022, 12, 23))


def test_a_business_window_across_the_2024_winter_closures() -> None:
    # 2024-11-01 + 60 business days skips Veterans Day, Thanksgiving, 12-24, 12-25,
    # 2025-01-01, the 2025-01-09 closure and 2025-01-20.
    assert due_date(date(2024, 11, 1), 60, Counting.BUSINESS) == date(2025, 2, 4)


def test_business_window_is_never_shorter_than_the_calendar_window() -> None:
    for days in (1, 5, 10, 30, 60, 90, 180):
        calendar = due_date(ISSUED, days, Counting.CALENDAR)
        business = due_date(ISSUED, days, Counting.BUSINESS)
        assert business >= calendar
        assert is_federal_business_day(business)


@pytest.mark.parametrize("days", [0, -1])
def test_a_response_window_needs_at_least_one_day(days: int) -> None:
    with pytest.raises(ValueError, match="at least one day"):
        due_date(ISSUED, days)


def test_negative_business_days_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_business_days(ISSUED, -1)


@pytest.mark.parametrize("name", ["America/New_York", "Europe/London", "UTC"])
def test_a_known_office_time_zone_is_accepted(name: str) -> None:
    assert check_time_zone(name) == name


@pytest.mark.parametrize("name", ["Eastern", "America/Gotham", "", "../etc/passwd"])
def test_an_unknown_office_time_zone_is_rejected_by_name(name: str) -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        check_time_zone(name)
