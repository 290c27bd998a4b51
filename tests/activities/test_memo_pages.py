"""`GET /memos` pages in SQL (app.pages): the same memos, in the same order, as the
store's full list sliced, for every filter, on SQLite and PostgreSQL; `overdue` is exact
in SQL although each memo's today depends on its office time zone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from app.pages import page_of_memos
from domain.memo import MemoState
from domain.office_time import today_in
from store.events import apply_event
from store.queries import list_memo_views
from tests.activities.activity_samples import event_record, issued_state

# Far apart: at most moments, today differs between the first and the last.
ZONES = ["Pacific/Kiritimati", "America/New_York", "Pacific/Pago_Pago"]


def in_zone(memo_id: str, zone: str, due_days: int, component: str) -> MemoState:
    """A memo of `zone` due `due_days` from today there (negative: overdue)."""
    state = issued_state(memo_id, component=component,
                         due_on=today_in(zone) + timedelta(days=due_days))
    return state.model_copy(update={"spec": state.spec.model_copy(update={"time_zone": zone})})


@pytest.fixture
def stored(session: Session) -> Session:
    n = 0
    for zone in ZONES:
        for due_days in (-2, -1, 0, 1):
            for component in ("ICE", "CBP"):
                n += 1
                apply_event(session, record=event_record(
                    in_zone(f"PAGE-{n:02d}", zone, due_days, component), 1))
    return session


@pytest.mark.parametrize("overdue", [None, True, False])
@pytest.mark.parametrize("component", [None, "CBP"])
@pytest.mark.parametrize(("limit", "offset"), [(100, 0), (5, 0), (5, 5), (7, 20), (3, 99)])
def test_a_page_is_the_full_list_sliced(stored: Session, overdue: bool | None,
                                        component: str | None, limit: int,
                                        offset: int) -> None:
    everything = list_memo_views(stored, overdue=overdue, component=component)
    items, total = page_of_memos(stored, overdue=overdue, component=component, status=None,
                                 limit=limit, offset=offset)
    assert total == len(everything)
    assert items == everything[offset:offset + limit]


def test_overdue_counts_each_zone_by_its_own_today(stored: Session) -> None:
    _, late = page_of_memos(stored, overdue=True, component=None, status=None, limit=100,
                            offset=0)
    assert late == len(ZONES) * 2 * 2  # due 2 and 1 days ago, two components, each zone
