"""Reminders, overdue notices and escalation on the simulated calendar."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlmodel import Session

import starter
from domain.memo import MemoState, NoticeRecord
from domain.vocabulary import Decision, EventKind, MemoStatus
from store.queries import list_deliveries, list_events
from tests.workflows.conftest import Stack
from tests.workflows.scenario import (
    NEW_YORK,
    answer,
    local_send_times,
    memo_spec,
    office_today,
    sleep_until,
    state_of,
)

NINE = time(9)


def _response_notices(state: MemoState) -> list[NoticeRecord]:
    return [n for n in state.notices if not n.key.startswith("publication/")]


def _expected_keys(due: date, up_to_overdue_day: int) -> list[str]:
    keys = [f"reminder:{due - timedelta(days=d)}" for d in (14, 7, 1, 0)]
    for day in range(7, up_to_overdue_day + 1, 7):
        if day > 30 and f"escalation:{due + timedelta(days=30)}:manager" not in keys:
            keys.append(f"escalation:{due + timedelta(days=30)}:manager")
        keys.append(f"overdue:{due + timedelta(days=day)}")
    return keys


async def test_ladder_fires_at_nine_office_time_on_each_rung_and_escalates(stack: Stack) -> None:
    issued = await office_today(stack.env)
    spec = memo_spec("LADDER-1", issued)
    handle = await starter.issue_memo(stack.client, spec, task_queue=stack.settings.task_queue)
    due = issued + timedelta(days=60)

    await sleep_until(stack.env, due + timedelta(days=61))
    state = await state_of(handle)

    expected = [*_expected_keys(due, 56), f"escalation:{due + timedelta(days=60)}:director"]
    sent = local_send_times(state)
    assert [key for key, _, _ in sent] == expected
    for key, local_day, local_time in sent:
        assert local_day.isoformat() == key.split(":")[1], key
        assert local_time == NINE, key
    escalations = {n.recipients[0]: n.on for n in state.notices if n.kind == "escalation"}
    assert escalations == {"manager": due + timedelta(days=30),
                           "director": due + timedelta(days=60)}
    assert all(n.numbers == [1, 2, 3] for n in state.notices)
    assert state.overdue_flag

    with Session(stack.engine) as session:
        events = list_events(session, memo_id="LADDER-1")
        deliveries = list_deliveries(session, memo_id="LADDER-1")
    overdue_events = [e for e in events if e.kind == EventKind.BECAME_OVERDUE]
    assert len(overdue_events) == 1
    became = overdue_events[0].recorded_at.astimezone(NEW_YORK)
    became_at = (became.date(), became.time().replace(microsecond=0))
    assert became_at == (due + timedelta(days=1), time(0))
    # one delivery per notice (log channel), none duplicated
    assert len(deliveries) == len(expected)
    assert len({d.idempotency_key for d in deliveries}) == len(expected)


async def test_reminders_stop_once_everything_is_answered(stack: Stack) -> None:
    issued = await office_today(stack.env)
    handle = await starter.issue_memo(stack.client, memo_spec("STOP-1", issued),
                                      task_queue=stack.settings.task_queue)
    due = issued + timedelta(days=60)
    await sleep_until(stack.env, due + timedelta(days=10))
    before = len(_response_notices(await state_of(handle)))
    await starter.record_response(stack.client, "STOP-1", answer(
        due + timedelta(days=10), (1, Decision.CONCUR), (2, Decision.NON_CONCUR),
        (3, Decision.PARTIALLY_CONCUR)))
    await sleep_until(stack.env, due + timedelta(days=100))
    state = await state_of(handle)
    assert state.status is MemoStatus.RESPONDED
    assert before == 5  # four reminders and the overdue notice of day 7
    assert len(_response_notices(state)) == before
    assert not state.overdue_flag
    # The public summary is now due 90 days after the response: the case officer is told.
    publication = [n for n in state.notices if n.key.startswith("publication/")]
    assert [n.recipients for n in publication][:1] == [["case_officer"]]
    assert publication[0].on == due + timedelta(days=100)


async def test_partial_response_keeps_reminding_for_the_rest(stack: Stack) -> None:
    issued = await office_today(stack.env)
    handle = await starter.issue_memo(stack.client, memo_spec("PARTIAL-1", issued),
                                      task_queue=stack.settings.task_queue)
    due = issued + timedelta(days=60)
    await sleep_until(stack.env, due - timedelta(days=10))
    await starter.record_response(stack.client, "PARTIAL-1",
                                  answer(due - timedelta(days=10), (2, Decision.CONCUR)))
    await sleep_until(stack.env, due + timedelta(days=8))
    state = await state_of(handle)
    assert state.status is MemoStatus.AWAITING_RESPONSE
    by_key = {n.key: n.numbers for n in state.notices}
    assert by_key[f"reminder:{due - timedelta(days=14)}"] == [1, 2, 3]
    assert by_key[f"reminder:{due - timedelta(days=7)}"] == [1, 3]
    assert by_key[f"reminder:{due}"] == [1, 3]
    assert by_key[f"overdue:{due + timedelta(days=7)}"] == [1, 3]


async def test_extension_moves_every_later_reminder(stack: Stack) -> None:
    issued = await office_today(stack.env)
    handle = await starter.issue_memo(stack.client, memo_spec("EXTEND-1", issued),
                                      task_queue=stack.settings.task_queue)
    due = issued + timedelta(days=60)
    new_due = due + timedelta(days=30)
    await sleep_until(stack.env, due - timedelta(days=10))
    from domain.memo import GrantExtension

    await starter.grant_extension(stack.client, "EXTEND-1", GrantExtension(
        to_due_on=new_due, reason="component reorganisation", approved_by="Deputy IG"))
    await sleep_until(stack.env, new_due, time(23))
    state = await state_of(handle)
    keys = [n.key for n in state.notices]
    assert keys == [f"reminder:{due - timedelta(days=14)}",
                    *(f"reminder:{new_due - timedelta(days=d)}" for d in (14, 7, 1, 0))]
    assert state.response_due_on == new_due
    assert state.extensions[0].from_due_on == due
    assert state.overdue_flag is False  # overdue only from 00:00 on the day after new_due
    await sleep_until(stack.env, new_due + timedelta(days=1), time(1))
    assert (await state_of(handle)).overdue_flag is True
