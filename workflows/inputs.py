"""Workflow inputs and the names that tie workflows, activities and clients together."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel
from temporalio.common import RetryPolicy

from domain.followup import FollowUpPolicy
from domain.ladder import ReminderLadder
from domain.memo import Contact, MemoState, NoticeRecord, RecommendationState

MEMO_WORKFLOW = "MemoWorkflow"
# workflow.patched id of the follow-up phase (issue 3): histories before it never took it.
FOLLOW_UP_PATCH = "follow-up-v1"
RECOMMENDATION_WORKFLOW = "RecommendationWorkflow"
# The workflow drives notice attempts itself, each outcome in history before the store is
# touched (issue 7): histories before it used the `send_notification` activity.
NOTICE_ONCE_PATCH = "notice-once-v1"
# A deterministic planning failure sets the `attention` state instead of failing the run.
ATTENTION_PATCH = "attention-v1"
# Recommendation update handlers refuse acts dated before the memo's issue date.
DATE_BOUNDS_PATCH = "date-bounds-v1"
# A memo imported from a backlog file sends one consolidated catch-up notice (issue 9).
BACKLOG_PATCH = "backlog-import-v1"


def memo_workflow_id(memo_id: str) -> str:
    return f"memo/{memo_id}"


def recommendation_workflow_id(memo_id: str, number: int) -> str:
    return f"rec/{memo_id}/{number}"


class MemoStart(BaseModel):
    """Input of MemoWorkflow: the state to run from.

    A fresh memo comes with `resumed=False`; continue-as-new passes the live state with
    `resumed=True`, so nothing is issued, recorded or started twice.
    """

    state: MemoState
    resumed: bool = False


class RecommendationContext(BaseModel):
    """What a recommendation needs from its memo to run its own clocks and notices."""

    memo_id: str
    title: str
    component: str
    time_zone: str
    issued_on: date
    policy: FollowUpPolicy
    response_ladder: ReminderLadder
    contacts: dict[str, Contact]
    # An imported memo's: steps whose instant is before it are not caught up.
    quiet_before: datetime | None = None

    @classmethod
    def of(cls, state: MemoState) -> RecommendationContext:
        spec = state.spec
        return cls(memo_id=spec.memo_id, title=spec.title, component=spec.component,
                   time_zone=spec.time_zone, issued_on=spec.issued_on,
                   policy=spec.follow_up, response_ladder=spec.ladder,
                   contacts=spec.contacts,
                   quiet_before=state.backlog.quiet_before if state.backlog else None)


class RecommendationStart(BaseModel):
    """Input of RecommendationWorkflow; continue-as-new passes the live values back in.

    `context` is None for recommendations started before the follow-up phase existed.
    """

    memo_id: str
    recommendation: RecommendationState
    context: RecommendationContext | None = None
    notices: list[NoticeRecord] = []
    event_seq: int = 0


# Writing the audit log must never give up: a store outage only delays it.
RECORD_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), backoff_coefficient=2.0,
                           maximum_interval=timedelta(minutes=5))
# Notices retry with backoff for a day; after that the failure itself is recorded.
NOTICE_RETRY = RetryPolicy(initial_interval=timedelta(seconds=5), backoff_coefficient=2.0,
                           maximum_interval=timedelta(hours=1))
NOTICE_GIVE_UP_AFTER = timedelta(days=1)
# One delivery attempt per activity: the workflow, not Temporal, retries (with the same
# Idempotency-Key), so every attempt's outcome lands in history.
SINGLE_ATTEMPT = RetryPolicy(maximum_attempts=1)
ACTIVITY_TIMEOUT = timedelta(seconds=30)
