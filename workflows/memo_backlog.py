"""What a memo brought in from a backlog file does that others do not.

Its letters arrive through `record_imported_response`: the same rule as `record_response`,
with its events marked with the file and rows they came from.

It sends one consolidated catch-up notice. An imported memo's clocks drop every step
dated before the import (see activities.deadlines), so its overdue items would otherwise
go unmentioned until their next regular step. Instead the memo sends one notice to the
component, at the notice hour of the next business day after the import, listing what is
still overdue then: by that time every row of the file has been applied, so an item
answered in the file is never in it, and nothing overdue means no notice at all. With
`--quiet` there is no catch-up.

A mixin of MemoWorkflow; it needs the workflow's `state`, `_commit`, `_latest_date` and
`_sync_recommendations`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.models import NoticeRequest
    from domain import memo as rules
    from domain.backlog import OverdueItem, RespondStep, overdue_items
    from domain.memo import DomainEvent, MemoState, NoticeRecord, stamped
    from domain.vocabulary import EventKind, NoticeKind
    from workflows.notices import deliver
    from workflows.rejections import attempt

CATCH_UP_KEY = "backlog/catch_up"


class ImportedMemo:
    state: MemoState
    _commit: Callable[..., Awaitable[None]]
    _latest_date: Callable[[], date]
    _sync_recommendations: Callable[..., Awaitable[None]]

    @workflow.update
    async def record_imported_response(self, step: RespondStep) -> MemoState:
        """A letter from a backlog file: as `record_response`, its events marked with the
        file and rows."""
        new_state, events = attempt(
            lambda: rules.record_response(self.state, step.command, self._latest_date()))
        await self._commit(new_state, stamped(events, step.origin))
        await self._sync_recommendations([r.number for r in step.command.responses],
                                         step.origin)
        return self.state

    @record_imported_response.validator
    def _validate_imported_response(self, step: RespondStep) -> None:
        attempt(lambda: rules.record_response(self.state, step.command, self._latest_date()))

    async def _backlog_catch_up(self) -> None:
        backlog = self.state.backlog
        if (backlog is None or backlog.catch_up_at is None or backlog.catch_up_on is None
                or any(n.key == CATCH_UP_KEY for n in self.state.notices)):
            return
        delay = backlog.catch_up_at - workflow.now()
        if delay > timedelta(0):
            await workflow.sleep(delay)
        items = overdue_items(self.state, backlog.catch_up_on)
        # Looked once, whatever it finds: a continue-as-new from here on carries this, so
        # no later run looks again.
        self.state = self.state.model_copy(update={"backlog": backlog.model_copy(
            update={"catch_up_at": None})})
        if not items:
            return
        spec = self.state.spec
        numbers = sorted({i.number for i in items if i.number is not None}
                         | {n for i in items if i.clock == "response"
                            for n in self.state.awaiting_numbers()})
        delivered = await deliver([NoticeRequest(
            idempotency_key=f"{spec.memo_id}/{CATCH_UP_KEY}/component", memo_id=spec.memo_id,
            kind=NoticeKind.BACKLOG_CATCH_UP, role="component",
            contact=spec.contacts.get("component"), subject=_subject(spec.memo_id, items),
            payload={"memo_id": spec.memo_id, "title": spec.title,
                     "component": spec.component,
                     "overdue": [i.model_dump(mode="json") for i in items]})])
        record = NoticeRecord(key=CATCH_UP_KEY, kind=NoticeKind.BACKLOG_CATCH_UP,
                              on=backlog.catch_up_on, sent_at=workflow.now(),
                              recipients=["component"], numbers=numbers, delivered=delivered)
        new = self.state.model_copy(deep=True)
        new.notices.append(record)
        kind = EventKind.NOTICE_SENT if delivered else EventKind.NOTICE_FAILED
        await self._commit(new, [DomainEvent(kind=kind, occurred_on=backlog.catch_up_on,
                                             numbers=numbers,
                                             data=record.model_dump(mode="json"))],
                           replan=False)


def _subject(memo_id: str, items: list[OverdueItem]) -> str:
    oldest = min(i.due_on for i in items)
    return (f"Catch-up: memo {memo_id} has {len(items)} overdue item"
            f"{'' if len(items) == 1 else 's'} (the oldest due {oldest})")
