"""Writing an `attention_needed` event to a real store, as the worker projects one.

The API and dashboard tests need a memo that needs attention without waiting on a failure
the workflows would have to be provoked into: this records the event through the store's
own `apply_event`, with the live state of the memo (or recommendation) and the reason set.
Its `seq` is far beyond the workflow's own counter, so the projection is never overtaken.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlmodel import Session
from temporalio.service import RPCError

from activities.models import EventRecord
from domain.memo import RecommendationState
from domain.vocabulary import EventKind
from store.events import apply_event
from tests.integration.support import Stack

SEQ = 100_000


async def flag_attention(stack: Stack, memo_id: str, reason: str, *,
                         number: int | None = None) -> None:
    """Record that the memo's (or recommendation `number`'s) clocks stopped for `reason`."""
    now = datetime.now(UTC)
    if number is None:
        state = await stack.live_state(memo_id)
        record = EventRecord(event_id=f"{memo_id}#{SEQ}", memo_id=memo_id, seq=SEQ,
                             kind=EventKind.ATTENTION_NEEDED, recorded_at=now,
                             data={"reason": reason},
                             snapshot=state.model_copy(update={"attention": reason}))
    else:
        rec = await _started_rec_state(stack, memo_id, number)
        record = EventRecord(event_id=f"{memo_id}/{number}#{SEQ}", memo_id=memo_id, seq=SEQ,
                             kind=EventKind.ATTENTION_NEEDED, recorded_at=now,
                             data={"reason": reason}, number=number,
                             recommendation=rec.model_copy(update={"attention": reason}))

    def write() -> None:
        with Session(stack.engine) as session:
            apply_event(session, record=record)

    await asyncio.to_thread(write)


async def _started_rec_state(stack: Stack, memo_id: str, number: int,
                             within: float = 30.0) -> RecommendationState:
    """The recommendation's live state, once the memo has started its workflow."""
    for _ in range(int(within / 0.1)):
        try:
            return await stack.rec_state(memo_id, number)
        except RPCError:  # not started yet
            await asyncio.sleep(0.1)
    return await stack.rec_state(memo_id, number)
