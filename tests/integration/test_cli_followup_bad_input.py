"""Bad follow-up input: exit 2, one stderr line naming the problem, nothing changed.

One memo, set up through starter.py: recommendation 1 concurred with a plan the office
accepted (in progress, no evidence yet), 2 partially concurred without a plan, 3
non-concurred and closed as not implemented. Every bad command runs at once; then the
recommendations' live states, the store and the workflows' histories must be as before:
a validator's rejection never enters history.
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import EventType

import starter
from cli.files import load_memo
from domain.followup import ActionPlan
from domain.memo import RecommendationResponse, RecordResponse
from domain.recommendation import Review
from domain.vocabulary import ClosureReason, Decision, ReviewDecision
from tests.integration.support import Stack, eventually, unique_id, write_memo, write_yaml

NUMBERS = (1, 2, 3)
UPDATE_ACCEPTED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED


async def set_up(stack: Stack, memo_id: str, directory: Path) -> None:
    spec = load_memo(write_memo(directory, memo_id))
    await starter.issue_memo(stack.client, spec, task_queue=stack.settings.task_queue)
    await eventually(lambda: _stored(stack, memo_id), "memo in the store")
    plan = ActionPlan(responsible_official="ICE Privacy Officer",
                      target_completion_on=date(2023, 12, 31))
    await starter.record_response(stack.client, memo_id, RecordResponse(
        received_on=date(2023, 1, 30), responses=[
            RecommendationResponse(number=1, decision=Decision.CONCUR, action_plan=plan),
            RecommendationResponse(number=2, decision=Decision.PARTIALLY_CONCUR,
                                   rationale="most searches are logged already"),
            RecommendationResponse(number=3, decision=Decision.NON_CONCUR,
                                   rationale="guidance already covers it")]))
    await asyncio.gather(
        starter.review(stack.client, memo_id, 1, Review(
            decision=ReviewDecision.ACCEPT, reviewed_on=date(2023, 2, 15))),
        starter.review(stack.client, memo_id, 3, Review(
            decision=ReviewDecision.ACCEPT, reviewed_on=date(2023, 3, 15),
            closure_reason=ClosureReason.NOT_IMPLEMENTED, justification="accepted")))


async def _stored(stack: Stack, memo_id: str) -> bool:
    return stack.stored_view(memo_id) is not None


async def snapshot(stack: Stack, memo_id: str) -> tuple[Any, ...]:
    """The recommendations' live states, the stored view, the audit log (less the notices
    the workflows send on their own) and the number of updates each history accepted."""
    states = await asyncio.gather(*(stack.rec_state(memo_id, n) for n in NUMBERS))
    histories = await asyncio.gather(*(
        starter.recommendation_handle(stack.client, memo_id, n).fetch_history()
        for n in NUMBERS))
    view = stack.stored_view(memo_id)
    assert view is not None
    kinds = [(e.number, e.kind) for e in stack.events(memo_id)
             if e.kind not in ("notice_sent", "notice_failed", "became_overdue")]
    accepted = [sum(e.event_type == UPDATE_ACCEPTED for e in h.events) for h in histories]
    return [s.model_dump() for s in states], view.model_dump(), kinds, accepted


def cases(memo_id: str, early_plan: Path) -> dict[str, tuple[list[str], tuple[str, ...]]]:
    """name -> (rectrack arguments, what its one stderr line must say)."""
    return {
        "close without justification": (
            ["close", memo_id, "1", "--reason", "superseded"],
            ("rectrack close", "required: --justification")),
        "close with a blank justification": (
            ["close", memo_id, "1", "--reason", "superseded", "--justification", "  "],
            (memo_id, "justification: closing needs a justification")),
        "implemented without evidence": (
            ["close", memo_id, "1", "--reason", "implemented", "--justification", "done"],
            (memo_id, "evidence: closing as implemented needs at least one evidence")),
        "plan target before the response": (
            ["plan", memo_id, "2", "--file", str(early_plan), "--received-on", "2023-02-20"],
            (memo_id, "recommendation 2: action plan target date 2022-12-01 precedes the "
                      "response (2023-01-30)")),
        "status update on a closed recommendation": (
            ["update", memo_id, "3", "--progress", "nothing", "--received-on", "2023-04-01"],
            (memo_id, "cannot submit a status update: recommendation 3 is closed "
                      "(not_implemented)")),
        "decide an extension never requested": (
            ["decide-extension", memo_id, "1", "--request", "1", "--approve", "--by", "Deputy"],
            (memo_id, "request_id: recommendation 1 has no extension request #1")),
        "resume a recommendation not on hold": (
            ["resume", memo_id, "1", "--on", "2023-04-01"],
            (memo_id, "recommendation 1 is not on hold")),
        "resume a memo not on hold": (
            ["resume", memo_id, "--on", "2023-04-01"], (memo_id, f"memo {memo_id} is not on hold")),
        "closure reason outside the vocabulary": (
            ["close", memo_id, "1", "--reason", "fixed", "--justification", "done"],
            ("--reason", "invalid choice: 'fixed'")),
        "close an already closed recommendation": (
            ["close", memo_id, "3", "--reason", "superseded", "--justification", "newer memo"],
            (memo_id, "cannot close: recommendation 3 is closed (not_implemented)")),
        "evidence digest that is not a SHA-256": (
            ["close", memo_id, "1", "--reason", "implemented", "--justification", "done",
             "--evidence", "Policy|https://ice.example/p.pdf|abc"],
            ("closure: evidence.0.sha256",)),
        "unknown recommendation number": (
            ["close", memo_id, "9", "--reason", "superseded", "--justification", "x"],
            (f"memo {memo_id} has no recommendation 9",)),
        "unknown memo": (
            ["hold", "NO-SUCH-MEMO", "1", "--reason", "x"], ("unknown memo 'NO-SUCH-MEMO'",)),
    }


async def test_bad_follow_up_input_is_refused_and_changes_nothing(
        stack: Stack, tmp_path: Path) -> None:
    memo_id = unique_id("BADFU")
    await set_up(stack, memo_id, tmp_path)
    early_plan = write_yaml(tmp_path / "early.yaml", {
        "responsible_official": "ICE Records Officer", "target_completion_on": "2022-12-01"})
    table = cases(memo_id, early_plan)
    before = await snapshot(stack, memo_id)

    results = await asyncio.gather(*(stack.cli(*argv) for argv, _ in table.values()))

    failures = []
    for (name, (_, needles)), result in zip(table.items(), results, strict=True):
        lines = result.stderr_lines
        if (result.returncode, len(lines)) != (2, 1) or result.stdout or \
                not all(needle in lines[0] for needle in needles):
            failures.append(f"{name}: expected exit 2 and one line with {needles}, got "
                            f"{result.returncode} {lines} {result.stdout!r}")
    assert not failures, "\n".join(failures)
    assert await snapshot(stack, memo_id) == before

