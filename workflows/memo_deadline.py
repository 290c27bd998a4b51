"""The memo's response deadline: consolidated reminders, overdue notices, escalation.

A mixin of MemoWorkflow, kept apart so each file reads as one concern. It needs the
workflow's `state`, `_changes` counter and `_commit`.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities import contracts
    from activities.models import DeadlinePlan, NoticeRequest, PlannedNotice, PlanRequest
    from domain.memo import DomainEvent, MemoState, NoticeRecord
    from domain.vocabulary import EventKind, MemoStatus, NoticeKind
    from workflows.inputs import ACTIVITY_TIMEOUT
    from workflows.notices import deliver, unplannable


class ResponseDeadline:
    state: MemoState
    _changes: int
    _commit: Callable[[MemoState, list[DomainEvent]], Awaitable[None]]
    _next_notice_at: datetime | None
    _set_attention: Callable[[str | None], Awaitable[None]]

    # -- deadline, reminders, escalation ------------------------------------------------

    async def _plan(self) -> DeadlinePlan:
        return await workflow.execute_activity(
            contracts.plan_deadline,
            PlanRequest(due_on=self.state.response_due_on, time_zone=self.state.spec.time_zone,
                        ladder=self.state.spec.ladder, now=workflow.now(),
                        issued_on=self.state.spec.issued_on,
                        quiet_before=self._quiet_before()),
            start_to_close_timeout=ACTIVITY_TIMEOUT)

    def _next_notice(self, plan: DeadlinePlan) -> PlannedNotice | None:
        sent = {n.key for n in self.state.notices}
        pending = [n for n in plan.notices if n.step.key not in sent]
        return min(pending, key=lambda n: n.at) if pending else None

    async def _watch_deadline_once(self) -> None:
        """Sleep until the next notice or the overdue instant, unless something changes."""
        if self.state.hold is not None:  # on hold, the clock stops until resumed
            await workflow.wait_condition(
                functools.partial(self._changed_since, self._changes))
            return
        try:
            plan = await self._plan()
        except ActivityError as error:
            reason = unplannable(error)
            if reason is None:
                raise
            await self._set_attention(reason)  # e.g. a due date the calendar cannot reach
            await workflow.wait_condition(
                functools.partial(self._changed_since, self._changes))
            return
        await self._set_attention(None)  # a no-op unless an earlier plan failed
        while self.state.status is MemoStatus.AWAITING_RESPONSE:
            notice = self._next_notice(plan)
            if notice is None:
                return  # plan used up: re-plan from now
            wake_at = notice.at
            if not self.state.overdue_flag and plan.overdue_at < wake_at:
                wake_at = plan.overdue_at
            delay = wake_at - workflow.now()
            if delay > timedelta(0):
                self._next_notice_at = notice.at
                try:
                    await workflow.wait_condition(
                        functools.partial(self._changed_since, self._changes), timeout=delay)
                    return  # a response, extension or withdrawal: re-plan
                except TimeoutError:
                    pass
                finally:
                    self._next_notice_at = None
            if self.state.status is not MemoStatus.AWAITING_RESPONSE:
                return
            if not self.state.overdue_flag and workflow.now() >= plan.overdue_at:
                await self._mark_overdue()
            if workflow.now() >= notice.at:
                await self._send(notice)
            if workflow.info().is_continue_as_new_suggested():
                return

    def _quiet_before(self) -> datetime | None:
        return self.state.backlog.quiet_before if self.state.backlog else None

    def _changed_since(self, changes: int) -> bool:
        return self._changes != changes

    async def _mark_overdue(self) -> None:
        new = self.state.model_copy(deep=True)
        new.overdue_flag = True
        await self._commit(new, [DomainEvent(
            kind=EventKind.BECAME_OVERDUE, occurred_on=self.state.response_due_on,
            numbers=self.state.awaiting_numbers())])

    async def _send(self, planned: PlannedNotice) -> None:
        step = planned.step
        roles = [step.escalate_to] if step.escalate_to else ["component"]
        numbers = self.state.awaiting_numbers()
        spec = self.state.spec
        subject = _subject(step.kind, spec.memo_id, step.offset_days, numbers)
        requests = [NoticeRequest(
            idempotency_key=f"{spec.memo_id}/{step.key}/{role}", memo_id=spec.memo_id,
            kind=step.kind, role=role, contact=spec.contacts.get(role), subject=subject,
            payload={"memo_id": spec.memo_id, "title": spec.title,
                     "component": spec.component,
                     "response_due_on": self.state.response_due_on.isoformat(),
                     "awaiting": numbers, "days_relative_to_due": step.offset_days})
            for role in roles]
        delivered = await deliver(requests)
        record = NoticeRecord(key=step.key, kind=step.kind, on=step.on, sent_at=workflow.now(),
                              recipients=roles, numbers=numbers, delivered=delivered)
        new = self.state.model_copy(deep=True)
        new.notices.append(record)
        kind = EventKind.NOTICE_SENT if delivered else EventKind.NOTICE_FAILED
        await self._commit(new, [DomainEvent(kind=kind, occurred_on=step.on, numbers=numbers,
                                             data=record.model_dump(mode="json"))])


def _subject(kind: NoticeKind, memo_id: str, offset_days: int, numbers: list[int]) -> str:
    recs = ", ".join(str(n) for n in numbers)
    if kind is NoticeKind.REMINDER:
        when = "today" if offset_days == 0 else f"in {-offset_days} days"
        return f"Reminder: response to memo {memo_id} due {when} (recommendations {recs})"
    if kind is NoticeKind.ESCALATION:
        return (f"Escalation: memo {memo_id} response {offset_days} days overdue "
                f"(recommendations {recs})")
    return f"Overdue: memo {memo_id} response {offset_days} days overdue (recommendations {recs})"
