"""Continue-as-new on a real dev server that suggests it after 60 history events.

Temporal suggests continuing as new after thousands of events; this module's own dev
server (`limit.historyCount.suggestContinueAsNew=60`, a namespace-level dynamic config
key of the server) makes a recommendation and its memo cross several runs in a few dozen
updates. Nothing may be lost on the way: every update sent gets its answer, the state
carries over whole, and the audit log keeps every event (the event sequence carries
over too, so no new event is mistaken for a retry of an old one).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus

import starter
from cli.files import load_memo
from domain.followup import ActionPlan, Evidence, Milestone, StatusUpdate
from domain.memo import RecommendationResponse, RecordResponse
from domain.memo_followup import MemoHold, MemoResume
from domain.recommendation import LiftHold, PlaceHold, Review, due_dates
from domain.vocabulary import Decision, ReviewDecision
from tests.integration.support import Stack, eventually, running_stack, unique_id, write_memo

SUGGEST_AFTER_EVENTS = 60
CONTINUED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
CONTINUED_STATUS = WorkflowExecutionStatus.CONTINUED_AS_NEW
BATCHES, BATCH_SIZE = 3, 4  # status updates, each batch sent at once
REC_HOLDS, MEMO_HOLDS = 5, 4  # hold/resume pairs, each hold lifted one day later


@pytest.fixture(scope="module")
async def small(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    """A second dev server (in memory) with a low continue-as-new threshold, and a worker."""
    extra = ["--dynamic-config-value",
             f"limit.historyCount.suggestContinueAsNew={SUGGEST_AFTER_EVENTS}"]
    async with running_stack(tmp_path_factory.mktemp("rectrack-can"), prefix="can",
                             persistent=False, extra_args=extra) as s:
        yield s


async def runs(client: Client, workflow_id: str) -> list[str]:
    """Run ids of a workflow, oldest first; all but the last ended by continuing as new."""
    found = [(w.start_time, w.run_id, w.status) async for w in client.list_workflows(
        f'WorkflowId = "{workflow_id}"')]
    found.sort()
    assert [status for *_, status in found[:-1]] == [CONTINUED_STATUS] * (len(found) - 1)
    return [run_id for _, run_id, _ in found]


async def continued_as_new(client: Client, workflow_id: str, first_run: str) -> None:
    """The workflow runs under a new run id, and its first run ended by continuing as new."""
    handle = client.get_workflow_handle(workflow_id)
    assert (await handle.describe()).run_id != first_run
    history = await client.get_workflow_handle(workflow_id, run_id=first_run).fetch_history()
    assert history.events[-1].event_type == CONTINUED
    assert len(history.events) >= SUGGEST_AFTER_EVENTS


async def test_recommendation_and_memo_continue_as_new_losing_nothing(
        small: Stack, tmp_path: Path) -> None:
    client, memo_id = small.client, unique_id("CAN")
    spec = load_memo(write_memo(tmp_path, memo_id))
    memo = await starter.issue_memo(client, spec, task_queue=small.settings.task_queue)
    plan = ActionPlan(responsible_official="ICE Privacy Officer",
                      target_completion_on=date(2023, 12, 31),
                      milestones=[Milestone(title="Draft", target_on=date(2023, 6, 30)),
                                  Milestone(title="Final", target_on=date(2023, 10, 31))])
    await starter.record_response(client, memo_id, RecordResponse(
        received_on=date(2023, 1, 30), responses=[
            RecommendationResponse(number=1, decision=Decision.CONCUR, action_plan=plan),
            *(RecommendationResponse(number=n, decision=Decision.NON_CONCUR, rationale="no")
              for n in (2, 3))]))
    await starter.review(client, memo_id, 1, Review(decision=ReviewDecision.ACCEPT,
                                                    reviewed_on=date(2023, 2, 15)))
    rec = starter.recommendation_handle(client, memo_id, 1)
    first_rec_run, first_memo_run = (await rec.describe()).run_id, (await memo.describe()).run_id

    # Status updates, several at once: each one must come back with its answer.
    answers = []
    for batch in range(BATCHES):
        received_on = date(2023, 3, 1) + timedelta(days=batch)
        answers += await asyncio.gather(*(
            starter.submit_status_update(client, memo_id, 1, StatusUpdate(
                received_on=received_on, progress=f"update {batch}.{i}",
                percent_complete=batch * BATCH_SIZE + i,
                milestones_done=["Draft"] if (batch, i) == (0, 0) else [],
                evidence=[Evidence(title=f"report {batch}.{i}",
                                   uri=f"https://ice.example/{batch}/{i}.pdf")]))
            for i in range(BATCH_SIZE)))
    assert len(answers) == BATCHES * BATCH_SIZE
    # Holds of the recommendation alone, each lifted a day later: +1 day per hold.
    for k in range(REC_HOLDS):
        held_on = date(2023, 6, 1) + timedelta(days=2 * k)
        await starter.place_hold(client, memo_id, 1, PlaceHold(reason=f"hold {k}", on=held_on))
        lifted = await starter.lift_hold(client, memo_id, 1,
                                         LiftHold(on=held_on + timedelta(days=1)))
        assert lifted.hold is None
    await continued_as_new(client, rec.id, first_rec_run)

    # Holds of the whole memo: its recommendations follow by signal.
    for k in range(MEMO_HOLDS):
        held_on = date(2023, 8, 1) + timedelta(days=2 * k)
        await starter.hold_memo(client, memo_id, MemoHold(reason=f"memo hold {k}", on=held_on))
        resumed = await starter.resume_memo(client, memo_id,
                                            MemoResume(on=held_on + timedelta(days=1)))
        assert resumed.hold is None
    await continued_as_new(client, memo.id, first_memo_run)

    # The recommendation's state came through every run whole.
    shift = timedelta(days=REC_HOLDS + MEMO_HOLDS)
    last_update = date(2023, 3, 1) + timedelta(days=BATCHES - 1)
    expected = {"status_update": last_update + timedelta(days=90) + shift,
                "target_completion": date(2023, 12, 31) + shift,
                "milestone:Final": date(2023, 10, 31) + shift}

    async def settled() -> bool:
        state = await starter.recommendation_state(client, memo_id, 1)
        return state.hold is None and due_dates(state) == expected

    await eventually(settled, "the memo's holds reached recommendation 1")
    state = await starter.recommendation_state(client, memo_id, 1)
    assert len(state.status_updates) == BATCHES * BATCH_SIZE
    assert sorted(u.percent_complete or 0 for u in state.status_updates) == list(
        range(BATCHES * BATCH_SIZE))
    assert len({e.uri for e in state.evidence}) == BATCHES * BATCH_SIZE
    assert state.action_plan is not None
    assert state.action_plan.milestones[0].done_on == date(2023, 3, 1)
    live_memo = await starter.live_state(client, memo_id)
    assert live_memo.hold is None
    assert live_memo.publication_due_on == date(2023, 4, 30) + timedelta(days=MEMO_HOLDS)

    # The audit log has every event, numbered without a gap across runs (the last ones
    # come from signals: they are recorded just after the state changed).
    async def all_recorded() -> bool:
        own = [e.kind for e in small.events(memo_id) if e.number == 1]
        return own.count("hold_lifted") == REC_HOLDS + MEMO_HOLDS

    await eventually(all_recorded, "every hold of recommendation 1 recorded")
    events = small.events(memo_id)
    own = [e for e in events if e.number == 1]
    assert [e.seq for e in own] == list(range(1, len(own) + 1))
    kinds = [e.kind for e in own]
    assert kinds.count("status_update_submitted") == BATCHES * BATCH_SIZE
    assert kinds.count("hold_placed") == REC_HOLDS + MEMO_HOLDS
    memo_events = [e for e in events if e.number is None]
    assert [e.seq for e in memo_events] == list(range(1, len(memo_events) + 1))
    memo_kinds = [e.kind for e in memo_events]
    assert (memo_kinds.count("hold_placed"), memo_kinds.count("hold_lifted")) == (
        MEMO_HOLDS, MEMO_HOLDS)
    assert len(await runs(client, rec.id)) >= 2 and len(await runs(client, memo.id)) >= 2
