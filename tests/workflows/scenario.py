"""Builders for workflow scenarios: memos dated relative to the test server's clock."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from domain.memo import MemoSpec, MemoState, RecordResponse
from domain.vocabulary import Decision

NEW_YORK = ZoneInfo("America/New_York")
_SKIP_STEP = timedelta(days=7)


def memo_spec(memo_id: str, issued_on: date, *, count: int = 3, **extra: Any) -> MemoSpec:
    data: dict[str, Any] = {
        "memo_id": memo_id,
        "title": "ICE use of facial recognition databases",
        "office": "CRCL",
        "component": "ICE",
        "issued_on": issued_on,
        "contacts": {"component": {"name": "ICE liaison", "email": "liaison@ice.example"},
                     "manager": {"name": "Manager"}, "director": {"name": "Director"}},
        "recommendations": [{"number": n, "text": f"Recommendation {n}"}
                            for n in range(1, count + 1)],
    }
    data.update(extra)
    return MemoSpec.model_validate(data)


def answer(received_on: date, *decisions: tuple[int, Decision]) -> RecordResponse:
    return RecordResponse(received_on=received_on, responses=[
        {"number": n, "decision": d, "rationale": None if d is Decision.CONCUR else "no funds"}
        for n, d in decisions])


async def office_today(env: WorkflowEnvironment) -> date:
    return (await env.get_current_time()).astimezone(NEW_YORK).date()


async def sleep_until(env: WorkflowEnvironment, day: date, at: time = time(12)) -> None:
    """Skip the test server's clock to `at` New York time on `day`.

    In steps of at most a week: one long skip does all the workflows' work inside a
    single server call, which can outlast the call's deadline on a busy machine.
    """
    target = datetime.combine(day, at, tzinfo=NEW_YORK)
    delay = target - await env.get_current_time()
    assert delay > timedelta(0), f"{target} is already past"
    while delay > timedelta(0):
        await env.sleep(min(delay, _SKIP_STEP))
        delay = target - await env.get_current_time()


async def state_of(handle: WorkflowHandle[Any, MemoState]) -> MemoState:
    from workflows.memo import MemoWorkflow

    return await handle.query(MemoWorkflow.state_query)


def local_send_times(state: MemoState) -> list[tuple[str, date, time]]:
    """(step key, local date, local time) of every notice sent, in New York time."""
    out = []
    for notice in state.notices:
        local = notice.sent_at.astimezone(NEW_YORK)
        out.append((notice.key, local.date(), local.time().replace(microsecond=0)))
    return out
