"""A withdrawal carries its business date, so reports can date the closures it causes."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import DomainError
from domain.memo import MemoState, Withdraw, withdraw


def test_a_dated_withdrawal_dates_the_closures_and_its_event(ice_memo: MemoState) -> None:
    new, [event] = withdraw(ice_memo, Withdraw(reason="Superseded", on=date(2023, 5, 2)))
    assert {r.closed_on for r in new.recommendations} == {date(2023, 5, 2)}
    assert event.occurred_on == date(2023, 5, 2)


def test_an_undated_withdrawal_leaves_the_closure_date_unknown(ice_memo: MemoState) -> None:
    new, [event] = withdraw(ice_memo, Withdraw(reason="Superseded"))
    assert {r.closed_on for r in new.recommendations} == {None}
    assert event.occurred_on is None


def test_a_withdrawal_dated_before_the_issue_is_rejected(ice_memo: MemoState) -> None:
    before = ice_memo.model_dump()
    with pytest.raises(DomainError, match="before the memo was issued"):
        withdraw(ice_memo, Withdraw(reason="Superseded", on=date(2022, 9, 1)))
    assert ice_memo.model_dump() == before
