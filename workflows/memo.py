"""MemoWorkflow: the response deadline, consolidated reminders and escalation of one memo.

It starts one RecommendationWorkflow per recommendation, records every change as an audit
event through the `record_event` activity, and sends one notice per ladder step through
`send_notification`. Human actions are updates whose validators run the domain transition
on a copy of the state, so rejected input never enters history.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from datetime import date, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.models import (
        DeadlinePlan,
        DeliveryResult,
        EventRecord,
        NoticeRequest,
        PlannedNotice,
        PlanRequest,
        RecordResult,
    )
    from domain import memo as rules
    from domain.errors import DomainError
    from domain.memo import (
        DomainEvent,
        GrantExtension,
        MemoState,
        NoticeRecord,
        RecommendationState,
        RecordResponse,
        Withdraw,
    )
    from domain.vocabulary import EventKind, MemoStatus, NoticeKind
    from workflows import search_attributes as sa
    from workflows.inputs import (
        ACTIVITY_TIMEOUT,
        MEMO_WORKFLOW,
        NOTICE_GIVE_UP_AFTER,
        NOTICE_RETRY,
        RECOMMENDATION_WORKFLOW,
        RECORD_RETRY,
        MemoStart,
        RecommendationStart,
        recommendation_workflow_id,
    )

# The widest UTC offset in use (+14:00): no office anywhere has a later calendar date.
_LATEST_OFFSET = timedelta(hours=14)


@workflow.defn(name=MEMO_WORKFLOW)
class MemoWorkflow:
    @workflow.init
    def __init__(self, start: MemoStart) -> None:
        self.state: MemoState = start.state
        self._changes = 0  # bumped on every change so the deadline watcher re-plans
        self._children_started = start.resumed
        self._record_lock = asyncio.Lock()

    @workflow.run
    async def run(self, start: MemoStart) -> MemoState:
        if not start.resumed:
            await self._commit(self.state, [DomainEvent(
                kind=EventKind.MEMO_ISSUED, occurred_on=self.state.spec.issued_on,
                numbers=[r.number for r in self.state.recommendations],
                data={"response_due_on": self.state.response_due_on.isoformat()})])
            # As issued: an update that arrived with the start must reach them by signal.
            await self._start_recommendations(start.state.recommendations)
        while self.state.status is MemoStatus.AWAITING_RESPONSE:
            if workflow.info().is_continue_as_new_suggested():
                await self._continue_as_new()
            await self._watch_deadline_once()
        # Follow-up to closure happens in the recommendation workflows; the memo stays
        # open for them until it is closed or withdrawn.
        await workflow.wait_condition(
            lambda: self.state.status in (MemoStatus.CLOSED, MemoStatus.WITHDRAWN)
            or workflow.info().is_continue_as_new_suggested())
        if self.state.status not in (MemoStatus.CLOSED, MemoStatus.WITHDRAWN):
            await self._continue_as_new()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.state

    # -- queries, updates, signals ------------------------------------------------------

    @workflow.query
    def state_query(self) -> MemoState:
        return self.state

    @workflow.update
    async def record_response(self, cmd: RecordResponse) -> MemoState:
        await self._commit(*self._attempt(
            lambda: rules.record_response(self.state, cmd, self._latest_date())))
        await self._sync_recommendations([r.number for r in cmd.responses])
        return self.state

    @record_response.validator
    def _validate_response(self, cmd: RecordResponse) -> None:
        self._attempt(lambda: rules.record_response(self.state, cmd, self._latest_date()))

    @workflow.update
    async def grant_extension(self, cmd: GrantExtension) -> MemoState:
        await self._commit(*self._attempt(lambda: rules.grant_extension(self.state, cmd)))
        return self.state

    @grant_extension.validator
    def _validate_extension(self, cmd: GrantExtension) -> None:
        self._attempt(lambda: rules.grant_extension(self.state, cmd))

    @workflow.update
    async def withdraw(self, cmd: Withdraw) -> MemoState:
        await self._commit(*self._attempt(lambda: rules.withdraw(self.state, cmd)))
        await self._sync_recommendations([r.number for r in self.state.recommendations])
        return self.state

    @withdraw.validator
    def _validate_withdraw(self, cmd: Withdraw) -> None:
        self._attempt(lambda: rules.withdraw(self.state, cmd))

    @workflow.signal
    def recommendation_changed(self, rec: RecommendationState) -> None:
        """A recommendation workflow reports its own lifecycle changes."""
        new = self.state.model_copy(deep=True)  # never mutate the state it started from
        for i, mine in enumerate(new.recommendations):
            if mine.number == rec.number:
                new.recommendations[i] = rec
                self.state = new
                self._changes += 1

    # -- internals ----------------------------------------------------------------------

    @staticmethod
    def _latest_date() -> date:
        return (workflow.now() + _LATEST_OFFSET).date()

    @staticmethod
    def _attempt(transition: Callable[[], rules.Transition]) -> rules.Transition:
        """Run a domain transition; a broken rule becomes a clean update rejection."""
        try:
            return transition()
        except DomainError as error:
            raise ApplicationError(str(error), type=type(error).__name__,
                                   non_retryable=True) from None

    async def _commit(self, new_state: MemoState, events: list[DomainEvent]) -> None:
        """Adopt the new state at once, then write its events in order."""
        self.state = new_state
        self._changes += 1
        workflow.upsert_search_attributes(sa.memo_updates(
            memo_id=new_state.memo_id, component=new_state.spec.component,
            status=new_state.status.value, response_due_on=new_state.response_due_on,
            overdue=new_state.overdue_flag))
        records = []
        for event in events:
            self.state.event_seq += 1
            records.append(EventRecord(
                event_id=f"{self.state.memo_id}#{self.state.event_seq}",
                memo_id=self.state.memo_id, seq=self.state.event_seq, kind=event.kind,
                occurred_on=event.occurred_on, recorded_at=workflow.now(),
                numbers=event.numbers, data=event.data,
                # The store keeps deliveries itself; the notice list would only bloat
                # every event payload in history.
                snapshot=self.state.model_copy(update={"notices": []}, deep=True)))
        async with self._record_lock:
            for record in records:
                await workflow.execute_activity(
                    "record_event", record, result_type=RecordResult,
                    start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RECORD_RETRY)

    async def _start_recommendations(self, recs: list[RecommendationState]) -> None:
        await asyncio.gather(*(
            workflow.start_child_workflow(
                RECOMMENDATION_WORKFLOW,
                RecommendationStart(memo_id=self.state.memo_id, recommendation=rec),
                id=recommendation_workflow_id(self.state.memo_id, rec.number),
                parent_close_policy=workflow.ParentClosePolicy.ABANDON)
            for rec in recs))
        self._children_started = True

    async def _sync_recommendations(self, numbers: list[int]) -> None:
        """Tell recommendation workflows what the memo decided for them."""
        await workflow.wait_condition(lambda: self._children_started)
        await asyncio.gather(*(
            workflow.get_external_workflow_handle(
                recommendation_workflow_id(self.state.memo_id, n)
            ).signal("apply_from_memo", self.state.recommendation(n))
            for n in numbers))

    async def _continue_as_new(self) -> None:
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(MemoStart(state=self.state, resumed=True))

    # -- deadline, reminders, escalation ------------------------------------------------

    async def _plan(self) -> DeadlinePlan:
        plan: DeadlinePlan = await workflow.execute_activity(
            "plan_deadline",
            PlanRequest(due_on=self.state.response_due_on, time_zone=self.state.spec.time_zone,
                        ladder=self.state.spec.ladder, now=workflow.now(),
                        issued_on=self.state.spec.issued_on),
            result_type=DeadlinePlan, start_to_close_timeout=ACTIVITY_TIMEOUT)
        return plan

    def _next_notice(self, plan: DeadlinePlan) -> PlannedNotice | None:
        sent = {n.key for n in self.state.notices}
        pending = [n for n in plan.notices if n.step.key not in sent]
        return min(pending, key=lambda n: n.at) if pending else None

    async def _watch_deadline_once(self) -> None:
        """Sleep until the next notice or the overdue instant, unless something changes."""
        plan = await self._plan()
        while self.state.status is MemoStatus.AWAITING_RESPONSE:
            notice = self._next_notice(plan)
            if notice is None:
                return  # plan used up: re-plan from now
            wake_at = notice.at
            if not self.state.overdue_flag and plan.overdue_at < wake_at:
                wake_at = plan.overdue_at
            delay = wake_at - workflow.now()
            if delay > timedelta(0):
                try:
                    await workflow.wait_condition(
                        functools.partial(self._changed_since, self._changes), timeout=delay)
                    return  # a response, extension or withdrawal: re-plan
                except TimeoutError:
                    pass
            if self.state.status is not MemoStatus.AWAITING_RESPONSE:
                return
            if not self.state.overdue_flag and workflow.now() >= plan.overdue_at:
                await self._mark_overdue()
            if workflow.now() >= notice.at:
                await self._send(notice)
            if workflow.info().is_continue_as_new_suggested():
                return

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
        delivered = True
        for role in roles:
            request = NoticeRequest(
                idempotency_key=f"{spec.memo_id}/{step.key}/{role}", memo_id=spec.memo_id,
                kind=step.kind, role=role, contact=spec.contacts.get(role), subject=subject,
                payload={"memo_id": spec.memo_id, "title": spec.title,
                         "component": spec.component,
                         "response_due_on": self.state.response_due_on.isoformat(),
                         "awaiting": numbers, "days_relative_to_due": step.offset_days})
            try:
                await workflow.execute_activity(
                    "send_notification", request, result_type=DeliveryResult,
                    start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=NOTICE_RETRY,
                    schedule_to_close_timeout=NOTICE_GIVE_UP_AFTER)
            except ActivityError as error:
                delivered = False
                workflow.logger.warning("notice %s to %s failed: %s", step.key, role, error)
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
