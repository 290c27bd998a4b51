"""Workflow inputs and the names that tie workflows, activities and clients together."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from temporalio.common import RetryPolicy

from domain.memo import MemoState, RecommendationState

MEMO_WORKFLOW = "MemoWorkflow"
RECOMMENDATION_WORKFLOW = "RecommendationWorkflow"


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


class RecommendationStart(BaseModel):
    memo_id: str
    recommendation: RecommendationState


# Writing the audit log must never give up: a store outage only delays it.
RECORD_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), backoff_coefficient=2.0,
                           maximum_interval=timedelta(minutes=5))
# Notices retry with backoff for a day; after that the failure itself is recorded.
NOTICE_RETRY = RetryPolicy(initial_interval=timedelta(seconds=5), backoff_coefficient=2.0,
                           maximum_interval=timedelta(hours=1))
NOTICE_GIVE_UP_AFTER = timedelta(days=1)
ACTIVITY_TIMEOUT = timedelta(seconds=30)
