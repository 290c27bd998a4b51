"""MemoWorkflow: the response deadline, consolidated reminders and escalation of one memo.

It starts one RecommendationWorkflow per recommendation, records every change as an audit
event through the `record_event` activity, and sends one notice per ladder step through
`send_notification`. Human actions are updates whose validators run the domain transition
on a copy of the state, so rejected input never enters history.
"""

from __future__ import annotations

import asyncio
import functools
from datetime import date, datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities import contracts
    from activities.models import EventRecord, NoticeRequest, PlannedNotice
    from domain import memo as rules
    from domain import memo_followup as followup
    from domain.backlog import ImportedAnswer
    from domain.clocks import Clock, publication_clock
    from domain.memo import (
        DomainEvent,
        GrantExtension,
        MemoState,
        NoticeRecord,
        RecommendationState,
        RecordResponse,
        Withdraw,
    )
    from domain.memo_followup import MemoHold, MemoResume, Publish
    from domain.provenance import Origin
    from domain.recommendation import LiftHold, PlaceHold
    from domain.vocabulary import EventKind, Implementation, MemoStatus
    from workflows import search_attributes as sa
    from workflows.inputs import (
        ACTIVITY_TIMEOUT,
        BACKLOG_PATCH,
        FOLLOW_UP_PATCH,
        MEMO_WORKFLOW,
        RECOMMENDATION_WORKFLOW,
        RECORD_RETRY,
        MemoStart,
        RecommendationContext,
        RecommendationStart,
        recommendation_workflow_id,
    )
    from workflows.memo_backlog import ImportedMemo
    from workflows.memo_deadline import ResponseDeadline
    from workflows.notices import attention_change, clock_notice_key, deliver, watch_clocks
    from workflows.rejections import attempt

# The widest UTC offset in use (+14:00): no office anywhere has a later calendar date.
_LATEST_OFFSET = timedelta(hours=14)


@workflow.defn(name=MEMO_WORKFLOW)
class MemoWorkflow(ResponseDeadline, ImportedMemo):
    @workflow.init
    def __init__(self, start: MemoStart) -> None:
        self.state: MemoState = start.state
        self._changes = 0  # bumped on every change so the deadline watcher re-plans
        self._children_started = start.resumed
        self._record_lock = asyncio.Lock()
        self._next_notice_at: datetime | None = None
        self._catch_up_task: asyncio.Task[None] | None = None

    @workflow.run
    async def run(self, start: MemoStart) -> MemoState:
        if not start.resumed:
            await self._commit(self.state, [DomainEvent(
                kind=EventKind.MEMO_ISSUED, occurred_on=self.state.spec.issued_on,
                numbers=[r.number for r in self.state.recommendations],
                data=self._issue_data())])
            # As issued: an update that arrived with the start must reach them by signal.
            await self._start_recommendations(start.state.recommendations)
        if self.state.backlog is not None and self.state.backlog.catch_up_at is not None \
                and workflow.patched(BACKLOG_PATCH):
            self._catch_up_task = asyncio.create_task(self._backlog_catch_up())
        while self.state.status is MemoStatus.AWAITING_RESPONSE:
            if workflow.info().is_continue_as_new_suggested():
                await self._continue_as_new()
            await self._watch_deadline_once()
        if workflow.patched(FOLLOW_UP_PATCH):
            await self._follow_up()
        else:
            # Before the follow-up phase: the memo waited to be closed or withdrawn.
            await workflow.wait_condition(
                lambda: self.state.status in (MemoStatus.CLOSED, MemoStatus.WITHDRAWN)
                or workflow.info().is_continue_as_new_suggested())
            if self.state.status not in (MemoStatus.CLOSED, MemoStatus.WITHDRAWN):
                await self._continue_as_new()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.state

    async def _follow_up(self) -> None:
        """Recommendations follow up on their own; the memo minds its public summary and
        closes when they are all closed. A closed memo stays open to take a reopening;
        only withdrawal ends it."""
        while self.state.status is not MemoStatus.WITHDRAWN:
            if workflow.info().is_continue_as_new_suggested():
                await self._continue_as_new()
            clock = publication_clock(self.state)
            await watch_clocks(
                clocks=[clock] if clock else [], time_zone=self.state.spec.time_zone,
                issued_on=self.state.spec.issued_on, quiet_before=self._quiet_before(),
                sent_keys=lambda: {n.key for n in self.state.notices},
                changed=functools.partial(self._changed_since, self._changes),
                send=self._send_clock_notice, attention=self._set_attention,
                waiting=self._waiting_until)

    # -- queries, updates, signals ------------------------------------------------------

    @workflow.query
    def state_query(self) -> MemoState:
        return self.state

    @workflow.query
    def next_notice(self) -> datetime | None:
        """When the next planned notice goes out; None while none is planned (on hold,
        needing attention, nothing left to remind of, or between two plans)."""
        return self._next_notice_at

    @workflow.update
    async def record_response(self, cmd: RecordResponse) -> MemoState:
        await self._commit(*attempt(
            lambda: rules.record_response(self.state, cmd, self._latest_date())))
        await self._sync_recommendations([r.number for r in cmd.responses])
        return self.state

    @record_response.validator
    def _validate_response(self, cmd: RecordResponse) -> None:
        attempt(lambda: rules.record_response(self.state, cmd, self._latest_date()))

    @workflow.update
    async def grant_extension(self, cmd: GrantExtension) -> MemoState:
        await self._commit(*attempt(lambda: rules.grant_extension(self.state, cmd)))
        return self.state

    @grant_extension.validator
    def _validate_extension(self, cmd: GrantExtension) -> None:
        attempt(lambda: rules.grant_extension(self.state, cmd))

    @workflow.update
    async def withdraw(self, cmd: Withdraw) -> MemoState:
        await self._commit(*attempt(lambda: rules.withdraw(self.state, cmd)))
        await self._sync_recommendations([r.number for r in self.state.recommendations])
        return self.state

    @withdraw.validator
    def _validate_withdraw(self, cmd: Withdraw) -> None:
        attempt(lambda: rules.withdraw(self.state, cmd))

    @workflow.signal
    async def recommendation_changed(self, rec: RecommendationState) -> None:
        """A recommendation workflow reports its own lifecycle changes."""
        if all(mine.number != rec.number for mine in self.state.recommendations):
            return
        new_state, events = followup.apply_recommendation(self.state, rec)
        if events:
            await self._commit(new_state, events)
        else:
            self.state = new_state

    @workflow.update
    async def publish(self, cmd: Publish) -> MemoState:
        await self._commit(*attempt(lambda: followup.publish(self.state, cmd)))
        return self.state

    @publish.validator
    def _validate_publish(self, cmd: Publish) -> None:
        attempt(lambda: followup.publish(self.state, cmd))

    @workflow.update
    async def hold(self, cmd: MemoHold) -> MemoState:
        """Hold the memo: its clocks stop, and so do its open recommendations'."""
        await self._commit(*attempt(lambda: followup.hold_memo(self.state, cmd)))
        await self._tell_recommendations("memo_hold", PlaceHold(reason=cmd.reason, on=cmd.on))
        return self.state

    @hold.validator
    def _validate_hold(self, cmd: MemoHold) -> None:
        attempt(lambda: followup.hold_memo(self.state, cmd))

    @workflow.update
    async def resume(self, cmd: MemoResume) -> MemoState:
        await self._commit(*attempt(lambda: followup.resume_memo(self.state, cmd)))
        await self._tell_recommendations("memo_resume", LiftHold(on=cmd.on))
        return self.state

    @resume.validator
    def _validate_resume(self, cmd: MemoResume) -> None:
        attempt(lambda: followup.resume_memo(self.state, cmd))

    # -- internals ----------------------------------------------------------------------

    @staticmethod
    def _latest_date() -> date:
        return (workflow.now() + _LATEST_OFFSET).date()

    def _issue_data(self) -> dict[str, object]:
        data: dict[str, object] = {"response_due_on": self.state.response_due_on.isoformat()}
        if self.state.backlog is not None:  # brought in by `rectrack import`
            data["source"] = self.state.backlog.origin().as_data()
        return data

    async def _commit(self, new_state: MemoState, events: list[DomainEvent], *,
                      replan: bool = True) -> None:
        """Adopt the new state at once, then write its events in order."""
        self.state = new_state
        if replan:
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
                    contracts.record_event, record,
                    start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RECORD_RETRY)

    async def _start_recommendations(self, recs: list[RecommendationState]) -> None:
        handles = await asyncio.gather(*(
            workflow.start_child_workflow(
                RECOMMENDATION_WORKFLOW,
                RecommendationStart(memo_id=self.state.memo_id, recommendation=rec,
                                    context=RecommendationContext.of(self.state)),
                id=recommendation_workflow_id(self.state.memo_id, rec.number),
                parent_close_policy=workflow.ParentClosePolicy.ABANDON)
            for rec in recs))
        for handle in handles:
            # The memo never awaits a child's result (it outlives the memo's runs); reading
            # the outcome keeps a cancelled result from being logged as never retrieved.
            handle.add_done_callback(_ignore_outcome)
        self._children_started = True

    async def _sync_recommendations(self, numbers: list[int],
                                    origin: Origin | None = None) -> None:
        """Tell recommendation workflows what the memo decided for them (and, for an
        imported letter, where it came from)."""
        await workflow.wait_condition(lambda: self._children_started)
        await asyncio.gather(*(self._tell_answer(n, origin) for n in numbers))

    async def _tell_answer(self, number: int, origin: Origin | None) -> None:
        handle = workflow.get_external_workflow_handle(
            recommendation_workflow_id(self.state.memo_id, number))
        rec = self.state.recommendation(number)
        if origin is None:
            await handle.signal("apply_from_memo", rec)
        else:
            await handle.signal("apply_imported_from_memo",
                                ImportedAnswer(recommendation=rec, origin=origin))

    async def _tell_recommendations(self, signal: str, arg: object) -> None:
        """Signal every open recommendation (a closed one has no clock to stop)."""
        await workflow.wait_condition(lambda: self._children_started)
        await asyncio.gather(*(
            workflow.get_external_workflow_handle(
                recommendation_workflow_id(self.state.memo_id, r.number)).signal(signal, arg)
            for r in self.state.recommendations
            if r.implementation is not Implementation.CLOSED))

    def _waiting_until(self, at: datetime | None) -> None:
        self._next_notice_at = at

    async def _set_attention(self, reason: str | None) -> None:
        """Show (or clear) why this memo's clocks stopped: recorded, never retried."""
        event = attention_change(self.state.attention, reason, [])
        if event is not None:
            await self._commit(self.state.model_copy(update={"attention": reason}), [event],
                               replan=False)

    async def _send_clock_notice(self, clock: Clock, planned: PlannedNotice) -> None:
        step, spec = planned.step, self.state.spec
        role = step.escalate_to or clock.recipient
        key = clock_notice_key(clock, planned)
        subject = (f"Publication reminder: the public summary of memo {spec.memo_id} "
                   f"was due {clock.due_on}")
        delivered = await deliver([NoticeRequest(
            idempotency_key=f"{spec.memo_id}/{key}/{role}", memo_id=spec.memo_id,
            kind=step.kind, role=role, contact=spec.contacts.get(role), subject=subject,
            payload={"memo_id": spec.memo_id, "title": spec.title, "clock": clock.name,
                     "due_on": clock.due_on.isoformat()})])
        record = NoticeRecord(key=key, kind=step.kind, on=step.on, sent_at=workflow.now(),
                              recipients=[role], numbers=[], delivered=delivered)
        new = self.state.model_copy(deep=True)
        new.notices.append(record)
        kind = EventKind.NOTICE_SENT if delivered else EventKind.NOTICE_FAILED
        await self._commit(new, [DomainEvent(kind=kind, occurred_on=step.on,
                                             data=record.model_dump(mode="json"))],
                           replan=False)

    async def _continue_as_new(self) -> None:
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(MemoStart(state=self.state, resumed=True))


def _ignore_outcome(result: asyncio.Future[object]) -> None:
    if not result.cancelled():
        result.exception()
