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
from pathlib import Path

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
from domain.followup import StatusUpdate
from domain.memo import (
    GrantExtension,
    MemoSpec,
    MemoState,
    RecommendationState,
    RecordResponse,
    Withdraw,
)
from domain.memo_followup import MemoHold, MemoResume, Publish
from domain.recommendation import (
    Close,
    DecideExtension,
    LiftHold,
    PlaceHold,
    Reopen,
    RequestExtension,
    Review,
    SubmitActionPlan,
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


async def record_response(client: Client, memo_id: str, cmd: RecordResponse) -> MemoState:
    return await update_memo(client, memo_id, MemoWorkflow.record_response, cmd)


async def grant_extension(client: Client, memo_id: str, cmd: GrantExtension) -> MemoState:
    return await update_memo(client, memo_id, MemoWorkflow.grant_extension, cmd)


async def withdraw_memo(client: Client, memo_id: str, cmd: Withdraw) -> MemoState:
    return await update_memo(client, memo_id, MemoWorkflow.withdraw, cmd)


async def publish(client: Client, memo_id: str, cmd: Publish) -> MemoState:
    return await update_memo(client, memo_id, MemoWorkflow.publish, cmd)


async def hold_memo(client: Client, memo_id: str, cmd: MemoHold) -> MemoState:
    return await update_memo(client, memo_id, MemoWorkflow.hold, cmd)


async def resume_memo(client: Client, memo_id: str, cmd: MemoResume) -> MemoState:
    return await update_memo(client, memo_id, MemoWorkflow.resume, cmd)


async def submit_action_plan(client: Client, memo_id: str, number: int,
                            cmd: SubmitActionPlan) -> RecommendationState:
    return await update_recommendation(client, memo_id, number,
                                       RecommendationWorkflow.submit_action_plan, cmd)


async def review(client: Client, memo_id: str, number: int,
                cmd: Review) -> RecommendationState:
    return await update_recommendation(client, memo_id, number,
                                       RecommendationWorkflow.review, cmd)


async def submit_status_update(client: Client, memo_id: str, number: int,
                              cmd: StatusUpdate) -> RecommendationState:
    return await update_recommendation(client, memo_id, number,
                                       RecommendationWorkflow.submit_status_update, cmd)


async def request_extension(client: Client, memo_id: str, number: int,
                           cmd: RequestExtension) -> RecommendationState:
    return await update_recommendation(client, memo_id, number,
                                       RecommendationWorkflow.request_extension, cmd)


async def decide_extension(client: Client, memo_id: str, number: int,
                          cmd: DecideExtension) -> RecommendationState:
    return await update_recommendation(client, memo_id, number,
                                       RecommendationWorkflow.decide_extension, cmd)


async def place_hold(client: Client, memo_id: str, number: int,
                    cmd: PlaceHold) -> RecommendationState:
    return await update_recommendation(client, memo_id, number,
                                       RecommendationWorkflow.place_hold, cmd)


async def lift_hold(client: Client, memo_id: str, number: int,
                   cmd: LiftHold) -> RecommendationState:
    return await update_recommendation(client, memo_id, number,
                                       RecommendationWorkflow.lift_hold, cmd)


async def close_recommendation(client: Client, memo_id: str, number: int,
                              cmd: Close) -> RecommendationState:
    return await update_recommendation(client, memo_id, number,
                                       RecommendationWorkflow.close, cmd)


async def reopen_recommendation(client: Client, memo_id: str, number: int,
                               cmd: Reopen) -> RecommendationState:
    return await update_recommendation(client, memo_id, number,
                                       RecommendationWorkflow.reopen, cmd)


if __name__ == "__main__":
    asyncio.run(main())
    # Leave without interpreter finalization (temporalio/sdk-python#300, see cli.main).
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(0)
