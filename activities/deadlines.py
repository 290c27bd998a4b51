"""Deadline resolution: turn ladder dates into UTC instants in the office time zone.

Workflows cannot do time-zone arithmetic (zoneinfo is off limits in the sandbox), so
they ask this activity: a notice for a ladder day goes out at `notice_hour` office time
that day, and a due date is overdue from 00:00 office time on the day after.

A step dated before today was missed: the clock opened already past it (history entered
late, a deadline moved back) or nobody was running. Its catch-up notice waits for the next
notice hour, `notice_hour` office time on the next business day, so the letter that
answered the clock can still be typed in; the workflow sends it then only if that clock
is still open. Steps dated today or later keep their own instants.

A memo brought in from a backlog file (`quiet_before`, the instant of the import) drops
every step whose own instant is before the import: the old system already reminded, or
did not, and the memo sends one consolidated catch-up of its own instead.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from activities.models import ClockPlan, ClocksPlanRequest, DeadlinePlan, PlannedNotice, PlanRequest
from domain.ladder import LadderStep, steps_from
from domain.office_time import local_instant, next_business_day, today_in
from domain.vocabulary import NoticeKind

# The office-time helpers live in domain.office_time; they are re-exported here so that
# `from activities.deadlines import today_in` keeps working.
__all__ = ["deadline_plan", "local_instant", "next_business_day", "plan_clocks", "today_in"]


def _superseded(missed: LadderStep, steps: list[LadderStep], catch_up_day: date) -> bool:
    """A catch-up is redundant when a regular step of its sort falls due by then."""
    escalation = missed.kind is NoticeKind.ESCALATION
    return any(s.on >= missed.on and s.on <= catch_up_day
               and (s.kind is NoticeKind.ESCALATION) == escalation
               for s in steps if s is not missed)


def deadline_plan(request: PlanRequest) -> DeadlinePlan:
    if request.now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    today = today_in(request.time_zone, request.now)
    notice_time = time(hour=9 if request.notice_hour is None else request.notice_hour)
    catch_up_day = next_business_day(today)
    steps = steps_from(request.ladder, request.due_on, today, request.limit,
                       not_before=request.issued_on)
    if request.quiet_before is not None:
        quiet_before = request.quiet_before
        steps = [s for s in steps
                 if local_instant(s.on, notice_time, request.time_zone) >= quiet_before]
    notices = [
        PlannedNotice(step=step, at=local_instant(
            step.on if step.on >= today else catch_up_day, notice_time, request.time_zone))
        for step in steps if step.on >= today or not _superseded(step, steps, catch_up_day)
    ]
    overdue_at = local_instant(request.due_on + timedelta(days=1), time(0), request.time_zone)
    return DeadlinePlan(due_on=request.due_on, overdue_at=overdue_at, notices=notices)


def plan_clocks(request: ClocksPlanRequest, notice_hour: int = 9) -> list[ClockPlan]:
    """One plan per clock; before/on-due reminders take the clock's own notice kind."""
    plans = []
    for clock in request.clocks:
        plan = deadline_plan(PlanRequest(
            due_on=clock.due_on, time_zone=request.time_zone, ladder=clock.ladder,
            now=request.now, issued_on=request.issued_on, limit=request.limit,
            notice_hour=notice_hour, quiet_before=request.quiet_before))
        if clock.reminder_kind is not NoticeKind.REMINDER:
            plan.notices = [_renamed(n, clock.reminder_kind) for n in plan.notices]
        plans.append(ClockPlan(clock=clock, plan=plan))
    return plans


def _renamed(notice: PlannedNotice, kind: NoticeKind) -> PlannedNotice:
    if notice.step.kind is not NoticeKind.REMINDER:
        return notice
    return notice.model_copy(update={"step": notice.step.model_copy(update={"kind": kind})})
