"""The follow-up phase end to end through `rectrack`: one memo from issue to closure.

CRCL's memo to ICE (issued 2022-09-30, answered 2023-01-30): recommendation 1 concurred
with an action plan, 2 partially concurred (plan later, disputed once), 3 non-concurred,
disputed, held, and finally accepted as not implemented. Independent
recommendations are driven concurrently, as separate offices' clerks would.
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

from cli.files import load_action_plan
from domain.memo import RecommendationState
from domain.recommendation import due_dates
from tests.helpers import ice_followup_response
from tests.integration.support import (
    ROOT,
    CliResult,
    Stack,
    eventually,
    office_today,
    write_memo,
    write_yaml,
)

SHA = "a" * 64
RESPONSE = ice_followup_response("Case-management records already log most searches.",
                                 "Guidance already treats a match as a lead only.")
PLAN = {"received_on": "2023-03-30", "responsible_official": "ICE Records Officer",
        "target_completion_on": "2024-06-30",
        "milestones": [{"title": "Log design", "target_on": "2023-07-31"},
                       {"title": "Annual review", "target_on": "2024-03-31"}]}


def ok(result: CliResult, *needles: str) -> str:
    assert result.returncode == 0, result
    assert result.stderr == "", result
    for needle in needles:
        assert needle in result.stdout, (needle, result.stdout)
    return result.stdout


def request_id(output: str) -> str:
    """The id in `recorded extension request #ID for ...`."""
    return output.split("extension request #", 1)[1].split()[0]


def dates(rec: RecommendationState) -> dict[str, str]:
    return {clock: due.isoformat() for clock, due in due_dates(rec).items()}


async def test_memo_from_issue_to_closure(stack: Stack, tmp_path: Path, memo_id: str) -> None:
    cli = stack.cli

    async def rec(number: int) -> RecommendationState:
        return await stack.rec_state(memo_id, number)

    await stack.issue(write_memo(tmp_path, memo_id))
    ok(await cli("respond", memo_id, "--file", write_yaml(tmp_path / "response.yaml", RESPONSE)))

    ids: list[str] = []  # the id of the target_completion request, once known

    async def recommendation_1() -> None:
        ok(await cli("review", memo_id, "1", "--accept", "--on", "2023-02-15"),
           f"accepted the response to recommendation 1 of memo {memo_id}",
           "in_progress, resolved", "status_update 2023-05-16")
        # Independent actions on one recommendation may arrive at the same time.
        updated, *requests = await asyncio.gather(
            cli("update", memo_id, "1", "--progress", "Draft policy issued",
                "--percent", "40", "--milestone-done", "Draft policy",
                "--evidence", f"Draft policy|https://ice.example/draft.pdf|{SHA}",
                "--received-on", "2023-05-01"),
            cli("request-extension", memo_id, "1", "--clock", "target_completion",
                "--to", "2024-03-31", "--reason", "union consultation", "--on", "2023-05-02"),
            cli("request-extension", memo_id, "1", "--clock", "milestone:Final policy",
                "--to", "2024-01-31", "--reason", "more drafts", "--on", "2023-05-03"))
        ok(updated, "recorded status update 1", "status_update 2023-07-30")
        completion, milestone = (request_id(ok(r)) for r in requests)
        ids.append(completion)
        assert {completion, milestone} == {"1", "2"}
        ok(requests[0], "target_completion from 2023-12-31 to 2024-03-31 (pending)")
        approved, denied = await asyncio.gather(
            cli("decide-extension", memo_id, "1", "--request", completion, "--approve",
                "--by", "Deputy officer", "--on", "2023-05-10"),
            cli("decide-extension", memo_id, "1", "--request", milestone, "--deny",
                "--by", "Deputy officer", "--reason", "no cause shown"))
        ok(approved, f"approved extension request #{completion}", "target_completion 2024-03-31")
        ok(denied, f"denied extension request #{milestone}", "milestone:Final policy 2023-10-31")

    async def recommendation_2() -> None:
        ok(await cli("plan", memo_id, "2", "--file", write_yaml(tmp_path / "plan.yaml", PLAN)),
           "recorded the action plan for recommendation 2",
           "received 2023-03-30, target 2024-06-30")
        ok(await cli("review", memo_id, "2", "--dispute", "--reason",
                     "the plan has no annual review", "--on", "2023-04-01"),
           "disputed the response to recommendation 2", "revision 2023-05-01")
        ok(await cli("review", memo_id, "2", "--accept", "--on", "2023-04-05"),
           "in_progress, resolved", "status_update 2023-07-04")

    async def recommendation_3() -> None:
        # Disputed and put on hold at once: the resume moves whatever is due by then.
        disputed, held = await asyncio.gather(
            cli("review", memo_id, "3", "--dispute", "--reason", "training is needed",
                "--on", "2023-03-01"),
            cli("hold", memo_id, "3", "--reason", "litigation", "--on", "2023-03-05"))
        ok(disputed, "disputed the response to recommendation 3")
        ok(held, "on hold since 2023-03-05")
        ok(await cli("resume", memo_id, "3", "--on", "2023-03-15"), "revision 2023-04-10")
        ok(await cli("review", memo_id, "3", "--accept", "--closure-reason", "not_implemented",
                     "--justification", "the office accepts existing guidance", "--on",
                     "2023-03-20"),
           "closed as not_implemented on 2023-03-20")

    await asyncio.gather(recommendation_1(), recommendation_2(), recommendation_3())

    one, two = await asyncio.gather(rec(1), rec(2))
    assert [(u.percent_complete, u.milestones_done) for u in one.status_updates] == [
        (40, ["Draft policy"])]
    assert [(e.title, e.sha256) for e in one.evidence] == [("Draft policy", SHA)]
    assert sorted((r.clock, r.status.value, r.id) for r in one.extension_requests) == sorted(
        [("target_completion", "approved", int(ids[0])),
         ("milestone:Final policy", "denied", 3 - int(ids[0]))])
    assert two.dispute_reason is None and two.action_plan is not None
    assert two.action_plan_received_on == date(2023, 3, 30)
    assert [m.title for m in two.action_plan.milestones] == ["Log design", "Annual review"]

    # The whole memo on hold for 14 days: every open due date moves by 14 days.
    ok(await cli("hold", memo_id, "--reason", "agency reorganisation", "--on", "2023-08-01"),
       f"put memo {memo_id} on hold since 2023-08-01")
    await eventually(lambda: all_held(stack, memo_id), "recommendations 1 and 2 held")
    ok(await cli("resume", memo_id, "--on", "2023-08-15"),
       f"resumed memo {memo_id} on 2023-08-15; public summary now due 2023-05-14")
    moved_1 = {"status_update": "2023-08-13", "target_completion": "2024-04-14",
               "milestone:Final policy": "2023-11-14"}
    moved_2 = {"status_update": "2023-07-18", "target_completion": "2024-07-14",
               "milestone:Log design": "2023-08-14", "milestone:Annual review": "2024-04-14"}

    async def moved() -> bool:
        one, two = await asyncio.gather(rec(1), rec(2))
        return (dates(one), dates(two)) == (moved_1, moved_2)

    await eventually(moved, "due dates moved by the memo's hold")
    assert (await stack.live_state(memo_id)).hold is None

    # Closure, a reopening, publication.
    today = office_today().isoformat()
    closed = await asyncio.gather(
        cli("close", memo_id, "1", "--reason", "implemented", "--justification",
            "policy issued and in force", "--evidence",
            "Final policy|https://ice.example/policy.pdf"),
        cli("close", memo_id, "2", "--reason", "alternate_action", "--justification",
            "audit sampling instead of a separate log", "--evidence",
            "Audit plan|https://ice.example/audit.pdf", "--on", "2024-05-01"))
    ok(closed[0], f"closed recommendation 1 of memo {memo_id} as implemented on {today}")
    ok(closed[1], "closed as alternate_action on 2024-05-01")
    await eventually(lambda: stored_status(stack, memo_id, "closed"), "memo closed")
    ok(await cli("reopen", memo_id, "2", "--reason", "the audit plan was never adopted"),
       f"reopened recommendation 2 of memo {memo_id} on {today}", "in_progress, resolved")
    await eventually(lambda: stored_status(stack, memo_id, "responded"), "memo reopened")
    published = await asyncio.gather(
        cli("close", memo_id, "2", "--reason", "alternate_action", "--justification",
            "audit plan adopted in 2024"),
        cli("publish", memo_id, "--kind", "summary", "--uri", "https://office.example/s.pdf",
            "--on", "2023-04-24"),
        cli("publish", memo_id, "--kind", "redacted_memo", "--uri",
            "https://office.example/memo.pdf", "--on", "2023-05-02"))
    ok(published[1], f"published the summary of memo {memo_id} on 2023-04-24")
    ok(published[2], "published the redacted_memo")
    await eventually(lambda: stored_status(stack, memo_id, "closed"), "memo closed again")

    view, human = await asyncio.gather(stack.show(memo_id), cli("show", memo_id))
    assert view["status"] == "closed"
    assert [(r["number"], r["implementation"], r["closure_reason"])
            for r in view["recommendations"]] == [
        (1, "closed", "implemented"), (2, "closed", "alternate_action"),
        (3, "closed", "not_implemented")]
    assert view["counts"] == {"concurred": 1, "partially_concurred": 1, "non_concurred": 1,
                              "awaiting": 0}
    live = await stack.live_state(memo_id)
    assert sorted(p.kind.value for p in live.publications) == ["redacted_memo", "summary"]
    assert live.publication_due_on is None

    out = ok(human)
    sections = {block.splitlines()[0]: block for block in out.split("\n\n")[1:]}
    first, second = sections["recommendation 1: timeline"], sections["recommendation 2: timeline"]
    for kind in ("response_accepted", "status_update_submitted", "extension_requested",
                 "extension_approved", "extension_denied", "hold_placed", "hold_lifted",
                 "recommendation_closed"):
        assert kind in first, kind
    assert_line(first, "2023-05-01", "status_update_submitted", "40% Draft policy issued")
    assert_line(first, "2023-05-10", "extension_approved", "target_completion to 2024-03-31")
    assert_line(first, today, "extension_denied", "milestone:Final policy to 2024-01-31")
    assert_line(first, "2023-08-01", "hold_placed", "agency reorganisation (memo hold)")
    assert_line(second, "2023-04-01", "response_disputed", "the plan has no annual review")
    assert_line(second, today, "recommendation_reopened", "the audit plan was never adopted")
    assert [line.split()[1] for line in second.splitlines()
            if "recommendation_closed" in line or "recommendation_reopened" in line] == [
        "recommendation_closed", "recommendation_reopened", "recommendation_closed"]
    third = sections["recommendation 3: timeline"]
    assert_line(third, "2023-03-15", "hold_lifted", "after 10 days")
    assert_line(third, "2023-03-20", "recommendation_closed",
                "not_implemented - the office accepts existing guidance")
    memo_timeline = sections[f"memo {memo_id}: timeline"]
    assert_line(memo_timeline, "2023-04-24", "published", "summary https://office.example/s.pdf")
    assert_line(memo_timeline, "2023-08-15", "hold_lifted", "after 14 days")
    assert "memo_closed" in memo_timeline


def test_walkthrough_plan_file_is_valid() -> None:
    """The README walkthrough's plan file loads, with the date of its letter."""
    cmd = load_action_plan(ROOT / "examples" / "plans" / "crcl-2022-ice-frd-plan-1.yaml",
                           received_on=None, today=date(2030, 1, 1))
    assert cmd.received_on == date(2023, 2, 27)
    assert [m.title for m in cmd.plan.milestones] == ["Draft policy", "Final policy"]


def assert_line(block: str, day: str, kind: str, detail: str) -> None:
    """`block` has a timeline line `day kind detail...`."""
    lines = [line for line in block.splitlines() if line.split()[:2] == [day, kind]]
    assert any(detail in line for line in lines), (day, kind, detail, block)


async def all_held(stack: Stack, memo_id: str) -> bool:
    held = await asyncio.gather(*(stack.rec_state(memo_id, n) for n in (1, 2)))
    return all(r.hold is not None and r.hold.by_memo for r in held)


async def stored_status(stack: Stack, memo_id: str, status: str) -> bool:
    view = stack.stored_view(memo_id)
    return view is not None and view.status == status

