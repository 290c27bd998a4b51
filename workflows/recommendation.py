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
from dataclasses import dataclass
from datetime import date, datetime

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities import contracts
    from activities.models import EventRecord
    from domain import recommendation as rules
    from domain.backlog import CloseStep, ImportedAnswer, ReviewStep
    from domain.clocks import recommendation_clocks
    from domain.errors import DomainError
    from domain.followup import FollowUpPolicy, StatusUpdate
    from domain.memo import DomainEvent, NoticeRecord, RecommendationState, stamped
    from domain.provenance import Origin
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
                send=self._send, attention=self._set_attention, waiting=self._waiting_until,
                quiet_before=context.quiet_before)

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
    async def apply_imported_from_memo(self, answer: ImportedAnswer) -> None:
        """The memo recorded an answer from a backlog file: as `apply_from_memo`, its
        event marked with the file and rows."""
        await self._apply_from_memo(answer.recommendation, answer.origin)

    @workflow.signal
    async def apply_from_memo(self, rec: RecommendationState) -> None:
        """The memo recorded the component's answer for this recommendation, or withdrew it."""
        await self._apply_from_memo(rec, None)

    async def _apply_from_memo(self, rec: RecommendationState, origin: Origin | None) -> None:
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
        await self._commit(merged, stamped([DomainEvent(
            kind=kind, occurred_on=rec.closed_on or rec.received_on, numbers=[rec.number],
            data={"from_memo": True, "response": rec.response.value,
                  "closure_reason": rec.closure_reason.value if rec.closure_reason else None})],
            origin), report=False)

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
    # Each runs one domain rule: its validator on the current state (so refused input never
    # enters history), its handler again to apply it.

    @workflow.update
    async def submit_action_plan(self, cmd: rules.SubmitActionPlan) -> RecommendationState:
        return await self._apply(None, _Rule(rules.submit_action_plan, cmd))

    @submit_action_plan.validator
    def _check_action_plan(self, cmd: rules.SubmitActionPlan) -> None:
        self._check(_Rule(rules.submit_action_plan, cmd))

    @workflow.update
    async def review(self, cmd: rules.Review) -> RecommendationState:
        return await self._apply(None, _Rule(rules.review, cmd, policy=True))

    @review.validator
    def _check_review(self, cmd: rules.Review) -> None:
        self._check(_Rule(rules.review, cmd, policy=True))

    @workflow.update
    async def submit_status_update(self, cmd: StatusUpdate) -> RecommendationState:
        return await self._apply(None, _Rule(rules.submit_status_update, cmd, policy=True))

    @submit_status_update.validator
    def _check_status_update(self, cmd: StatusUpdate) -> None:
        self._check(_Rule(rules.submit_status_update, cmd, policy=True))

    @workflow.update
    async def request_extension(self, cmd: rules.RequestExtension) -> RecommendationState:
        return await self._apply(None, _Rule(rules.request_extension, cmd))

    @request_extension.validator
    def _check_request_extension(self, cmd: rules.RequestExtension) -> None:
        self._check(_Rule(rules.request_extension, cmd))

    @workflow.update
    async def decide_extension(self, cmd: rules.DecideExtension) -> RecommendationState:
        return await self._apply(None, _Rule(rules.decide_extension, cmd))

    @decide_extension.validator
    def _check_decide_extension(self, cmd: rules.DecideExtension) -> None:
        self._check(_Rule(rules.decide_extension, cmd))

    @workflow.update
    async def place_hold(self, cmd: rules.PlaceHold) -> RecommendationState:
        return await self._apply(None, _Rule(rules.place_hold, cmd))

    @place_hold.validator
    def _check_place_hold(self, cmd: rules.PlaceHold) -> None:
        self._check(_Rule(rules.place_hold, cmd))

    @workflow.update
    async def lift_hold(self, cmd: rules.LiftHold) -> RecommendationState:
        return await self._apply(None, _Rule(rules.lift_hold, cmd, dated=False))

    @lift_hold.validator
    def _check_lift_hold(self, cmd: rules.LiftHold) -> None:
        self._check(_Rule(rules.lift_hold, cmd, dated=False))

    @workflow.update
    async def close(self, cmd: rules.Close) -> RecommendationState:
        return await self._apply(None, _Rule(rules.close, cmd))

    @close.validator
    def _check_close(self, cmd: rules.Close) -> None:
        self._check(_Rule(rules.close, cmd))

    @workflow.update
    async def reopen(self, cmd: rules.Reopen) -> RecommendationState:
        return await self._apply(None, _Rule(rules.reopen, cmd, policy=True))

    @reopen.validator
    def _check_reopen(self, cmd: rules.Reopen) -> None:
        self._check(_Rule(rules.reopen, cmd, policy=True))

    @workflow.update
    async def apply_imported(self, step: ReviewStep | CloseStep) -> RecommendationState:
        """A review or closure from a backlog file's row: the same rule as `review` or
        `close`, its events marked with the file and row."""
        return await self._apply(step.origin, _imported(step))

    @apply_imported.validator
    def _check_imported(self, step: ReviewStep | CloseStep) -> None:
        self._check(_imported(step))

    async def _apply(self, origin: Origin | None, rule: _Rule) -> RecommendationState:
        issued_on = self._issued_on(handler=True) if rule.dated else None
        new_state, events = attempt(lambda: rule.run(self.state, self._policy, issued_on))
        await self._commit(new_state, stamped(events, origin))
        return new_state  # its own result, not a concurrent update's

    def _check(self, rule: _Rule) -> None:
        issued_on = self._issued_on() if rule.dated else None
        attempt(lambda: rule.run(self.state, self._policy, issued_on))

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


def _imported(step: ReviewStep | CloseStep) -> _Rule:
    if isinstance(step, ReviewStep):
        return _Rule(rules.review, step.command, policy=True)
    return _Rule(rules.close, step.command)


@dataclass(frozen=True)
class _Rule:
    """A domain rule bound to its command: `policy` rules also take the follow-up
    policy, `dated` rules the memo's issue date (no act may be dated before it)."""

    rule: Callable[..., rules.RecTransition]
    cmd: object
    policy: bool = False
    dated: bool = True

    def run(self, state: RecommendationState, policy: Callable[[], FollowUpPolicy],
            issued_on: date | None) -> rules.RecTransition:
        args = (state, self.cmd, policy()) if self.policy else (state, self.cmd)
        return self.rule(*args, issued_on=issued_on) if self.dated else self.rule(*args)
