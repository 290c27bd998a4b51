"""Shared workflow helpers: deliver a notice to its recipients, and watch a set of clocks.

Both run inside workflows: they only schedule activities (by name) and timers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.models import (
        ClockPlan,
        ClocksPlanRequest,
        DeliveryResult,
        NoticeRequest,
        PlannedNotice,
    )
    from domain.clocks import Clock
    from workflows.inputs import ACTIVITY_TIMEOUT, NOTICE_GIVE_UP_AFTER, NOTICE_RETRY

SendNotice = Callable[[Clock, PlannedNotice], Awaitable[None]]


async def deliver(requests: list[NoticeRequest]) -> bool:
    """Send each request; False if any could not be delivered after all retries."""
    delivered = True
    for request in requests:
        try:
            await workflow.execute_activity(
                "send_notification", request, result_type=DeliveryResult,
                start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=NOTICE_RETRY,
                schedule_to_close_timeout=NOTICE_GIVE_UP_AFTER)
        except ActivityError as error:
            delivered = False
            workflow.logger.warning("notice %s failed: %s", request.idempotency_key, error)
    return delivered


def clock_notice_key(clock: Clock, notice: PlannedNotice) -> str:
    return f"{clock.name}/{notice.step.key}"


async def watch_clocks(*, clocks: list[Clock], time_zone: str, issued_on: date | None,
                       sent_keys: Callable[[], set[str]], changed: Callable[[], bool],
                       send: SendNotice) -> None:
    """Send the clocks' due notices until `changed()` turns true or the plan is used up.

    The caller loops: a change (new state, new due date, hold) means a fresh plan.
    """
    if not clocks:
        await workflow.wait_condition(changed)
        return
    plans: list[ClockPlan] = await workflow.execute_activity(
        "plan_clocks",
        ClocksPlanRequest(clocks=clocks, time_zone=time_zone, now=workflow.now(),
                          issued_on=issued_on),
        result_type=list[ClockPlan], start_to_close_timeout=ACTIVITY_TIMEOUT)
    while not changed():
        sent = sent_keys()
        pending_by_clock = [[(p.clock, n) for n in p.plan.notices
                             if clock_notice_key(p.clock, n) not in sent] for p in plans]
        if not all(pending_by_clock):
            return  # a clock used up its planned steps (ladders never end): re-plan
        pending = [pair for pairs in pending_by_clock for pair in pairs]
        clock, notice = min(pending, key=lambda pair: pair[1].at)
        delay = notice.at - workflow.now()
        if delay.total_seconds() > 0:
            try:
                await workflow.wait_condition(changed, timeout=delay)
                return
            except TimeoutError:
                pass
        await send(clock, notice)
