"""Clocks: every open due date that deserves reminders, with the ladder it follows.

The memo has its response deadline and, once answered, the public-summary deadline; each
recommendation has its action plan, revision, status update, milestones and target
completion. A clock on hold, or of a closed recommendation, does not tick.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from domain.followup import FollowUpPolicy
from domain.ladder import ReminderLadder
from domain.memo import MemoState, RecommendationState
from domain.recommendation import due_dates
from domain.vocabulary import MemoStatus, NoticeKind


class Clock(BaseModel):
    name: str  # e.g. "action_plan", "status_update", "milestone:Pilot", "publication"
    due_on: date
    ladder: ReminderLadder
    recipient: str = "component"  # contact role for reminders and overdue notices
    reminder_kind: NoticeKind = NoticeKind.REMINDER  # what its before/on-due notices are


def recommendation_clocks(rec: RecommendationState, policy: FollowUpPolicy,
                          response_ladder: ReminderLadder) -> list[Clock]:
    if rec.hold is not None:
        return []
    clocks = []
    for name, due in sorted(due_dates(rec).items()):
        if name in ("action_plan", "revision"):
            clocks.append(Clock(name=name, due_on=due, ladder=response_ladder))
        elif name == "status_update":
            clocks.append(Clock(name=name, due_on=due, ladder=policy.status_update_ladder,
                                reminder_kind=NoticeKind.STATUS_UPDATE_REQUEST))
        else:
            clocks.append(Clock(name=name, due_on=due, ladder=policy.milestone_ladder))
    return clocks


def publication_clock(state: MemoState) -> Clock | None:
    """The public summary is due N days after the full response; the case officer is told.

    A memo brought in from a backlog whose summary fell due before the import has no
    clock: the file does not say whether the old system saw it published."""
    if (state.publication_due_on is None or state.hold is not None
            or state.status is MemoStatus.WITHDRAWN):
        return None
    if state.backlog is not None and \
            state.publication_due_on < state.backlog.quiet_before.date():
        return None
    return Clock(name="publication", due_on=state.publication_due_on,
                 ladder=state.spec.follow_up.publication_ladder, recipient="case_officer",
                 reminder_kind=NoticeKind.PUBLICATION_REMINDER)
