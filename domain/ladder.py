"""The reminder ladder: which notice goes out on which day, as data rather than code.

Default: reminders 14, 7 and 1 days before the due date and on the due date itself, an
overdue notice every 7 days once overdue, escalation to `manager` at 30 days overdue and
to `director` at 60. The overdue cadence never ends, so steps are generated lazily.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator

from domain.vocabulary import NoticeKind


class Escalation(BaseModel):
    model_config = ConfigDict(frozen=True)

    days_overdue: int = Field(ge=1)
    to: str = Field(min_length=1, description="contact role that receives the escalation")


class ReminderLadder(BaseModel):
    model_config = ConfigDict(frozen=True)

    days_before: tuple[int, ...] = (14, 7, 1)
    on_due_date: bool = True
    overdue_every_days: int = Field(default=7, ge=1)
    escalations: tuple[Escalation, ...] = (
        Escalation(days_overdue=30, to="manager"),
        Escalation(days_overdue=60, to="director"),
    )

    @field_validator("days_before")
    @classmethod
    def _positive_days(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(d < 1 for d in value):
            raise ValueError("days_before must hold positive day counts")
        return tuple(sorted(set(value), reverse=True))


class LadderStep(BaseModel):
    """One rung: a notice of `kind` due on `on`, `offset_days` relative to the due date."""

    model_config = ConfigDict(frozen=True)

    kind: NoticeKind
    on: date
    offset_days: int  # negative before the due date, positive once overdue
    escalate_to: str | None = None

    @property
    def key(self) -> str:
        """Stable identity of the step for a given due date (dedupe across re-plans)."""
        suffix = f":{self.escalate_to}" if self.escalate_to else ""
        return f"{self.kind.value}:{self.on.isoformat()}{suffix}"


def ladder_steps(ladder: ReminderLadder, due_on: date) -> Iterator[LadderStep]:
    """All steps in date order (escalations after the overdue notice of the same day)."""
    for before in ladder.days_before:
        yield LadderStep(kind=NoticeKind.REMINDER, on=due_on - timedelta(days=before),
                         offset_days=-before)
    if ladder.on_due_date:
        yield LadderStep(kind=NoticeKind.REMINDER, on=due_on, offset_days=0)
    escalations = sorted(ladder.escalations, key=lambda e: e.days_overdue)
    overdue_day = ladder.overdue_every_days
    while True:
        while escalations and escalations[0].days_overdue < overdue_day:
            esc = escalations.pop(0)
            yield _escalation(esc, due_on)
        yield LadderStep(kind=NoticeKind.OVERDUE, on=due_on + timedelta(days=overdue_day),
                         offset_days=overdue_day)
        while escalations and escalations[0].days_overdue == overdue_day:
            yield _escalation(escalations.pop(0), due_on)
        overdue_day += ladder.overdue_every_days


def _escalation(esc: Escalation, due_on: date) -> LadderStep:
    return LadderStep(kind=NoticeKind.ESCALATION, on=due_on + timedelta(days=esc.days_overdue),
                      offset_days=esc.days_overdue, escalate_to=esc.to)


def steps_from(
    ladder: ReminderLadder, due_on: date, today: date, limit: int,
    not_before: date | None = None,
) -> list[LadderStep]:
    """What is still to come on or after `today`, preceded by a catch-up for what was missed.

    A memo entered late, or a deadline moved into the past, must not flood recipients
    with every missed rung: only the latest missed reminder/overdue notice and the highest
    missed escalation are kept, then the next `limit` steps on or after `today`. Steps
    before `not_before` (the issue date) never existed: a 10-day window has no
    "14 days before" reminder.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    missed_notice: LadderStep | None = None
    missed_escalation: LadderStep | None = None
    upcoming: list[LadderStep] = []
    for step in ladder_steps(ladder, due_on):
        if not_before is not None and step.on < not_before:
            continue
        if step.on < today:
            if step.kind is NoticeKind.ESCALATION:
                missed_escalation = step
            else:
                missed_notice = step
            continue
        upcoming.append(step)
        if len(upcoming) >= limit:
            break
    catch_up = [s for s in (missed_notice, missed_escalation) if s is not None]
    return catch_up + upcoming
