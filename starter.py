"""A small starter, in the style of Temporal's samples: issue the example memo.

    python starter.py            # against TEMPORAL_ADDRESS (a `rectrack dev` running)

`main(client)` issues examples/memos/crcl-2022-ice-frd.yaml through the service layer (app/) and
prints its stored view; tests may pass the client of their own server. The `rectrack`
command is cli.main:main.

Below it, the workflows' updates as plain client calls (`record_response(client, memo_id,
cmd)`...), each a one-liner over app.temporal: the workflow tests drive the workflows
with them, without the store the service layer reads.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from temporalio.client import Client

from app import memos
from app.context import Context
from app.temporal import (
    live_state,
    memo_handle,
    recommendation_handle,
    recommendation_state,
    resolve_due_date,
    update_memo,
    update_recommendation,
)
from app.temporal import start_memo as issue_memo
from domain.memo import (
    MemoSpec,
    MemoState,
    RecommendationState,
)
from settings import Settings
from store.db import make_engine
from workflows.memo import MemoWorkflow
from workflows.recommendation import RecommendationWorkflow

EXAMPLE = Path(__file__).parent / "examples" / "memos" / "crcl-2022-ice-frd.yaml"

__all__ = ["issue_memo", "live_state", "main", "memo_handle", "recommendation_handle",
           "recommendation_state", "resolve_due_date", "update_recommendation"]


async def main(client: Client | None = None, path: Path = EXAMPLE) -> None:
    """Issue the memo in `path` (the example by default) and print it as stored."""
    import yaml

    settings = Settings()
    engine = make_engine(settings.db_url)
    try:
        text = await asyncio.to_thread(path.read_text, encoding="utf-8")
        spec = MemoSpec.model_validate(yaml.safe_load(text))
        _, view = await memos.issue(Context(settings, engine, client), spec)
        print(view.model_dump_json(indent=2) if view else f"issued {spec.memo_id}")
    finally:
        engine.dispose()


# -- the workflows' updates, as client calls -------------------------------------------


MemoUpdate = Callable[[Client, str, Any], Awaitable[MemoState]]
RecommendationUpdate = Callable[[Client, str, int, Any], Awaitable[RecommendationState]]


def _on_memo(update: Any) -> MemoUpdate:
    async def call(client: Client, memo_id: str, cmd: Any) -> MemoState:
        return await update_memo(client, memo_id, update, cmd)
    return call


def _on_recommendation(update: Any) -> RecommendationUpdate:
    async def call(client: Client, memo_id: str, number: int, cmd: Any) -> RecommendationState:
        return await update_recommendation(client, memo_id, number, update, cmd)
    return call


record_response = _on_memo(MemoWorkflow.record_response)
grant_extension = _on_memo(MemoWorkflow.grant_extension)
withdraw_memo = _on_memo(MemoWorkflow.withdraw)
publish = _on_memo(MemoWorkflow.publish)
hold_memo = _on_memo(MemoWorkflow.hold)
resume_memo = _on_memo(MemoWorkflow.resume)
submit_action_plan = _on_recommendation(RecommendationWorkflow.submit_action_plan)
review = _on_recommendation(RecommendationWorkflow.review)
submit_status_update = _on_recommendation(RecommendationWorkflow.submit_status_update)
request_extension = _on_recommendation(RecommendationWorkflow.request_extension)
decide_extension = _on_recommendation(RecommendationWorkflow.decide_extension)
place_hold = _on_recommendation(RecommendationWorkflow.place_hold)
lift_hold = _on_recommendation(RecommendationWorkflow.lift_hold)
close_recommendation = _on_recommendation(RecommendationWorkflow.close)
reopen_recommendation = _on_recommendation(RecommendationWorkflow.reopen)


if __name__ == "__main__":
    asyncio.run(main())
    # Leave without interpreter finalization (temporalio/sdk-python#300, see cli.main).
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(0)
