"""The activities: every piece of I/O the workflows need.

- `record_event`: append an audit event and project the memo or recommendation state into
  the status rows (one transaction, idempotent on retry). A recommendation event that
  arrives before its memo's first event fails retryably and writes nothing.
- `post_notice`, `record_delivery` (activities/notices.py): one delivery attempt, then
  its row in the delivery log; the workflow drives the retries.
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

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.deadlines import deadline_plan, plan_clocks
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
from activities.notices import (
    MAX_ERROR_TEXT,
    RETRYABLE_CLIENT_ERRORS,
    NoticeDelivery,
    notice_line,
    retry_after,
    webhook_body,
)
from domain.memo import Contact
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
        contact = request.contact
        if contact is None or contact.webhook is None:
            return await self._send_to_log(request, attempt)
        return await self._post_webhook(request, contact, contact.webhook, attempt)

    async def _send_to_log(self, request: NoticeRequest, attempt: int) -> DeliveryResult:
        line = notice_line(request)
        notice_logger.info(line)
        await self._record(request, attempt=attempt, channel=Channel.LOG, target=None,
                           outcome=Outcome.DELIVERED)
        return DeliveryResult(idempotency_key=request.idempotency_key, channel=Channel.LOG)

    async def _post_webhook(
        self, request: NoticeRequest, contact: Contact, url: str, attempt: int
    ) -> DeliveryResult:
        key = request.idempotency_key
        what = f"{request.kind.value} notice {key} to {url}"
        try:
            response = await self._http.post(
                url, json=webhook_body(request, contact), headers={"Idempotency-Key": key},
                timeout=self._settings.webhook_timeout_seconds,
            )
        except httpx.HTTPError as err:  # connection refused, timeouts, protocol errors
            error = f"{type(err).__name__}: {err}"[:MAX_ERROR_TEXT]
            await self._record(request, attempt=attempt, channel=Channel.WEBHOOK, target=url,
                               outcome=Outcome.FAILED, error=error)
            raise ApplicationError(f"{what} failed: {error}", type="NoticeDeliveryFailed") from err

        code = response.status_code
        if response.is_success:
            try:
                await self._record(request, attempt=attempt, channel=Channel.WEBHOOK,
                                   target=url, outcome=Outcome.DELIVERED, status_code=code)
            except Exception as err:  # a retry would POST it a second time
                notice_logger.warning("notice %s delivered but not logged: %s", key, err)
            return DeliveryResult(idempotency_key=key, channel=Channel.WEBHOOK, status_code=code)

        error = f"HTTP {code}: {response.text}"[:MAX_ERROR_TEXT]
        if 400 <= code < 500 and code not in RETRYABLE_CLIENT_ERRORS:
            await self._record(request, attempt=attempt, channel=Channel.WEBHOOK, target=url,
                               outcome=Outcome.REJECTED, status_code=code, error=error)
            raise ApplicationError(f"{what} rejected: {error}", {"status_code": code},
                                   type="NoticeRejected", non_retryable=True)
        await self._record(request, attempt=attempt, channel=Channel.WEBHOOK, target=url,
                           outcome=Outcome.FAILED, status_code=code, error=error)
        raise ApplicationError(f"{what} failed: {error}", {"status_code": code},
                               type="NoticeDeliveryFailed",
                               next_retry_delay=retry_after(response))

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
