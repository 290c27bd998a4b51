"""The notices of one recommendation's clocks: a mixin of RecommendationWorkflow, kept
apart so each file reads as one concern (as `memo_deadline.py` is for the memo).

It needs the workflow's `state`, `context`, `notices`, `_next_notice_at` and `_commit`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.models import NoticeRequest, PlannedNotice
    from domain.clocks import Clock
    from domain.memo import DomainEvent, NoticeRecord, RecommendationState
    from domain.vocabulary import EventKind
    from workflows.inputs import RecommendationContext
    from workflows.notices import attention_change, clock_notice_key, deliver


class RecommendationNotices:
    state: RecommendationState
    context: RecommendationContext | None
    notices: list[NoticeRecord]
    _next_notice_at: datetime | None
    _commit: Callable[..., Awaitable[None]]

    def _waiting_until(self, at: datetime | None) -> None:
        self._next_notice_at = at

    async def _set_attention(self, reason: str | None) -> None:
        """Show (or clear) why this recommendation's clocks stopped."""
        event = attention_change(self.state.attention, reason, [self.state.number])
        if event is not None:
            await self._commit(self.state.model_copy(update={"attention": reason}), [event],
                               replan=False)

    async def _send(self, clock: Clock, planned: PlannedNotice) -> None:
        assert self.context is not None
        step, ctx, n = planned.step, self.context, self.state.number
        role = step.escalate_to or clock.recipient
        subject = (f"{step.kind.value.replace('_', ' ').capitalize()}: memo {ctx.memo_id} "
                   f"recommendation {n}, {clock.name.replace('_', ' ')} due {clock.due_on}")
        request = NoticeRequest(
            idempotency_key=f"{ctx.memo_id}/{n}/{clock_notice_key(clock, planned)}/{role}",
            memo_id=ctx.memo_id, kind=step.kind, role=role, contact=ctx.contacts.get(role),
            subject=subject,
            payload={"memo_id": ctx.memo_id, "title": ctx.title, "component": ctx.component,
                     "recommendation": n, "clock": clock.name,
                     "due_on": clock.due_on.isoformat(),
                     "days_relative_to_due": step.offset_days})
        delivered = await deliver([request])
        record = NoticeRecord(key=clock_notice_key(clock, planned), kind=step.kind, on=step.on,
                              sent_at=workflow.now(), recipients=[role], numbers=[n],
                              delivered=delivered)
        self.notices.append(record)
        kind = EventKind.NOTICE_SENT if delivered else EventKind.NOTICE_FAILED
        await self._commit(self.state, [DomainEvent(
            kind=kind, occurred_on=step.on, numbers=[n], data=record.model_dump(mode="json"))],
            report=False, replan=False)
