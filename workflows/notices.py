"""Shared workflow helpers: deliver a notice to its recipients, and watch a set of clocks.

Both run inside workflows: they only schedule activities (by name) and timers.

Delivery (`notice-once-v1`): the workflow makes one `post_notice` attempt at a time and
gets its outcome back as the activity's result, in history, before `record_delivery`
writes it to the store. A notice accepted once is therefore never posted again, however
long the store stays locked; an attempt lost with its worker counts as `unknown` and the
next one carries the same Idempotency-Key. Workflows started earlier keep the old path,
one `send_notification` activity retried by Temporal.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, FailureError

with workflow.unsafe.imports_passed_through():
    from activities import contracts
    from activities.models import (
        AttemptOutcome,
        ClocksPlanRequest,
        DeliveryAttemptRecord,
        NoticeAttempt,
        NoticeRequest,
        PlannedNotice,
    )
    from domain.clocks import Clock
    from domain.memo import DomainEvent
    from domain.vocabulary import EventKind
    from workflows.inputs import (
        ACTIVITY_TIMEOUT,
        ATTENTION_PATCH,
        NOTICE_GIVE_UP_AFTER,
        NOTICE_ONCE_PATCH,
        NOTICE_RETRY,
        RECORD_RETRY,
        SINGLE_ATTEMPT,
    )

SendNotice = Callable[[Clock, PlannedNotice], Awaitable[None]]
# Set (a one-line reason) or clear (None) the workflow's `attention` state.
Attention = Callable[[str | None], Awaitable[None]]
# Told the instant of the next planned notice, or None while none is planned.
Waiting = Callable[[datetime | None], None]

MAX_REASON = 500


async def deliver(requests: list[NoticeRequest]) -> bool:
    """Send each request; False if any could not be delivered after all retries."""
    if not workflow.patched(NOTICE_ONCE_PATCH):
        return await _deliver_with_activity_retries(requests)
    delivered = True
    for request in requests:
        delivered = await _deliver_once(request) and delivered
    return delivered


async def _deliver_once(request: NoticeRequest) -> bool:
    """Attempt until delivered, rejected, or a day has gone by; log every attempt."""
    give_up_at = workflow.now() + NOTICE_GIVE_UP_AFTER
    backoff = NOTICE_RETRY.initial_interval
    attempt = 0
    while True:
        attempt += 1
        outcome = await _attempt(request, attempt)
        await workflow.execute_activity(
            contracts.record_delivery, DeliveryAttemptRecord(
                request=request, attempt=attempt, outcome=outcome, at=workflow.now()),
            start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RECORD_RETRY)
        if outcome.outcome == "delivered":
            return True
        if outcome.outcome == "rejected":
            workflow.logger.warning("notice %s rejected: %s", request.idempotency_key,
                                    outcome.error)
            return False
        wait = (timedelta(seconds=outcome.retry_after_seconds)
                if outcome.retry_after_seconds is not None else backoff)
        if workflow.now() + wait > give_up_at:
            workflow.logger.warning("notice %s given up after %d attempts: %s",
                                    request.idempotency_key, attempt, outcome.error)
            return False
        await workflow.sleep(wait)
        maximum = NOTICE_RETRY.maximum_interval or backoff
        backoff = min(backoff * NOTICE_RETRY.backoff_coefficient, maximum)


async def _attempt(request: NoticeRequest, attempt: int) -> AttemptOutcome:
    try:
        return await workflow.execute_activity(
            contracts.post_notice, NoticeAttempt(request=request, attempt=attempt),
            start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=SINGLE_ATTEMPT)
    except ActivityError as error:  # the worker was lost or the attempt timed out
        webhook = request.contact.webhook if request.contact else None
        return AttemptOutcome(outcome="unknown", channel="webhook" if webhook else "log",
                              target=webhook, error=_reason(error))


async def _deliver_with_activity_retries(requests: list[NoticeRequest]) -> bool:
    delivered = True
    for request in requests:
        try:
            await workflow.execute_activity(
                contracts.send_notification, request,
                start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=NOTICE_RETRY,
                schedule_to_close_timeout=NOTICE_GIVE_UP_AFTER)
        except ActivityError as error:
            delivered = False
            workflow.logger.warning("notice %s failed: %s", request.idempotency_key, error)
    return delivered


def clock_notice_key(clock: Clock, notice: PlannedNotice) -> str:
    return f"{clock.name}/{notice.step.key}"


def attention_change(current: str | None, reason: str | None,
                     numbers: list[int]) -> DomainEvent | None:
    """The event that sets (a reason) or clears (None) the attention state, if it changes."""
    if current == reason:
        return None
    kind = EventKind.ATTENTION_NEEDED if reason else EventKind.ATTENTION_CLEARED
    return DomainEvent(kind=kind, numbers=numbers, data={"reason": reason or current})


def unplannable(error: ActivityError) -> str | None:
    """The reason to show when planning failed for good, else None (re-raise it).

    Only workflows running `attention-v1` turn the failure into the attention state.
    """
    if not workflow.patched(ATTENTION_PATCH):
        return None
    return _reason(error)


def _reason(error: ActivityError) -> str:
    cause = error.cause if error.cause is not None else error
    message = cause.message if isinstance(cause, FailureError) else str(cause)
    return message[:MAX_REASON] or type(cause).__name__


async def watch_clocks(*, clocks: list[Clock], time_zone: str, issued_on: date | None,
                       sent_keys: Callable[[], set[str]], changed: Callable[[], bool],
                       send: SendNotice, attention: Attention | None = None,
                       waiting: Waiting | None = None,
                       quiet_before: datetime | None = None) -> None:
    """Send the clocks' due notices until `changed()` turns true or the plan is used up.

    The caller loops: a change (new state, new due date, hold) means a fresh plan. A plan
    that fails for good sets the attention state and waits for a change.
    """
    told = waiting or (lambda _at: None)
    told(None)
    if not clocks:
        await workflow.wait_condition(changed)
        return
    try:
        plans = await workflow.execute_activity(
            contracts.plan_clocks,
            ClocksPlanRequest(clocks=clocks, time_zone=time_zone, now=workflow.now(),
                              issued_on=issued_on, quiet_before=quiet_before),
            start_to_close_timeout=ACTIVITY_TIMEOUT)
    except ActivityError as error:
        reason = unplannable(error) if attention is not None else None
        if attention is None or reason is None:
            raise
        await attention(reason)
        await workflow.wait_condition(changed)
        return
    if attention is not None:
        await attention(None)
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
            told(notice.at)
            try:
                await workflow.wait_condition(changed, timeout=delay)
                return
            except TimeoutError:
                pass
        told(None)
        await send(clock, notice)
