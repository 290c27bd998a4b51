"""An imported memo sends at most one catch-up notice, and none with --quiet (issue 9).

Memos are brought in through the service layer (app.backlog) on the time-skipping server,
then the clock is skipped past the catch-up morning: the years before the import never
produce a notice of their own; an open past-due memo gets one consolidated notice listing
what is still overdue; a fully answered one gets nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

import starter
from app.backlog import import_memos
from app.context import Context
from domain.backlog import MemoHistory, RecommendationHistory
from domain.followup import ActionPlan, Evidence
from domain.memo import NoticeRecord
from domain.office_time import next_business_day
from domain.recommendation import Close
from domain.vocabulary import ClosureReason, Decision, NoticeKind
from tests.workflows.conftest import Stack
from tests.workflows.scenario import memo_spec, office_today, sleep_until, state_of
from workflows.recommendation import RecommendationWorkflow

ISSUED = date(2023, 2, 1)


def open_memo(memo_id: str) -> MemoHistory:
    """Three recommendations: 1 never answered, 2 concurred without a plan (its plan is
    overdue), 3 concurred with a plan and closed as implemented."""
    return MemoHistory(spec=memo_spec(memo_id, ISSUED), rows=[2, 3, 4], recommendations=[
        RecommendationHistory(row=2, number=1),
        RecommendationHistory(row=3, number=2, decision=Decision.CONCUR,
                              received_on=date(2023, 4, 20)),
        answered_and_closed(row=4, number=3)])


def closed_memo(memo_id: str) -> MemoHistory:
    return MemoHistory(spec=memo_spec(memo_id, ISSUED, count=2), rows=[2, 3],
                       recommendations=[answered_and_closed(row=2, number=1),
                                        answered_and_closed(row=3, number=2)])


def answered_and_closed(*, row: int, number: int) -> RecommendationHistory:
    return RecommendationHistory(
        row=row, number=number, decision=Decision.CONCUR, received_on=date(2023, 4, 20),
        action_plan=ActionPlan(responsible_official="Director",
                               target_completion_on=date(2024, 1, 31)),
        resolved_on=date(2023, 5, 2),
        closure=Close(reason=ClosureReason.IMPLEMENTED, justification="done",
                      closed_on=date(2024, 2, 5),
                      evidence=[Evidence(title="Policy", uri="https://ice.example/p.pdf")]))


async def notices_of(stack: Stack, memo: MemoHistory) -> list[NoticeRecord]:
    memo_id = memo.spec.memo_id
    notices = list((await state_of(starter.memo_handle(stack.client, memo_id))).notices)
    for rec in memo.recommendations:
        handle = starter.recommendation_handle(stack.client, memo_id, rec.number)
        notices += await handle.query(RecommendationWorkflow.notices_query)
    return notices


async def bring_in(stack: Stack, memos: list[MemoHistory], *, quiet: bool) -> None:
    ctx = Context(stack.settings, stack.engine, stack.client)
    outcomes = await import_memos(ctx, memos, file="backlog.csv",
                                  now=await stack.env.get_current_time(), quiet=quiet)
    assert all(o.issued and not o.conflicts and not o.failures for o in outcomes), outcomes


async def test_an_open_past_due_memo_gets_one_consolidated_catch_up(stack: Stack) -> None:
    today = await office_today(stack.env)
    memos = [open_memo("IMP-OPEN"), closed_memo("IMP-DONE")]
    await bring_in(stack, memos, quiet=False)
    assert [await notices_of(stack, m) for m in memos] == [[], []]

    await sleep_until(stack.env, next_business_day(today) + timedelta(days=1))
    open_notices, done_notices = [await notices_of(stack, m) for m in memos]
    catch_ups = [n for n in open_notices if n.kind is NoticeKind.BACKLOG_CATCH_UP]
    assert len(catch_ups) == 1 and catch_ups[0].delivered
    assert catch_ups[0].numbers == [1, 2]  # #1's response is overdue, and #2's plan
    assert catch_ups[0].on == next_business_day(today)
    # No clock caught up one by one on the years before the import.
    assert [n for n in open_notices if n.on < today] == []
    assert done_notices == []  # fully answered: nothing is overdue, nothing is sent


async def test_a_quiet_import_sends_no_catch_up_at_all(stack: Stack) -> None:
    today = await office_today(stack.env)
    memo = open_memo("IMP-QUIET")
    await bring_in(stack, [memo], quiet=True)
    await sleep_until(stack.env, next_business_day(today) + timedelta(days=1))
    notices = await notices_of(stack, memo)
    assert [n for n in notices if n.kind is NoticeKind.BACKLOG_CATCH_UP] == []
    assert [n for n in notices if n.on < today] == []
    state = await state_of(starter.memo_handle(stack.client, "IMP-QUIET"))
    assert state.backlog is not None and state.backlog.quiet_before is not None
