"""Typed declarations of the activities, for workflows to call by reference.

Workflows may not import the implementations (`activities/activities.py` and
`activities/notices.py` pull in httpx and sqlmodel), yet calling an activity by its name
string leaves its argument and result unchecked. These stubs carry the same activity
names and signatures as the implementations, importing only temporalio and the payload
models, so `workflow.execute_activity(contracts.record_event, record, ...)` is checked by
mypy and Temporal reads the result type from the declaration.

The names are part of every saved history: never rename one. The bodies never run (the
worker registers the implementations); `tests/unit/test_activity_contracts.py` checks that
each declaration and its implementation agree on name, parameter and result types.
"""

from __future__ import annotations

from temporalio import activity

from activities.models import (
    AttemptOutcome,
    ClockPlan,
    ClocksPlanRequest,
    DeadlinePlan,
    DeliveryAttemptRecord,
    DeliveryResult,
    EventRecord,
    NoticeAttempt,
    NoticeRequest,
    PlanRequest,
    RecordResult,
)


def _declaration_only(name: str) -> NotImplementedError:
    return NotImplementedError(f"{name} is a declaration; the worker registers its implementation")


@activity.defn(name="record_event")
async def record_event(record: EventRecord) -> RecordResult:
    """Append an audit event and project it into the status rows (idempotent)."""
    raise _declaration_only("record_event")


@activity.defn(name="post_notice")
async def post_notice(attempt: NoticeAttempt) -> AttemptOutcome:
    """Make exactly one delivery attempt and return its outcome."""
    raise _declaration_only("post_notice")


@activity.defn(name="record_delivery")
async def record_delivery(record: DeliveryAttemptRecord) -> RecordResult:
    """Write one delivery attempt to the delivery log (idempotent per attempt)."""
    raise _declaration_only("record_delivery")


@activity.defn(name="send_notification")
async def send_notification(request: NoticeRequest) -> DeliveryResult:
    """The retried delivery of workflows started before `notice-once-v1`."""
    raise _declaration_only("send_notification")


@activity.defn(name="plan_deadline")
async def plan_deadline(request: PlanRequest) -> DeadlinePlan:
    """Resolve the response deadline's ladder into UTC instants."""
    raise _declaration_only("plan_deadline")


@activity.defn(name="plan_clocks")
async def plan_clocks(request: ClocksPlanRequest) -> list[ClockPlan]:
    """Resolve several clocks' ladders into UTC instants in one call."""
    raise _declaration_only("plan_clocks")


DECLARATIONS = (record_event, post_notice, record_delivery, send_notification,
                plan_deadline, plan_clocks)
