"""The mixed workload the faults hit: memos issued and acted on through `starter.py`.

Every memo is issued today (office time) with its response due tomorrow, on a ladder
whose `days_before` includes 1, and with a follow-up policy whose clocks all fall due
tomorrow with a reminder the day before. Workers run with `RECTRACK_NOTICE_HOUR=0`, so
each ladder step dated today is due at 00:00 today: already past, it goes out at once.
That turns every action below into real notices while the faults are injected:

- silent: no answer (the response reminder);
- full: all concur without plans (three action-plan reminders, a publication reminder);
- partial: one concurrence, one non-concurrence, one still awaited;
- extended: the response deadline extended;
- withdrawn: withdrawn at once; late-withdrawn: answered in part, then withdrawn;
- planned: plans with the answer, two accepted (status-update, milestone and target
  reminders), one of them closed as implemented, one status update;
- disputed: a non-concurrence accepted (closed), a partial concurrence disputed
  (revision reminder), a plan extension requested and approved.

Faults may make an action fail (an update during a server restart): it is retried a few
times, and what still fails is counted, never hidden. The invariants checked afterwards
hold whatever the workload managed to do.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from temporalio.client import (
    Client,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

import starter
from domain.followup import ActionPlan, Evidence, Milestone, StatusUpdate
from domain.memo import GrantExtension, MemoSpec, RecordResponse, Withdraw
from domain.recommendation import Close, DecideExtension, RequestExtension, Review
from domain.vocabulary import ClosureReason, ReviewDecision
from tests.integration.support import office_today

SCENARIOS = ("silent", "full", "partial", "extended", "withdrawn", "planned", "disputed",
             "late-withdrawn")
ROLES = ("component", "manager", "director", "case_officer")
RECOMMENDATIONS = 3
STEP_TIMEOUT = 120.0
STEP_ATTEMPTS = 4


@dataclass
class Workload:
    """What was issued, and the actions that failed even after retries."""

    memo_ids: list[str] = field(default_factory=list)
    actions: int = 0
    errors: list[str] = field(default_factory=list)


def memo_spec(memo_id: str, receiver_url: str, today: date) -> MemoSpec:
    one_day = {"days_before": [1], "overdue_every_days": 7, "escalations": []}
    return MemoSpec.model_validate({
        "memo_id": memo_id, "title": f"Fault suite memo {memo_id}", "office": "OIG",
        "component": "FLT", "issued_on": today, "response_due_on": today + timedelta(1),
        "contacts": {role: {"name": role, "webhook": f"{receiver_url}/{memo_id}/{role}"}
                     for role in ROLES},
        "ladder": {"days_before": [3, 1], "on_due_date": True, "overdue_every_days": 7},
        "follow_up": {"action_plan_days": 1, "revision_days": 1, "status_update_every_days": 1,
                      "publication_days": 1, "status_update_ladder": one_day,
                      "milestone_ladder": one_day, "publication_ladder": one_day},
        "recommendations": [{"number": n, "text": f"Recommendation {n}"}
                            for n in range(1, RECOMMENDATIONS + 1)],
    })


def _plan(today: date) -> ActionPlan:
    tomorrow = today + timedelta(1)
    return ActionPlan(responsible_official="Fault officer", target_completion_on=tomorrow,
                      milestones=[Milestone(title="Pilot", target_on=tomorrow)])


def _answers(today: date, *pairs: tuple[int, str], plans: bool = False) -> RecordResponse:
    responses: list[dict[str, Any]] = []
    for number, decision in pairs:
        answer: dict[str, Any] = {"number": number, "decision": decision}
        if decision != "concur":
            answer["rationale"] = "injected answer"
        if plans and decision != "non_concur":
            answer["action_plan"] = _plan(today).model_dump(mode="json")
        responses.append(answer)
    return RecordResponse.model_validate({"received_on": today, "responses": responses})


class _Runner:
    def __init__(self, client: Client, workload: Workload) -> None:
        self.client = client
        self.workload = workload
        self.today = office_today()

    async def step(self, what: str, call: Callable[[], Awaitable[object]]) -> bool:
        """One action, retried on transport errors; False (and counted) if it failed."""
        for attempt in range(STEP_ATTEMPTS):
            self.workload.actions += attempt == 0
            try:
                await asyncio.wait_for(call(), STEP_TIMEOUT)
                return True
            except WorkflowAlreadyStartedError:
                return True  # an issue retried after its first try got through
            except WorkflowUpdateFailedError as error:
                self.workload.errors.append(f"{what}: rejected: {error.cause}")
                return False
            except (RPCError, TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as error:
                if attempt == STEP_ATTEMPTS - 1:
                    self.workload.errors.append(f"{what}: {type(error).__name__}: {error}")
                    return False
                await asyncio.sleep(2.0 * (attempt + 1))
        return False

    async def memo(self, spec: MemoSpec, scenario: str, task_queue: str) -> None:
        memo_id, client, today = spec.memo_id, self.client, self.today
        if not await self.step(f"{memo_id} issue", lambda: starter.issue_memo(
                client, spec, task_queue=task_queue)):
            return
        self.workload.memo_ids.append(memo_id)
        actions = _SCENARIO_ACTIONS[scenario](memo_id, today)
        for what, call in actions:
            if not await self.step(f"{memo_id} {what}", lambda call=call: call(client)):  # type: ignore[misc]
                return


Action = tuple[str, Callable[[Client], Awaitable[object]]]


def _rec(update: Any, memo_id: str, number: int, cmd: Any) -> Callable[[Client], Awaitable[object]]:
    return lambda c: starter.update_recommendation(c, memo_id, number, update, cmd)


def _scenario_actions() -> dict[str, Callable[[str, date], list[Action]]]:
    from workflows.recommendation import RecommendationWorkflow as Rec

    def respond(memo_id: str, cmd: RecordResponse) -> Action:
        return "respond", lambda c: starter.record_response(c, memo_id, cmd)

    def withdraw(memo_id: str, today: date) -> Action:
        return "withdraw", lambda c: starter.withdraw_memo(
            c, memo_id, Withdraw(reason="injected withdrawal", on=today))

    accept = ReviewDecision.ACCEPT
    evidence = [Evidence(title="Directive", uri="https://office.example/directive.pdf")]
    return {
        "silent": lambda m, t: [],
        "full": lambda m, t: [respond(m, _answers(t, (1, "concur"), (2, "concur"),
                                                  (3, "concur")))],
        "partial": lambda m, t: [respond(m, _answers(t, (1, "concur"), (2, "non_concur")))],
        "extended": lambda m, t: [("extend", lambda c: starter.grant_extension(
            c, m, GrantExtension(to_due_on=t + timedelta(3), reason="injected",
                                 approved_by="Deputy")))],
        "withdrawn": lambda m, t: [withdraw(m, t)],
        "late-withdrawn": lambda m, t: [respond(m, _answers(t, (1, "partially_concur"))),
                                        withdraw(m, t)],
        "planned": lambda m, t: [
            respond(m, _answers(t, (1, "concur"), (2, "concur"), (3, "partially_concur"),
                                plans=True)),
            ("review 1", _rec(Rec.review, m, 1, Review(decision=accept, reviewed_on=t))),
            ("review 2", _rec(Rec.review, m, 2, Review(decision=accept, reviewed_on=t))),
            ("close 1", _rec(Rec.close, m, 1, Close(
                reason=ClosureReason.IMPLEMENTED, justification="done", closed_on=t,
                evidence=evidence))),
            ("update 2", _rec(Rec.submit_status_update, m, 2, StatusUpdate(
                received_on=t, progress="half way", percent_complete=50))),
        ],
        "disputed": lambda m, t: [
            respond(m, _answers(t, (1, "concur"), (2, "non_concur"), (3, "partially_concur"))),
            ("accept 2", _rec(Rec.review, m, 2, Review(
                decision=accept, reviewed_on=t, closure_reason=ClosureReason.NOT_IMPLEMENTED,
                justification="accepted non-concurrence"))),
            ("dispute 3", _rec(Rec.review, m, 3, Review(
                decision=ReviewDecision.DISPUTE, reviewed_on=t, reason="too vague"))),
            ("request 1", _rec(Rec.request_extension, m, 1, RequestExtension(
                clock="action_plan", to_date=t + timedelta(5), reason="injected",
                requested_on=t))),
            ("decide 1", _rec(Rec.decide_extension, m, 1, DecideExtension(
                request_id=1, approve=True, decided_by="Deputy", decided_on=t))),
        ],
    }


_SCENARIO_ACTIONS = _scenario_actions()


async def run_memos(client: Client, *, task_queue: str, receiver_url: str, prefix: str,
                    count: int, workload: Workload, concurrency: int = 6) -> None:
    """Issue `count` memos (scenarios in turn) and act on them, `concurrency` at a time."""
    runner = _Runner(client, workload)
    gate = asyncio.Semaphore(concurrency)
    tag = uuid.uuid4().hex[:6].upper()

    async def one(index: int) -> None:
        async with gate:
            memo_id = f"FLT-{prefix}-{tag}-{index:03d}"
            spec = memo_spec(memo_id, receiver_url, runner.today)
            await runner.memo(spec, SCENARIOS[index % len(SCENARIOS)], task_queue)

    await asyncio.gather(*(one(i) for i in range(count)))
