"""Entering a past case's letters sends no false notice (issue 7).

A clock that opens already past due (the memo of 2022 typed in today, an action plan
due in 2023) has its catch-up notice held until 09:00 office time on the next business
day, and sent then only if the clock is still open: the office has until then to type
the letter that answered it. Before this, the README walkthrough sent 15 notices in six
seconds, one of them an escalation for an action plan already received.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import starter
from cli.files import load_action_plan, load_memo, load_response
from domain.followup import Evidence
from domain.memo import NoticeRecord, RecordResponse
from domain.memo_followup import Publish
from domain.office_time import next_business_day
from domain.recommendation import Close, Review
from domain.vocabulary import ClosureReason, Decision, MemoStatus, PublicationKind
from tests.workflows.conftest import Stack
from tests.workflows.scenario import NEW_YORK, office_today, sleep_until, state_of
from workflows.recommendation import RecommendationWorkflow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ICE_MEMO = EXAMPLES / "memos" / "crcl-2022-ice-frd.yaml"
ICE_RESPONSE = EXAMPLES / "memos" / "crcl-2022-ice-frd-response.yaml"
ICE_PLAN = EXAMPLES / "plans" / "crcl-2022-ice-frd-plan-1.yaml"
MEMO_ID = "CRCL-2022-ICE-FRD"


async def all_notices(stack: Stack) -> list[NoticeRecord]:
    """Every notice the memo and its three recommendations sent, so far."""
    memo = await state_of(starter.memo_handle(stack.client, MEMO_ID))
    notices = list(memo.notices)
    for number in (1, 2, 3):
        handle = starter.recommendation_handle(stack.client, MEMO_ID, number)
        notices += await handle.query(RecommendationWorkflow.notices_query)
    return notices


async def test_the_readme_walkthrough_sends_no_notice_for_an_answered_clock(
        stack: Stack) -> None:
    today = await office_today(stack.env)
    client = stack.client
    handle = await starter.issue_memo(client, load_memo(ICE_MEMO),
                                      task_queue=stack.settings.task_queue)
    await starter.record_response(client, MEMO_ID, load_response(ICE_RESPONSE))
    await starter.update_recommendation(
        client, MEMO_ID, 1, RecommendationWorkflow.submit_action_plan,
        load_action_plan(ICE_PLAN, received_on=None, today=today))
    await starter.update_recommendation(
        client, MEMO_ID, 1, RecommendationWorkflow.review,
        Review(decision="accept", reviewed_on=date(2023, 3, 10)))
    await starter.update_recommendation(
        client, MEMO_ID, 2, RecommendationWorkflow.review,
        Review(decision="dispute", reason="case records omit the approving supervisor",
               reviewed_on=date(2023, 3, 10)))
    await starter.update_recommendation(
        client, MEMO_ID, 3, RecommendationWorkflow.review,
        Review(decision="accept", closure_reason=ClosureReason.NOT_IMPLEMENTED,
               justification="existing guidance treats a match as a lead only",
               reviewed_on=date(2023, 3, 15)))
    await starter.publish(client, MEMO_ID, Publish(
        kind=PublicationKind.SUMMARY, uri="https://office.example/crcl-2022-ice-frd.pdf",
        published_on=date(2023, 4, 24)))
    await starter.update_recommendation(
        client, MEMO_ID, 1, RecommendationWorkflow.close,
        Close(reason=ClosureReason.IMPLEMENTED, justification="policy in force",
              closed_on=date(2023, 12, 1),
              evidence=[Evidence(title="Final policy", uri="https://ice.example/policy.pdf")]))
    await starter.update_recommendation(
        client, MEMO_ID, 2, RecommendationWorkflow.close,
        Close(reason=ClosureReason.NOT_IMPLEMENTED, justification="no agreement after revision",
              closed_on=date(2023, 12, 1)))
    assert await all_notices(stack) == []  # nothing went out while the letters were typed

    await sleep_until(stack.env, next_business_day(today) + timedelta(days=7))
    assert await all_notices(stack) == []  # every clock was answered: nothing to catch up
    assert (await state_of(handle)).status is MemoStatus.CLOSED


async def test_catch_up_waits_for_nine_on_the_next_business_day_and_only_for_open_clocks(
        stack: Stack) -> None:
    today = await office_today(stack.env)
    handle = await starter.issue_memo(stack.client, load_memo(ICE_MEMO),
                                      task_queue=stack.settings.task_queue)
    # Only recommendation 1 is answered: the memo's response clock stays open (2 and 3),
    # and recommendation 1's action plan clock (due 2023-03-01) opens already past due.
    await starter.record_response(stack.client, MEMO_ID, RecordResponse(
        received_on=date(2023, 1, 30), responses=[{"number": 1, "decision": Decision.CONCUR}]))
    assert await all_notices(stack) == []

    catch_up_day = next_business_day(today)
    await sleep_until(stack.env, catch_up_day, time(8, 30))
    assert await all_notices(stack) == []

    await sleep_until(stack.env, catch_up_day, time(10))
    notices = await all_notices(stack)
    sent_at = {n.sent_at.astimezone(NEW_YORK).replace(microsecond=0, second=0)
               for n in notices}
    assert {(t.date(), t.time()) for t in sent_at} == {(catch_up_day, time(9))}
    memo = await state_of(handle)
    # One consolidated catch-up for the response (the latest missed overdue notice) and
    # the highest escalation reached, both naming only the recommendations still owed.
    assert sorted(n.kind for n in memo.notices) == ["escalation", "overdue"]
    assert all(n.numbers == [2, 3] for n in memo.notices)
    assert [n.recipients for n in memo.notices if n.kind == "escalation"] == [["director"]]
    plan_notices = [n for n in notices if n.key.startswith("action_plan/")]
    assert [n.numbers for n in plan_notices] == [[1], [1]]  # overdue + escalation

