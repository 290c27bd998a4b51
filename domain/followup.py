"""Follow-up models: action plans, status updates, evidence, extension requests, holds.

They hang off a RecommendationState once the component has answered; the policy that
sets their clocks is part of the memo (`MemoSpec.follow_up`), so each regime can be
expressed by configuration alone.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from domain.dates import BusinessDate, check_within_horizon
from domain.ladder import Escalation, ReminderLadder
from domain.limits import MAX_ITEMS, Name, Text, Uri


class FollowUpPolicy(BaseModel):
    """Clocks of the follow-up phase (days), with the ladders their notices follow."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    action_plan_days: int = Field(default=30, ge=1)  # after the response, if none came
    revision_days: int = Field(default=30, ge=1)  # after the office disputes a response
    status_update_every_days: int = Field(default=90, ge=1)
    publication_days: int = Field(default=90, ge=1)  # summary due after the response
    status_update_ladder: ReminderLadder = ReminderLadder(
        days_before=(), overdue_every_days=14,
        escalations=(Escalation(days_overdue=30, to="manager"),))
    milestone_ladder: ReminderLadder = ReminderLadder(
        days_before=(14,), overdue_every_days=30, escalations=())
    publication_ladder: ReminderLadder = ReminderLadder(
        days_before=(), overdue_every_days=30, escalations=())


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Name
    uri: Uri
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{64}$")

    @field_validator("sha256")
    @classmethod
    def _lowercase(cls, value: str | None) -> str | None:
        return value.lower() if value else value


class Milestone(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Name
    target_on: BusinessDate
    done_on: date | None = None


class ActionPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    responsible_official: Name
    target_completion_on: BusinessDate
    milestones: list[Milestone] = Field(default=[], max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def _unique_milestones(self) -> ActionPlan:
        titles = [m.title for m in self.milestones]
        if len(set(titles)) != len(titles):
            raise ValueError("milestone titles must be unique")
        return self

    def earliest_target(self) -> date:
        return min([self.target_completion_on, *(m.target_on for m in self.milestones)])


class StatusUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    received_on: BusinessDate
    progress: Text
    percent_complete: int | None = Field(default=None, ge=0, le=100)
    milestones_done: list[Name] = Field(default=[], max_length=MAX_ITEMS)
    evidence: list[Evidence] = Field(default=[], max_length=MAX_ITEMS)


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"


class ExtensionRequest(BaseModel):
    """The component asks to move one of its due dates (a clock, see domain.clocks)."""

    id: int
    clock: str
    from_date: date
    to_date: date
    reason: str
    requested_on: date
    status: ExtensionStatus = ExtensionStatus.PENDING
    decided_by: str | None = None
    decided_on: date | None = None
    decision_reason: str | None = None


class Hold(BaseModel):
    reason: str
    since: date
    by_memo: bool = False  # placed by a hold on the whole memo, lifted with it


def check_action_plan(plan: ActionPlan, response_on: date, issued_on: date | None = None
                      ) -> None:
    """An action plan cannot aim at dates before the response it answers, nor more than
    30 years after the memo's issue date (when it is known)."""
    if plan.earliest_target() < response_on:
        raise ValueError(
            f"action plan target date {plan.earliest_target()} precedes the response "
            f"({response_on})")
    check_within_horizon(plan.target_completion_on, "target_completion_on", issued_on)
    for milestone in plan.milestones:
        check_within_horizon(milestone.target_on, f"milestone {milestone.title!r} target_on",
                             issued_on)
