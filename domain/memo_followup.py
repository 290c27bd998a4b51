"""Memo-level follow-up: publication, holds, and closure when every recommendation is closed."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict

from domain.dates import BusinessDate, check_not_before_issue
from domain.errors import DomainError, InvalidTransition
from domain.followup import Hold
from domain.limits import Text, Uri
from domain.memo import (
    DomainEvent,
    MemoState,
    Publication,
    RecommendationState,
    Transition,
    require_open,
)
from domain.vocabulary import EventKind, Implementation, MemoStatus, PublicationKind


class Publish(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: PublicationKind
    published_on: BusinessDate
    uri: Uri


class MemoHold(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text
    on: BusinessDate


class MemoResume(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on: BusinessDate


def publish(state: MemoState, cmd: Publish) -> Transition:
    if state.status is MemoStatus.WITHDRAWN:
        raise InvalidTransition(f"cannot publish: memo {state.memo_id} is withdrawn")
    if cmd.published_on < state.spec.issued_on:
        raise DomainError(f"published_on {cmd.published_on} is before the memo was issued",
                          field="published_on")
    for earlier in state.publications:
        if earlier.kind is cmd.kind:
            raise InvalidTransition(f"the {cmd.kind.value} of memo {state.memo_id} was "
                                    f"already published on {earlier.published_on}")
    new = state.model_copy(deep=True)
    new.publications.append(Publication(kind=cmd.kind, published_on=cmd.published_on,
                                        uri=cmd.uri))
    if cmd.kind is PublicationKind.SUMMARY:
        new.publication_due_on = None
    return new, [DomainEvent(kind=EventKind.PUBLISHED, occurred_on=cmd.published_on,
                             data=cmd.model_dump(mode="json"))]


def hold_memo(state: MemoState, cmd: MemoHold) -> Transition:
    require_open(state, "put the memo on hold")
    if state.hold is not None:
        raise InvalidTransition(f"memo {state.memo_id} is already on hold since "
                                f"{state.hold.since}")
    check_not_before_issue(cmd.on, "on", state.spec.issued_on)
    new = state.model_copy(deep=True)
    new.hold = Hold(reason=cmd.reason, since=cmd.on)
    return new, [DomainEvent(kind=EventKind.HOLD_PLACED, occurred_on=cmd.on,
                             data={"reason": cmd.reason})]


def resume_memo(state: MemoState, cmd: MemoResume) -> Transition:
    """Lift the memo's hold: its open due dates move by the time spent on hold."""
    if state.hold is None:
        raise InvalidTransition(f"memo {state.memo_id} is not on hold")
    if cmd.on < state.hold.since:
        raise DomainError(f"on {cmd.on} is before the hold began ({state.hold.since})",
                          field="on")
    shift = timedelta(days=(cmd.on - state.hold.since).days)
    new = state.model_copy(deep=True)
    new.hold = None
    moved: dict[str, str] = {}
    if state.status is MemoStatus.AWAITING_RESPONSE:
        new.response_due_on = state.response_due_on + shift
        new.overdue_flag = False
        moved["response"] = new.response_due_on.isoformat()
    if state.publication_due_on is not None:
        new.publication_due_on = state.publication_due_on + shift
        moved["publication"] = new.publication_due_on.isoformat()
    return new, [DomainEvent(kind=EventKind.HOLD_LIFTED, occurred_on=cmd.on,
                             data={"days_on_hold": shift.days, "moved": moved})]


def apply_recommendation(state: MemoState, rec: RecommendationState) -> Transition:
    """Adopt a recommendation's own state; the memo closes when all are closed."""
    state.recommendation(rec.number)  # raises UnknownItem for a number it does not have
    # A shallow copy with a new list: it runs on every change a recommendation reports, and
    # nothing below mutates the shared nested objects.
    new = state.model_copy(update={"recommendations": [
        rec if r.number == rec.number else r for r in state.recommendations]})
    closed = all(r.implementation is Implementation.CLOSED for r in new.recommendations)
    if state.status in (MemoStatus.AWAITING_RESPONSE, MemoStatus.RESPONDED) and closed:
        new.status = MemoStatus.CLOSED
        new.overdue_flag = False
        last = max((r.closed_on for r in new.recommendations if r.closed_on), default=None)
        return new, [DomainEvent(kind=EventKind.MEMO_CLOSED, occurred_on=last)]
    if state.status is MemoStatus.CLOSED and not closed:
        new.status = (MemoStatus.AWAITING_RESPONSE if new.awaiting_numbers()
                      else MemoStatus.RESPONDED)
        return new, [DomainEvent(kind=EventKind.MEMO_REOPENED, numbers=[rec.number])]
    return new, []
