"""A 51-recommendation memo (26 concurred, 12 partially, 13 non-concurred) from issue to
every recommendation closed, over three simulated years on the time-skipping server.

Day numbers count from the issue day. The expected notices follow from the
default ladder (docs/contracts.md#dates-and-deadlines) and the default follow-up policy;
each count is derived in a comment.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

import starter
from domain.followup import ActionPlan, Evidence, Milestone, StatusUpdate
from domain.memo import MemoState, RecordResponse
from domain.memo_followup import Publish
from domain.recommendation import (
    Close,
    DecideExtension,
    Reopen,
    RequestExtension,
    Review,
    SubmitActionPlan,
)
from domain.vocabulary import ClosureReason, MemoStatus, PublicationKind, ReviewDecision
from store.queries import get_memo_view
from tests.workflows.conftest import Stack
from tests.workflows.scenario import memo_spec, office_today, sleep_until, state_of
from workflows.inputs import recommendation_workflow_id
from workflows.recommendation import RecommendationWorkflow

MEMO = "OIG-51"
WITH_PLAN = range(1, 14)  # concurred with an action plan in the response
PLAN_ON_TIME = range(14, 27)  # concurred, plan on day 90 (due 105)
PARTIAL = range(27, 39)  # partially concurred, plan late on day 150
NON_CONCUR = range(39, 52)
ROUNDS = [185 + 85 * k for k in range(10)]  # quarterly-ish status updates, days 185..950
EVIDENCE = Evidence(title="Final report", uri="https://agency.example/report.pdf",
                    sha256="a" * 64)


class Scenario:
    def __init__(self, stack: Stack, issued: date) -> None:
        self.stack, self.issued = stack, issued

    def day(self, n: int) -> date:
        return self.issued + timedelta(days=n)

    async def at(self, n: int) -> None:
        await sleep_until(self.stack.env, self.day(n))

    def plan(self, target_day: int, milestone: tuple[str, int] | None = None) -> ActionPlan:
        milestones = [Milestone(title=milestone[0], target_on=self.day(milestone[1]))] \
            if milestone else []
        return ActionPlan(responsible_official="Assistant Director",
                          target_completion_on=self.day(target_day), milestones=milestones)

    async def rec(self, number: int, update: Any, cmd: Any) -> None:
        handle = self.stack.client.get_workflow_handle_for(
            RecommendationWorkflow.run, recommendation_workflow_id(MEMO, number))
        await handle.execute_update(update, cmd)

    async def each(self, numbers: Any, update: Any, make: Any) -> None:
        await asyncio.gather(*(self.rec(n, update, make(n)) for n in numbers))


def _response(s: Scenario) -> RecordResponse:
    answers: list[dict[str, Any]] = []
    for n in range(1, 52):
        if n in WITH_PLAN:
            answers.append({"number": n, "decision": "concur", "action_plan":
                            s.plan(1095, ("Policy issued", 400))})
        elif n in PLAN_ON_TIME:
            answers.append({"number": n, "decision": "concur"})
        elif n in PARTIAL:
            answers.append({"number": n, "decision": "partially_concur",
                            "rationale": "only for new systems"})
        else:
            answers.append({"number": n, "decision": "non_concur", "rationale": "no funds"})
    return RecordResponse.model_validate({"received_on": s.day(75), "responses": answers})


def _accept(s: Scenario, day: int, closure: ClosureReason | None = None) -> Review:
    return Review(decision=ReviewDecision.ACCEPT, reviewed_on=s.day(day),
                  closure_reason=closure, justification="accepted by the office")


def _update(s: Scenario, day: int, n: int) -> StatusUpdate:
    done = {355: {"Policy issued" if n in WITH_PLAN else "Pilot"}}.get(day, set())
    return StatusUpdate(received_on=s.day(day), progress=f"progress as of day {day}",
                        milestones_done=sorted(done if n < 27 else set()),
                        evidence=[EVIDENCE] if day == ROUNDS[-1] else [])


async def _run_three_years(s: Scenario) -> None:
    W = RecommendationWorkflow
    await starter.issue_memo(s.stack.client, memo_spec(MEMO, s.issued, count=51),
                             task_queue=s.stack.settings.task_queue)
    await s.at(75)
    await starter.record_response(s.stack.client, MEMO, _response(s))
    await s.at(90)
    await s.each(PLAN_ON_TIME, W.submit_action_plan, lambda n: SubmitActionPlan(
        received_on=s.day(90), plan=s.plan(1095, ("Pilot", 300))))
    await s.at(100)
    await s.each([*WITH_PLAN, *PLAN_ON_TIME], W.review, lambda n: _accept(s, 100))
    await s.each(range(39, 47), W.review, lambda n: _accept(s, 100, ClosureReason.NOT_IMPLEMENTED))
    await s.each(range(47, 50), W.review,
                 lambda n: _accept(s, 100, ClosureReason.NO_LONGER_APPLICABLE))
    await s.each((50, 51), W.review, lambda n: Review(
        decision=ReviewDecision.DISPUTE, reviewed_on=s.day(100), reason="rationale too thin"))
    await s.at(140)
    await s.each((50, 51), W.review, lambda n: _accept(s, 140, ClosureReason.NOT_IMPLEMENTED))
    await s.at(150)
    await s.each(PARTIAL, W.submit_action_plan,
                 lambda n: SubmitActionPlan(received_on=s.day(150), plan=s.plan(1095)))
    await s.at(155)
    await s.each((27, 28, 29), W.review, lambda n: Review(
        decision=ReviewDecision.DISPUTE, reviewed_on=s.day(155), reason="scope too narrow"))
    await s.each(range(30, 39), W.review, lambda n: _accept(s, 155))
    await s.at(170)
    await s.each((27, 28, 29), W.submit_action_plan,
                 lambda n: SubmitActionPlan(received_on=s.day(170), plan=s.plan(1095)))
    await s.at(175)
    await s.each((27, 28, 29), W.review, lambda n: _accept(s, 175))
    for day in ROUNDS:
        await s.at(day)
        skipping = range(30, 39) if day == 270 else ()  # they miss one round
        await s.each([n for n in range(1, 39) if n not in skipping], W.submit_status_update,
                     lambda n, day=day: _update(s, day, n))
        if day == 185:
            await s.at(200)
            await starter_publish(s, PublicationKind.SUMMARY, 200)
        if day == 355:
            await s.at(400)
            await starter_publish(s, PublicationKind.REDACTED_MEMO, 400)
        if day == 525:
            await s.each((14, 15, 16), W.request_extension, lambda n: RequestExtension(
                clock="target_completion", to_date=s.day(1200), reason="vendor delay",
                requested_on=s.day(525)))
            await s.each((14, 15, 16), W.decide_extension, lambda n: DecideExtension(
                request_id=1, approve=n != 16, decided_by="Deputy IG", decided_on=s.day(525)))
    await s.at(1000)
    closures = {**dict.fromkeys([*range(1, 11), *range(14, 21), *range(27, 34)],
                                ClosureReason.IMPLEMENTED),
                **dict.fromkeys([11, 12, 13, *range(34, 39)], ClosureReason.ALTERNATE_ACTION),
                **dict.fromkeys(range(21, 27), ClosureReason.SUPERSEDED)}
    await s.each(closures, W.close, lambda n: Close(
        reason=closures[n], justification="verified by the office", closed_on=s.day(1000)))
    await s.at(1010)
    await s.rec(5, W.reopen, Reopen(reason="audit found a gap", on=s.day(1010)))
    await s.at(1020)
    await s.rec(5, W.close, Close(reason=ClosureReason.IMPLEMENTED, closed_on=s.day(1020),
                                  justification="gap fixed", evidence=[EVIDENCE]))
    await s.at(1030)


async def starter_publish(s: Scenario, kind: PublicationKind, day: int) -> None:
    from workflows.memo import MemoWorkflow

    await starter.memo_handle(s.stack.client, MEMO).execute_update(
        MemoWorkflow.publish, Publish(kind=kind, published_on=s.day(day),
                                      uri=f"https://office.example/{kind.value}.pdf"))


def _notice_counts(memo: MemoState, rec_notices: dict[int, list[Any]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for notice in memo.notices:
        clock = notice.key.split("/")[0] if "/" in notice.key else "response"
        counts[f"{clock}:{notice.kind.value}"] += 1
    for notices in rec_notices.values():
        for notice in notices:
            clock = notice.key.split("/")[0].split(":")[0]
            counts[f"{clock}:{notice.kind.value}"] += 1
    return counts


async def test_fifty_one_recommendations_followed_to_closure_over_three_years(
    stack: Stack,
) -> None:
    scenario = Scenario(stack, await office_today(stack.env))
    await _run_three_years(scenario)

    memo = await state_of(starter.memo_handle(stack.client, MEMO))
    assert memo.status is MemoStatus.CLOSED
    rec_notices = {}
    for n in range(1, 52):
        handle = stack.client.get_workflow_handle_for(
            RecommendationWorkflow.run, recommendation_workflow_id(MEMO, n))
        rec_notices[n] = await handle.query(RecommendationWorkflow.notices_query)
    counts = _notice_counts(memo, rec_notices)
    assert counts == Counter({
        # response due day 60, answered day 75: reminders on days 46, 53, 59, 60,
        # overdue notices on days 67 and 74
        "response:reminder": 4, "response:overdue": 2,
        # summary due day 165 (75 + 90), published day 200: on 165, again on 195
        "publication:publication_reminder": 1, "publication:overdue": 1,
        # 12 partial concurrences, plans due day 105, sent day 150: 4 reminders,
        # overdue on days 112..147 (6), escalation to the manager on day 135
        "action_plan:reminder": 48, "action_plan:overdue": 72, "action_plan:escalation": 12,
        # recs 50-51 disputed day 100, revision due 130, accepted day 140
        "revision:reminder": 8, "revision:overdue": 2,
        # recs 30-38 skip the day-270 round: due 275, request that day, overdue every
        # 14 days (289..345: 5), escalation at 30 days overdue, update day 355
        "status_update:status_update_request": 9, "status_update:overdue": 45,
        "status_update:escalation": 9,
        # recs 14-26: milestone "Pilot" due day 300, done day 355: 286, 300, 330
        "milestone:reminder": 26, "milestone:overdue": 13,
    })
    escalated_to = {n.recipients[0] for notices in rec_notices.values() for n in notices
                    if n.kind.value == "escalation"}
    assert escalated_to == {"manager"}

    with Session(stack.engine) as session:
        view = get_memo_view(session, memo_id=MEMO, today=scenario.day(1030))
    assert view is not None and view.status == "closed"
    by_reason = Counter(r.closure_reason for r in view.recommendations)
    assert by_reason == {"implemented": 24, "alternate_action": 8, "superseded": 6,
                         "not_implemented": 10, "no_longer_applicable": 3}
    assert view.counts.model_dump() == {"concurred": 26, "partially_concurred": 12,
                                        "non_concurred": 13, "awaiting": 0}
    assert [p.kind for p in memo.publications] == [PublicationKind.SUMMARY,
                                                   PublicationKind.REDACTED_MEMO]
    rec14 = memo.recommendation(14)
    assert rec14.action_plan is not None
    assert rec14.action_plan.target_completion_on == scenario.day(1200)
    assert memo.recommendation(16).action_plan.target_completion_on == scenario.day(1095)  # type: ignore[union-attr]
