"""Follow-up transitions of one recommendation, from its response to its closure.

Like the memo transitions, each takes the current RecommendationState and a command,
validates it, and returns the new state with its events; the input is never modified.
Commands carry the business date of the action (`on`, `received_on`, ...): the office
acts on letters and meetings that happened before anyone typed them in.
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field

from domain.dates import BusinessDate, check_not_before_issue, check_within_horizon
from domain.errors import DomainError, InvalidTransition, UnknownItem
from domain.followup import (
    ActionPlan,
    Evidence,
    ExtensionRequest,
    ExtensionStatus,
    FollowUpPolicy,
    Hold,
    StatusUpdate,
    check_action_plan,
)
from domain.limits import MAX_ITEMS, ClockName, Name, OptionalText, Text
from domain.memo import DomainEvent, RecommendationState
from domain.vocabulary import (
    ClosureReason,
    EventKind,
    Implementation,
    Resolution,
    ResponseStatus,
    ReviewDecision,
)

RecTransition = tuple[RecommendationState, list[DomainEvent]]

NON_CONCURRENCE_CLOSURES = (ClosureReason.NOT_IMPLEMENTED, ClosureReason.NO_LONGER_APPLICABLE)
NEEDS_EVIDENCE = (ClosureReason.IMPLEMENTED, ClosureReason.ALTERNATE_ACTION)


class SubmitActionPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")
    received_on: BusinessDate
    plan: ActionPlan


class Review(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: ReviewDecision
    reviewed_on: BusinessDate
    reason: OptionalText | None = None  # required to dispute
    closure_reason: ClosureReason | None = None  # to accept a non-concurrence
    justification: OptionalText | None = None


class RequestExtension(BaseModel):
    model_config = ConfigDict(extra="forbid")
    clock: ClockName
    to_date: BusinessDate
    reason: Text
    requested_on: BusinessDate


class DecideExtension(BaseModel):
    model_config = ConfigDict(extra="forbid")
    request_id: int = Field(ge=1)
    approve: bool
    decided_by: Name
    decided_on: BusinessDate
    reason: OptionalText | None = None


class PlaceHold(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Text
    on: BusinessDate


class LiftHold(BaseModel):
    model_config = ConfigDict(extra="forbid")
    on: BusinessDate


class Close(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: ClosureReason
    justification: Text
    closed_on: BusinessDate
    evidence: list[Evidence] = Field(default=[], max_length=MAX_ITEMS)


class Reopen(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Text
    on: BusinessDate


def _event(kind: EventKind, rec: RecommendationState, on: date | None,
           **data: object) -> DomainEvent:
    return DomainEvent(kind=kind, occurred_on=on, numbers=[rec.number], data=dict(data))


def _open(rec: RecommendationState, action: str) -> None:
    if rec.implementation is Implementation.CLOSED:
        raise InvalidTransition(f"cannot {action}: recommendation {rec.number} is closed "
                                f"({rec.closure_reason.value if rec.closure_reason else '?'})")


def _answered(rec: RecommendationState, action: str) -> None:
    if rec.response is ResponseStatus.AWAITING:
        raise InvalidTransition(f"cannot {action}: recommendation {rec.number} has no "
                                "response yet")


def _not_before_response(rec: RecommendationState, on: date, field: str) -> None:
    if rec.received_on is not None and on < rec.received_on:
        raise DomainError(f"{field} {on} is before the response ({rec.received_on})",
                          field=field)


def due_dates(rec: RecommendationState) -> dict[str, date]:
    """The recommendation's open clocks and their due dates, by clock name."""
    if rec.implementation is Implementation.CLOSED:
        return {}
    dates: dict[str, date] = {}
    if rec.action_plan is None and rec.action_plan_due_on is not None:
        dates["action_plan"] = rec.action_plan_due_on
    if rec.resolution is Resolution.UNRESOLVED and rec.revision_due_on is not None:
        dates["revision"] = rec.revision_due_on
    if rec.implementation is Implementation.IN_PROGRESS and rec.action_plan is not None:
        if rec.status_update_due_on is not None:
            dates["status_update"] = rec.status_update_due_on
        dates["target_completion"] = rec.action_plan.target_completion_on
        for milestone in rec.action_plan.milestones:
            if milestone.done_on is None:
                dates[f"milestone:{milestone.title}"] = milestone.target_on
    return dates


def _set_due_date(rec: RecommendationState, clock: str, new_date: date) -> None:
    """Move one clock of `rec` (a copy being built) to `new_date`."""
    if clock == "action_plan":
        rec.action_plan_due_on = new_date
    elif clock == "revision":
        rec.revision_due_on = new_date
    elif clock == "status_update":
        rec.status_update_due_on = new_date
    elif rec.action_plan is not None and clock == "target_completion":
        rec.action_plan.target_completion_on = new_date
    elif rec.action_plan is not None and clock.startswith("milestone:"):
        for milestone in rec.action_plan.milestones:
            if milestone.title == clock.removeprefix("milestone:"):
                milestone.target_on = new_date


def submit_action_plan(rec: RecommendationState, cmd: SubmitActionPlan, *,
                       issued_on: date | None = None) -> RecTransition:
    _open(rec, "submit an action plan")
    _answered(rec, "submit an action plan")
    if rec.response is ResponseStatus.NON_CONCURRED:
        raise InvalidTransition(f"recommendation {rec.number} was non-concurred: it takes "
                                "no action plan")
    _not_before_response(rec, cmd.received_on, "received_on")
    check_not_before_issue(cmd.received_on, "received_on", issued_on)
    try:
        check_action_plan(cmd.plan, rec.received_on or cmd.received_on, issued_on)
    except ValueError as error:
        raise DomainError(f"recommendation {rec.number}: {error}") from None
    new = rec.model_copy(deep=True)
    new.action_plan = cmd.plan.model_copy(deep=True)
    new.action_plan_received_on = cmd.received_on
    new.action_plan_due_on = None
    new.revision_due_on = None  # a revised plan answers a dispute; the office reviews it
    return new, [_event(EventKind.ACTION_PLAN_SUBMITTED, rec, cmd.received_on,
                        plan=cmd.plan.model_dump(mode="json"))]


def review(rec: RecommendationState, cmd: Review, policy: FollowUpPolicy, *,
           issued_on: date | None = None) -> RecTransition:
    _open(rec, "review")
    _answered(rec, "review")
    _not_before_response(rec, cmd.reviewed_on, "reviewed_on")
    check_not_before_issue(cmd.reviewed_on, "reviewed_on", issued_on)
    new = rec.model_copy(deep=True)
    if cmd.decision is ReviewDecision.DISPUTE:
        if not (cmd.reason or "").strip():
            raise DomainError("reason: a dispute needs a reason", field="reason")
        new.resolution = Resolution.UNRESOLVED
        new.dispute_reason = cmd.reason
        new.revision_due_on = cmd.reviewed_on + timedelta(days=policy.revision_days)
        if new.implementation is Implementation.IN_PROGRESS:
            new.implementation = Implementation.OPEN
        return new, [_event(EventKind.RESPONSE_DISPUTED, rec, cmd.reviewed_on,
                            reason=cmd.reason, revision_due_on=new.revision_due_on.isoformat())]
    if rec.resolution is Resolution.RESOLVED:
        raise InvalidTransition(f"recommendation {rec.number} is already resolved")
    new.resolution = Resolution.RESOLVED
    new.resolved_on = cmd.reviewed_on
    new.dispute_reason = None
    new.revision_due_on = None
    accepted = _event(EventKind.RESPONSE_ACCEPTED, rec, cmd.reviewed_on)
    if rec.response is ResponseStatus.NON_CONCURRED:
        if not (cmd.justification or "").strip():
            raise DomainError("justification: accepting a non-concurrence needs a "
                              "justification", field="justification")
        if cmd.closure_reason not in NON_CONCURRENCE_CLOSURES:
            raise DomainError("closure_reason: accepting a non-concurrence closes it as "
                              "not_implemented or no_longer_applicable",
                              field="closure_reason")
        closed, events = close(new, Close(reason=cmd.closure_reason,
                                          justification=cmd.justification or "",
                                          closed_on=cmd.reviewed_on), issued_on=issued_on)
        return closed, [accepted, *events]
    if rec.action_plan is None:
        raise InvalidTransition(f"cannot accept: recommendation {rec.number} has no action "
                                "plan yet")
    new.implementation = Implementation.IN_PROGRESS
    new.status_update_due_on = cmd.reviewed_on + timedelta(days=policy.status_update_every_days)
    return new, [accepted]


def submit_status_update(rec: RecommendationState, update: StatusUpdate,
                         policy: FollowUpPolicy, *, issued_on: date | None = None
                         ) -> RecTransition:
    _open(rec, "submit a status update")
    if rec.implementation is not Implementation.IN_PROGRESS or rec.action_plan is None:
        raise InvalidTransition(f"recommendation {rec.number} is not in progress: the office "
                                "must accept its action plan first")
    _not_before_response(rec, update.received_on, "received_on")
    check_not_before_issue(update.received_on, "received_on", issued_on)
    new = rec.model_copy(deep=True)
    assert new.action_plan is not None
    titles = {m.title: m for m in new.action_plan.milestones}
    for title in update.milestones_done:
        if title not in titles:
            raise UnknownItem(f"recommendation {rec.number} has no milestone {title!r}")
        titles[title].done_on = titles[title].done_on or update.received_on
    new.status_updates.append(update)
    new.evidence.extend(update.evidence)
    new.status_update_due_on = update.received_on + timedelta(
        days=policy.status_update_every_days)
    return new, [_event(EventKind.STATUS_UPDATE_SUBMITTED, rec, update.received_on,
                        update=update.model_dump(mode="json"))]


def request_extension(rec: RecommendationState, cmd: RequestExtension, *,
                      issued_on: date | None = None) -> RecTransition:
    _open(rec, "request an extension")
    dates = due_dates(rec)
    if cmd.clock not in dates:
        names = ", ".join(sorted(dates)) or "none"
        raise UnknownItem(f"clock: recommendation {rec.number} has no open due date "
                          f"{cmd.clock!r} (open: {names})", field="clock")
    if cmd.to_date <= dates[cmd.clock]:
        raise DomainError(f"to_date {cmd.to_date} is not after the current {cmd.clock} due "
                          f"date {dates[cmd.clock]}", field="to_date")
    check_within_horizon(cmd.to_date, "to_date", issued_on)
    _not_before_response(rec, cmd.requested_on, "requested_on")
    check_not_before_issue(cmd.requested_on, "requested_on", issued_on)
    # A request still pending for this same due date blocks another; one left over from
    # an earlier instance of the clock (since closed and reopened) does not.
    if any(r.clock == cmd.clock and r.status is ExtensionStatus.PENDING
           and r.from_date == dates[cmd.clock] for r in rec.extension_requests):
        raise InvalidTransition(f"an extension of {cmd.clock} is already pending")
    new = rec.model_copy(deep=True)
    request = ExtensionRequest(id=len(rec.extension_requests) + 1, clock=cmd.clock,
                               from_date=dates[cmd.clock], to_date=cmd.to_date,
                               reason=cmd.reason, requested_on=cmd.requested_on)
    new.extension_requests.append(request)
    return new, [_event(EventKind.EXTENSION_REQUESTED, rec, cmd.requested_on,
                        request=request.model_dump(mode="json"))]


def decide_extension(rec: RecommendationState, cmd: DecideExtension, *,
                     issued_on: date | None = None) -> RecTransition:
    new = rec.model_copy(deep=True)
    matching = [r for r in new.extension_requests if r.id == cmd.request_id]
    if not matching:
        raise UnknownItem(f"request_id: recommendation {rec.number} has no extension "
                          f"request #{cmd.request_id}", field="request_id")
    request = matching[0]
    if request.status is not ExtensionStatus.PENDING:
        raise InvalidTransition(f"extension request #{request.id} was already "
                                f"{request.status.value}")
    _open(rec, "decide an extension")
    check_not_before_issue(cmd.decided_on, "decided_on", issued_on)
    if cmd.decided_on < request.requested_on:
        raise DomainError(f"decided_on {cmd.decided_on} is before the request "
                          f"({request.requested_on})", field="decided_on")
    request.status = ExtensionStatus.APPROVED if cmd.approve else ExtensionStatus.DENIED
    request.decided_by, request.decided_on = cmd.decided_by, cmd.decided_on
    request.decision_reason = cmd.reason
    current = due_dates(rec).get(request.clock)
    # A clock closed meanwhile stays closed; a date moved later meanwhile never moves back.
    if cmd.approve and current is not None and request.to_date > current:
        _set_due_date(new, request.clock, request.to_date)
    kind = EventKind.EXTENSION_APPROVED if cmd.approve else EventKind.EXTENSION_DENIED
    return new, [_event(kind, rec, cmd.decided_on, request=request.model_dump(mode="json"))]


def place_hold(rec: RecommendationState, cmd: PlaceHold, *, by_memo: bool = False,
               issued_on: date | None = None) -> RecTransition:
    _open(rec, "put on hold")
    if rec.hold is not None:
        raise InvalidTransition(f"recommendation {rec.number} is already on hold since "
                                f"{rec.hold.since}")
    check_not_before_issue(cmd.on, "on", issued_on)
    new = rec.model_copy(deep=True)
    new.hold = Hold(reason=cmd.reason, since=cmd.on, by_memo=by_memo)
    return new, [_event(EventKind.HOLD_PLACED, rec, cmd.on, reason=cmd.reason,
                        by_memo=by_memo)]


def lift_hold(rec: RecommendationState, cmd: LiftHold, *, by_memo: bool = False
              ) -> RecTransition:
    """Resume: every open due date moves by the time spent on hold."""
    if rec.hold is None:
        raise InvalidTransition(f"recommendation {rec.number} is not on hold")
    if by_memo and not rec.hold.by_memo:
        return rec, []  # its own hold outlives the memo's
    if cmd.on < rec.hold.since:
        raise DomainError(f"on {cmd.on} is before the hold began ({rec.hold.since})",
                          field="on")
    shift = timedelta(days=(cmd.on - rec.hold.since).days)
    new = rec.model_copy(deep=True)
    new.hold = None
    moved = {}
    for clock, due in due_dates(rec).items():
        _set_due_date(new, clock, due + shift)
        moved[clock] = (due + shift).isoformat()
    return new, [_event(EventKind.HOLD_LIFTED, rec, cmd.on, days_on_hold=shift.days,
                        moved=moved)]


def close(rec: RecommendationState, cmd: Close, *, issued_on: date | None = None
          ) -> RecTransition:
    _open(rec, "close")
    if not cmd.justification.strip():
        raise DomainError("justification: closing needs a justification",
                          field="justification")
    if cmd.reason in NEEDS_EVIDENCE and not (cmd.evidence or rec.evidence):
        raise DomainError(f"evidence: closing as {cmd.reason.value} needs at least one "
                          "evidence reference", field="evidence")
    _not_before_response(rec, cmd.closed_on, "closed_on")
    check_not_before_issue(cmd.closed_on, "closed_on", issued_on)
    new = rec.model_copy(deep=True)
    new.evidence.extend(cmd.evidence)
    new.implementation = Implementation.CLOSED
    new.closure_reason = cmd.reason
    new.closure_justification = cmd.justification
    new.closed_on = cmd.closed_on
    new.hold = None
    return new, [_event(EventKind.RECOMMENDATION_CLOSED, rec, cmd.closed_on,
                        reason=cmd.reason.value, justification=cmd.justification)]


def reopen(rec: RecommendationState, cmd: Reopen, policy: FollowUpPolicy, *,
           issued_on: date | None = None) -> RecTransition:
    if rec.implementation is not Implementation.CLOSED:
        raise InvalidTransition(f"recommendation {rec.number} is not closed")
    if rec.closed_on is not None and cmd.on < rec.closed_on:
        raise DomainError(f"on {cmd.on} is before the closure ({rec.closed_on})", field="on")
    check_not_before_issue(cmd.on, "on", issued_on)
    if rec.closure_reason is ClosureReason.WITHDRAWN:
        raise InvalidTransition(f"recommendation {rec.number} was withdrawn with its memo")
    new = rec.model_copy(deep=True)
    in_progress = rec.resolution is Resolution.RESOLVED and rec.action_plan is not None
    new.implementation = Implementation.IN_PROGRESS if in_progress else Implementation.OPEN
    new.resolution = Resolution.RESOLVED if in_progress else Resolution.UNRESOLVED
    new.closure_reason = new.closure_justification = None
    new.closed_on = None
    new.reopen_reasons.append(cmd.reason)
    if in_progress:
        new.status_update_due_on = cmd.on + timedelta(days=policy.status_update_every_days)
    else:
        new.revision_due_on = cmd.on + timedelta(days=policy.revision_days)
    return new, [_event(EventKind.RECOMMENDATION_REOPENED, rec, cmd.on, reason=cmd.reason)]
