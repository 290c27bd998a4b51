"""days_late and is_overdue exactly as docs/contracts.md#dates-and-deadlines defines them.

days_late = max(0, received_on - due_on) once answered; while awaiting,
max(0, today - due_on). overdue = awaiting and today > due_on.
"""

from __future__ import annotations

from datetime import date

from domain.deadlines import days_late, is_overdue

DUE = date(2022, 11, 29)


def test_a_response_dated_2023_01_30_is_62_days_late_against_2022_11_29() -> None:
    assert days_late(DUE, date(2023, 1, 30), today=date(2023, 4, 24)) == 62


def test_entry_time_never_replaces_the_response_date() -> None:
    entered_much_later = date(2030, 1, 1)
    assert days_late(DUE, date(2023, 1, 30), today=entered_much_later) == 62


def test_an_answer_on_the_due_date_is_not_late() -> None:
    assert days_late(DUE, DUE, today=date(2023, 1, 1)) == 0


def test_an_answer_one_day_after_the_due_date_is_one_day_late() -> None:
    assert days_late(DUE, date(2022, 11, 30), today=date(2023, 1, 1)) == 1


def test_an_early_answer_is_never_negatively_late() -> None:
    assert days_late(DUE, date(2022, 10, 15), today=date(2023, 1, 1)) == 0


def test_while_awaiting_days_late_counts_up_to_today() -> None:
    assert days_late(DUE, None, today=date(2023, 1, 30)) == 62
    assert days_late(DUE, None, today=date(2022, 11, 30)) == 1


def test_while_awaiting_before_the_due_date_nothing_is_late() -> None:
    assert days_late(DUE, None, today=date(2022, 10, 1)) == 0
    assert days_late(DUE, None, today=DUE) == 0


def test_an_awaiting_memo_is_not_overdue_on_its_due_date() -> None:
    assert is_overdue(DUE, awaiting=True, today=DUE) is False


def test_an_awaiting_memo_is_overdue_the_day_after_its_due_date() -> None:
    assert is_overdue(DUE, awaiting=True, today=date(2022, 11, 30)) is True


def test_an_awaiting_memo_is_not_overdue_before_its_due_date() -> None:
    assert is_overdue(DUE, awaiting=True, today=date(2022, 11, 1)) is False


def test_an_answered_memo_is_never_overdue_even_if_answered_late() -> None:
    assert is_overdue(DUE, awaiting=False, today=date(2023, 4, 24)) is False
