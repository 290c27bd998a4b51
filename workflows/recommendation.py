"""RecommendationWorkflow: one recommendation's own lifecycle, from response to closure.

Started by its memo (id `rec/<memo_id>/<n>`, parent close policy ABANDON so it outlives
the memo's continue-as-new). The memo tells it the component's answer and a withdrawal by
signal; everything after that (action plan, review, status updates, extensions, holds,
closure, reopening) arrives as its own validated updates. It runs its clocks' reminders,
records its own audit events and reports each change back to the memo by signal. A closed
recommendation keeps running, idle, so that it can be reopened; only withdrawal ends it.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from datetime import date, datetime

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities import contracts
    from activities.models import EventRecord
    from domain import recommendation as rules
    from domain.clocks import recommendation_clocks
    from domain.errors import DomainError
    from domain.followup import FollowUpPolicy, StatusUpdate
    from domain.memo import DomainEvent, NoticeRecord, RecommendationState
    from domain.vocabulary import ClosureReason, EventKind, Implementation
    from workflows.inputs import (
        ACTIVITY_TIMEOUT,
        DATE_BOUNDS_PATCH,
        FOLLOW_UP_PATCH,
        RECOMMENDATION_WORKFLOW,
        RECORD_RETRY,
        RecommendationContext,
        RecommendationStart,
        memo_workflow_id,
    )
    from workflows.notices import watch_clocks
    from workflows.recommendation_notices import RecommendationNotices
    from workflows.rejections import attempt


@workflow.defn(name=RECOMMENDATION_WORKFLOW)
class RecommendationWorkflow(RecommendationNotices):
    @workflow.init
    def __init__(self, start: RecommendationStart) -> None:
        self.memo_id = start.memo_id
        self.state: RecommendationState = start.recommendation
        self.context: RecommendationContext | None = start.context
        self.notices: list[NoticeRecord] = list(start.notices)
        self.event_seq = start.event_seq
        self._changes = 0
        self._record_lock = asyncio.Lock()
        self._next_notice_at: datetime | None = None

    @workflow.run
    async def run(self, start: RecommendationStart) -> RecommendationState:
        if workflow.patched(FOLLOW_UP_PATCH) and self.context is not None:
            await self._follow_up(self.context)
        else:  # started before the follow-up phase: it only mirrors its memo
            await workflow.wait_condition(
                lambda: self.state.implementation is Implementation.CLOSED)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.state

    async def _follow_up(self, context: RecommendationContext) -> None:
        while self.state.closure_reason is not ClosureReason.WITHDRAWN:
            if workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(RecommendationStart(
                    memo_id=self.memo_id, recommendation=self.state, context=context,
                    notices=self.notices, event_seq=self.event_seq))
            changes = self._changes
            await watch_clocks(
                clocks=recommendation_clocks(self.state, context.policy,
                                             context.response_ladder),
                time_zone=context.time_zone, issued_on=context.issued_on,
                sent_keys=lambda: {n.key for n in self.notices},
                changed=functools.partial(self._changed_since, changes),
                send=self._send, attention=self._set_attention, waiting=self._waiting_until)

    def _changed_since(self, changes: int) -> bool:
        return self._changes != changes or workflow.info().is_continue_as_new_suggested()

    # -- queries, signals from the memo ---------------------------------------------------

    @workflow.query
    def state_query(self) -> RecommendationState:
        return self.state

    @workflow.query
    def notices_query(self) -> list[NoticeRecord]:
        return self.notices

    @workflow.query
    def next_notice(self) -> datetime | None:
        """When the next planned notice goes out; None while none is planned."""
        return self._next_notice_at

    @workflow.signal
    async def apply_from_memo(self, rec: RecommendationState) -> None:
        """The memo recorded the component's answer for this recommendation, or withdrew it."""
        if rec.number != self.state.number:
            return
        if self.context is None:
            self.state = rec
            return
        closing = rec.implementation is Implementation.CLOSED and \
            self.state.implementation is not Implementation.CLOSED
        kind = EventKind.RECOMMENDATION_CLOSED if closing else EventKind.RESPONSE_RECORDED
        # Keep what only this workflow knows (holds, plans it received itself).
        merged = rec.model_copy(update={"hold": None if closing else self.state.hold})
        await self._commit(merged, [DomainEvent(
            kind=kind, occurred_on=rec.closed_on or rec.received_on, numbers=[rec.number],
            data={"from_memo": True, "response": rec.response.value,
                  "closure_reason": rec.closure_reason.value if rec.closure_reason else None})],
            report=False)

    @workflow.signal
    async def memo_hold(self, cmd: rules.PlaceHold) -> None:
        """The whole memo went on hold: so does this recommendation, unless it already is."""
        if self.state.hold is None and self.state.implementation is not Implementation.CLOSED:
            await self._from_memo(lambda: rules.place_hold(self.state, cmd, by_memo=True))

    @workflow.signal
    async def memo_resume(self, cmd: rules.LiftHold) -> None:
        if self.state.hold is not None and self.state.hold.by_memo:
            await self._from_memo(lambda: rules.lift_hold(self.state, cmd, by_memo=True))

    async def _from_memo(self, transition: Callable[[], rules.RecTransition]) -> None:
        # A signal cannot be refused: a rule it breaks is logged, never a failed task.
        try:
            new_state, events = transition()
        except DomainError as error:
            workflow.logger.warning("ignored memo signal: %s", error)
            return
        await self._commit(new_state, events)

    # -- updates: the office's and the component's actions -------------------------------

    @workflow.update
    async def submit_action_plan(self, cmd: rules.SubmitActionPlan) -> RecommendationState:
        new_state, events = attempt(lambda: rules.submit_action_plan(
            self.state, cmd, issued_on=self._issued_on(handler=True)))
        await self._commit(new_state, events)
        return new_state  # its own result, not a concurrent update's

    @submit_action_plan.validator
    def _check_action_plan(self, cmd: rules.SubmitActionPlan) -> None:
        attempt(lambda: rules.submit_action_plan(
            self.state, cmd, issued_on=self._issued_on()))

    @workflow.update
    async def review(self, cmd: rules.Review) -> RecommendationState:
        new_state, events = attempt(lambda: rules.review(
            self.state, cmd, self._policy(),
            issued_on=self._issued_on(handler=True)))
        await self._commit(new_state, events)
        return new_state  # its own result, not a concurrent update's

    @review.validator
    def _check_review(self, cmd: rules.Review) -> None:
        attempt(lambda: rules.review(
            self.state, cmd, self._policy(),
            issued_on=self._issued_on()))

    @workflow.update
    async def submit_status_update(self, cmd: StatusUpdate) -> RecommendationState:
        new_state, events = attempt(
            lambda: rules.submit_status_update(
                self.state, cmd, self._policy(),
                issued_on=self._issued_on(handler=True)))
        await self._commit(new_state, events)
        return new_state  # its own result, not a concurrent update's

    @submit_status_update.validator
    def _check_status_update(self, cmd: StatusUpdate) -> None:
        attempt(lambda: rules.submit_status_update(
            self.state, cmd, self._policy(),
            issued_on=self._issued_on()))

    @workflow.update
    async def request_extension(self, cmd: rules.RequestExtension) -> RecommendationState:
        new_state, events = attempt(lambda: rules.request_extension(
            self.state, cmd, issued_on=self._issued_on(handler=True)))
        await self._commit(new_state, events)
        return new_state  # its own result, not a concurrent update's

    @request_extension.validator
    def _check_request_extension(self, cmd: rules.RequestExtension) -> None:
        attempt(lambda: rules.request_extension(
            self.state, cmd, issued_on=self._issued_on()))

    @workflow.update
    async def decide_extension(self, cmd: rules.DecideExtension) -> RecommendationState:
        new_state, events = attempt(lambda: rules.decide_extension(
            self.state, cmd, issued_on=self._issued_on(handler=True)))
        await self._commit(new_state, events)
        return new_state  # its own result, not a concurrent update's

    @decide_extension.validator
    def _check_decide_extension(self, cmd: rules.DecideExtension) -> None:
        attempt(lambda: rules.decide_extension(
            self.state, cmd, issued_on=self._issued_on()))

    @workflow.update
    async def place_hold(self, cmd: rules.PlaceHold) -> RecommendationState:
        new_state, events = attempt(lambda: rules.place_hold(
            self.state, cmd, issued_on=self._issued_on(handler=True)))
        await self._commit(new_state, events)
        return new_state  # its own result, not a concurrent update's

    @place_hold.validator
    def _check_place_hold(self, cmd: rules.PlaceHold) -> None:
        attempt(lambda: rules.place_hold(
            self.state, cmd, issued_on=self._issued_on()))

    @workflow.update
    async def lift_hold(self, cmd: rules.LiftHold) -> RecommendationState:
        new_state, events = attempt(lambda: rules.lift_hold(self.state, cmd))
        await self._commit(new_state, events)
        return new_state  # its own result, not a concurrent update's

    @lift_hold.validator
    def _check_lift_hold(self, cmd: rules.LiftHold) -> None:
        attempt(lambda: rules.lift_hold(self.state, cmd))

    @workflow.update
    async def close(self, cmd: rules.Close) -> RecommendationState:
        new_state, events = attempt(lambda: rules.close(
            self.state, cmd, issued_on=self._issued_on(handler=True)))
        await self._commit(new_state, events)
        return new_state  # its own result, not a concurrent update's

    @close.validator
    def _check_close(self, cmd: rules.Close) -> None:
        attempt(lambda: rules.close(
            self.state, cmd, issued_on=self._issued_on()))

    @workflow.update
    async def reopen(self, cmd: rules.Reopen) -> RecommendationState:
        new_state, events = attempt(lambda: rules.reopen(
            self.state, cmd, self._policy(),
            issued_on=self._issued_on(handler=True)))
        await self._commit(new_state, events)
        return new_state  # its own result, not a concurrent update's

    @reopen.validator
    def _check_reopen(self, cmd: rules.Reopen) -> None:
        attempt(lambda: rules.reopen(
            self.state, cmd, self._policy(),
            issued_on=self._issued_on()))

    # -- internals ----------------------------------------------------------------------

    def _issued_on(self, *, handler: bool = False) -> date | None:
        """The memo's issue date: no later act may be dated before it. An update handler
        applies it only under date-bounds-v1, since histories recorded before it may
        hold earlier dates and must replay as they ran (validators are not replayed)."""
        if self.context is None:
            return None
        if handler and not workflow.patched(DATE_BOUNDS_PATCH):
            return None
        return self.context.issued_on

    def _policy(self) -> FollowUpPolicy:
        if self.context is None:
            raise ApplicationError("this recommendation was started before follow-up "
                                   "existed; it cannot take follow-up actions",
                                   type="InvalidTransition", non_retryable=True)
        return self.context.policy

    async def _commit(self, new_state: RecommendationState, events: list[DomainEvent],
                      *, report: bool = True, replan: bool = True) -> None:
        """Adopt the new state at once, record its events in order, tell the memo."""
        self.state = new_state
        if replan:
            self._changes += 1
        records = []
        for event in events:
            self.event_seq += 1
            records.append(EventRecord(
                event_id=f"{self.memo_id}/{new_state.number}#{self.event_seq}",
                memo_id=self.memo_id, seq=self.event_seq, kind=event.kind,
                occurred_on=event.occurred_on, recorded_at=workflow.now(),
                numbers=[new_state.number], data=event.data, number=new_state.number,
                recommendation=new_state.model_copy(deep=True)))
        async with self._record_lock:
            for record in records:
                await workflow.execute_activity(
                    contracts.record_event, record,
                    start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RECORD_RETRY)
        if report and events:
            await self._report()

    async def _report(self) -> None:
        memo = workflow.get_external_workflow_handle(memo_workflow_id(self.memo_id))
        try:
            await memo.signal("recommendation_changed", self.state)
        except Exception as error:  # the memo may have ended (withdrawn): nothing to tell
            workflow.logger.warning("memo %s not told of a change: %s", self.memo_id, error)
