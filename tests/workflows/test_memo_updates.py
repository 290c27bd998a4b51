"""Human actions on a memo: responses, extensions, withdrawal, and what validators refuse."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError

import starter
from domain.memo import GrantExtension, MemoState, Withdraw
from domain.views import view_of_state
from domain.vocabulary import ClosureReason, Decision, Implementation, MemoStatus
from tests.workflows.conftest import Stack
from tests.workflows.scenario import answer, memo_spec, office_today, sleep_until, state_of
from workflows import search_attributes as sa
from workflows.inputs import recommendation_workflow_id
from workflows.recommendation import RecommendationWorkflow

ISSUED = date(2022, 9, 30)
RECEIVED = date(2023, 1, 30)


async def _accepted_updates(handle: WorkflowHandle[Any, Any]) -> int:
    history = await handle.fetch_history()
    return sum(1 for e in history.events
               if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)


async def test_real_example_answered_on_2023_01_30_is_62_days_late(stack: Stack) -> None:
    handle = await starter.issue_memo(stack.client, memo_spec("CRCL-2022-ICE-FRD", ISSUED),
                                      task_queue=stack.settings.task_queue)
    state = await starter.record_response(stack.client, "CRCL-2022-ICE-FRD", answer(
        RECEIVED, (1, Decision.CONCUR), (2, Decision.NON_CONCUR), (3, Decision.NON_CONCUR)))
    view = view_of_state(state, today=date(2026, 11, 26))
    assert (view.days_late, view.overdue, view.status) == (62, False, "responded")
    assert view.response_received_on == RECEIVED
    assert view.counts.model_dump() == {"concurred": 1, "partially_concurred": 0,
                                        "non_concurred": 2, "awaiting": 0}
    # Entered years late: one catch-up notice and the escalation reached, not the ladder.
    response_notices = [n for n in state.notices if not n.key.startswith("publication/")]
    assert sorted(n.kind.value for n in response_notices) in ([], ["escalation", "overdue"])
    await sleep_until(stack.env, await office_today(stack.env) + timedelta(days=40))
    later = await state_of(handle)
    assert [n for n in later.notices if not n.key.startswith("publication/")] == \
        response_notices
    # The summary was due 2023-04-30: one catch-up reminder, then one every 30 days.
    publication = [n for n in later.notices if n.key.startswith("publication/")]
    assert 1 <= len(publication) <= 3
    assert all(n.kind.value in ("publication_reminder", "overdue") for n in publication)

    rec2 = stack.client.get_workflow_handle_for(
        RecommendationWorkflow.run, recommendation_workflow_id("CRCL-2022-ICE-FRD", 2))
    child = await rec2.query(RecommendationWorkflow.state_query)
    assert (child.response.value, child.implementation) == ("non_concurred",
                                                            Implementation.OPEN)
    described = await handle.describe()
    attrs = described.typed_search_attributes
    assert attrs.get(sa.STATUS) == "responded"
    assert attrs.get(sa.OVERDUE) is False
    assert attrs.get(sa.COMPONENT) == "ICE"


async def test_invalid_responses_are_rejected_and_change_nothing(stack: Stack) -> None:
    handle = await starter.issue_memo(stack.client, memo_spec("REJECT-1", ISSUED),
                                      task_queue=stack.settings.task_queue)
    await starter.record_response(stack.client, "REJECT-1", answer(RECEIVED,
                                                                   (1, Decision.CONCUR)))
    before: MemoState = await state_of(handle)
    accepted = await _accepted_updates(handle)

    bad: list[tuple[Any, str]] = [
        (answer(RECEIVED, (7, Decision.CONCUR)), "has no recommendation 7"),
        (answer(RECEIVED, (1, Decision.CONCUR)), "recommendation 1 was already answered"),
        (answer(date(2022, 9, 1), (2, Decision.CONCUR)), "before the memo was issued"),
        (answer(date(2099, 1, 1), (2, Decision.CONCUR)), "in the future"),
    ]
    for cmd, message in bad:
        with pytest.raises(WorkflowUpdateFailedError) as failed:
            await starter.record_response(stack.client, "REJECT-1", cmd)
        assert message in str(failed.value.cause), message
    # A payload that skipped client-side validation: no rationale for a non-concurrence.
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await handle.execute_update("record_response", {
            "received_on": "2023-01-30",
            "responses": [{"number": 2, "decision": "non_concur"}]})
    rejection = failed.value.cause
    assert "Failed decoding arguments" in str(rejection)
    assert "rationale is required" in str(rejection.__cause__)

    after = await state_of(handle)  # notices may have gone out meanwhile; answers did not
    assert (after.recommendations, after.status) == (before.recommendations, before.status)
    assert await _accepted_updates(handle) == accepted


async def test_extension_must_move_the_due_date_later(stack: Stack) -> None:
    issued = await office_today(stack.env)
    handle = await starter.issue_memo(stack.client, memo_spec("EXT-REJECT", issued),
                                      task_queue=stack.settings.task_queue)
    due = issued + timedelta(days=60)
    before = await state_of(handle)
    for to in (due, due - timedelta(days=1)):
        with pytest.raises(WorkflowUpdateFailedError) as failed:
            await starter.grant_extension(stack.client, "EXT-REJECT", GrantExtension(
                to_due_on=to, reason="asked", approved_by="IG"))
        assert "is not after the current due date" in str(failed.value.cause)
    assert await state_of(handle) == before


async def test_withdrawal_closes_every_recommendation_and_ends_the_memo(stack: Stack) -> None:
    handle = await starter.issue_memo(stack.client, memo_spec("WITHDRAW-1", ISSUED, count=2),
                                      task_queue=stack.settings.task_queue)
    await starter.withdraw_memo(stack.client, "WITHDRAW-1", Withdraw(reason="superseded"))
    result = await handle.result()
    assert result.status is MemoStatus.WITHDRAWN
    for n in (1, 2):
        rec = await stack.client.get_workflow_handle_for(
            RecommendationWorkflow.run, recommendation_workflow_id("WITHDRAW-1", n)).result()
        assert (rec.implementation, rec.closure_reason) == (Implementation.CLOSED,
                                                            ClosureReason.WITHDRAWN)
