"""The activities: every piece of I/O the workflows need.

- `record_event`: append an audit event and project the memo or recommendation state into
  the status rows (one transaction, idempotent on retry). A recommendation event that
  arrives before its memo's first event fails retryably and writes nothing.
- `post_notice`, `record_delivery` (activities/notices.py): one delivery attempt (webhook,
  e-mail by SMTP or log line), then its row in the delivery log; the workflow drives the
  retries.
- `send_notification`: the delivery path of workflows started before `notice-once-v1`,
  kept so they finish; it retries inside Temporal and checks the log before each POST.
- `plan_deadline`, `plan_clocks`: resolve ladder dates into UTC instants in the office
  time zone. A date the calendar cannot handle fails non-retryably: the workflow then
  shows the memo as needing attention instead of retrying for ever.

Blocking database work runs in a thread so the worker's event loop stays free.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from datetime import timedelta

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.deadlines import deadline_plan, plan_clocks
from activities.email_notices import smtp_config
from activities.models import (
    ClockPlan,
    ClocksPlanRequest,
    DeadlinePlan,
    DeliveryResult,
    EventRecord,
    NoticeRequest,
    PlanRequest,
    RecordResult,
)
from activities.notices import NoticeDelivery, webhook_secrets
from settings import Settings
from store.deliveries import create_delivery, get_delivered
from store.events import MemoNotRecorded, apply_event
from store.tables import Channel, DeliveryCreate, DeliveryPublic, Outcome

notice_logger = logging.getLogger("rectrack.notices")


class RectrackActivities(NoticeDelivery):
    """Activity implementations sharing one engine, one HTTP client and the settings."""

    def __init__(self, *, engine: Engine, http: httpx.AsyncClient, settings: Settings) -> None:
        self._engine = engine
        self._http = http
        self._settings = settings
        # Read once, at start: a malformed file stops the worker with a clear error.
        self._webhook_secrets = webhook_secrets(settings)
        self._smtp = smtp_config(settings)  # likewise a bad SMTP setting, password file, CA

    # -- record_event ----------------------------------------------------------------------

    @activity.defn(name="record_event")
    async def record_event(self, record: EventRecord) -> RecordResult:
        try:
            return await asyncio.to_thread(self._apply_event, record)
        except ValueError as err:  # a malformed record will not get better on retry
            raise ApplicationError(str(err), type="InvalidEventRecord", non_retryable=True) from err
        except MemoNotRecorded as err:  # the memo's first event is still on its way
            raise ApplicationError(str(err), type="MemoNotRecorded") from err

    def _apply_event(self, record: EventRecord) -> RecordResult:
        with Session(self._engine) as session:
            return apply_event(session, record=record)

    # -- send_notification -----------------------------------------------------------------

    @activity.defn(name="send_notification")
    async def send_notification(self, request: NoticeRequest) -> DeliveryResult:
        attempt = activity.info().attempt
        earlier = await asyncio.to_thread(self._delivered, request.idempotency_key)
        if earlier is not None:
            await self._record(request, attempt=attempt, channel=Channel(earlier.channel),
                               target=earlier.target, outcome=Outcome.SKIPPED_DUPLICATE,
                               status_code=earlier.status_code)
            return DeliveryResult(idempotency_key=request.idempotency_key,
                                  channel=earlier.channel, status_code=earlier.status_code,
                                  duplicate=True)
        # The same single attempt as post_notice; here Temporal retries on the error.
        outcome = await self._attempt(request, attempt)
        key, channel = request.idempotency_key, Channel(outcome.channel)
        if outcome.outcome == "delivered":
            try:
                await self._record(request, attempt=attempt, channel=channel,
                                   target=outcome.target, outcome=Outcome.DELIVERED,
                                   status_code=outcome.status_code)
            except Exception as err:  # a retry would send it a second time
                notice_logger.warning("notice %s delivered but not logged: %s", key, err)
            return DeliveryResult(idempotency_key=key, channel=channel,
                                  status_code=outcome.status_code)
        await self._record(request, attempt=attempt, channel=channel, target=outcome.target,
                           outcome=Outcome(outcome.outcome), status_code=outcome.status_code,
                           error=outcome.error)
        what = f"{request.kind.value} notice {key} to {outcome.target}"
        details = [{"status_code": outcome.status_code}] if outcome.status_code else []
        if outcome.outcome == "rejected":
            raise ApplicationError(f"{what} rejected: {outcome.error}", *details,
                                   type="NoticeRejected", non_retryable=True)
        delay = outcome.retry_after_seconds
        raise ApplicationError(
            f"{what} failed: {outcome.error}", *details, type="NoticeDeliveryFailed",
            next_retry_delay=None if delay is None else timedelta(seconds=delay))

    def _delivered(self, idempotency_key: str) -> DeliveryPublic | None:
        with Session(self._engine) as session:
            return get_delivered(session, idempotency_key=idempotency_key)

    async def _record(
        self,
        request: NoticeRequest,
        *,
        attempt: int,
        channel: Channel,
        target: str | None,
        outcome: Outcome,
        status_code: int | None = None,
        error: str | None = None,
    ) -> DeliveryPublic:
        delivery_in = DeliveryCreate(
            idempotency_key=request.idempotency_key, memo_id=request.memo_id,
            kind=request.kind.value, role=request.role, channel=channel.value, target=target,
            attempt=attempt, outcome=outcome.value, status_code=status_code, error=error,
        )
        return await asyncio.to_thread(self._insert_delivery, delivery_in)

    def _insert_delivery(self, delivery_in: DeliveryCreate) -> DeliveryPublic:
        with Session(self._engine) as session:
            return create_delivery(session, delivery_in=delivery_in)

    # -- plan_deadline ---------------------------------------------------------------------

    @activity.defn(name="plan_deadline")
    async def plan_deadline(self, request: PlanRequest) -> DeadlinePlan:
        if request.notice_hour is None:
            request = request.model_copy(update={"notice_hour": self._settings.notice_hour})
        with _unplannable(f"the response deadline {request.due_on}"):
            return deadline_plan(request)

    @activity.defn(name="plan_clocks")
    async def plan_clocks(self, request: ClocksPlanRequest) -> list[ClockPlan]:
        with _unplannable(", ".join(f"{c.name} due {c.due_on}" for c in request.clocks)):
            return plan_clocks(request, notice_hour=self._settings.notice_hour)


@contextlib.contextmanager
def _unplannable(what: str) -> Iterator[None]:
    """A date the calendar cannot reach fails the same way on every retry: say so once."""
    try:
        yield
    except (ValueError, OverflowError, LookupError) as err:  # LookupError: unknown zone
        raise ApplicationError(f"cannot plan reminders for {what}: {err}",
                               type="UnplannableDeadline", non_retryable=True) from err
