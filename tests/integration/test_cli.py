"""`rectrack` end to end: the real binary against the session's dev server and worker."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tests.integration.support import ICE_RESPONSE, Stack, office_today, unique_id, write_memo

CONTRACT_KEYS = {"memo_id", "component", "status", "issued_on", "response_due_on",
                 "response_received_on", "days_late", "overdue", "counts", "recommendations"}
COUNT_KEYS = {"concurred", "partially_concurred", "non_concurred", "awaiting"}
RECOMMENDATION_KEYS = {"number", "response", "received_on", "implementation", "closure_reason"}


def ids(views: list[dict[str, Any]]) -> set[str]:
    return {v["memo_id"] for v in views}


async def test_issue_show_respond_and_live_view(stack: Stack, tmp_path: Path,
                                                memo_id: str) -> None:
    issued = await stack.cli("issue", write_memo(tmp_path, memo_id))
    assert issued.returncode == 0, issued
    assert memo_id in issued.stdout

    view = await stack.show(memo_id)
    assert CONTRACT_KEYS <= view.keys()
    assert view["memo_id"] == memo_id
    assert view["component"] == "ICE"
    assert view["status"] == "awaiting_response"
    assert view["issued_on"] == "2022-09-30"
    assert view["response_due_on"] == "2022-11-29"
    assert view["response_received_on"] is None
    assert view["overdue"] is True
    assert view["days_late"] == (office_today() - date(2022, 11, 29)).days
    assert set(view["counts"]) == COUNT_KEYS
    assert view["counts"] == {"concurred": 0, "partially_concurred": 0, "non_concurred": 0,
                              "awaiting": 3}
    assert [r["number"] for r in view["recommendations"]] == [1, 2, 3]
    for rec in view["recommendations"]:
        assert RECOMMENDATION_KEYS <= rec.keys()
        assert (rec["response"], rec["received_on"], rec["implementation"],
                rec["closure_reason"]) == ("awaiting", None, "open", None)

    responded = await stack.cli("respond", memo_id, "--file", ICE_RESPONSE)
    assert responded.returncode == 0, responded

    stored, live, human = await asyncio.gather(
        stack.show(memo_id), stack.show(memo_id, "--live"), stack.cli("show", memo_id))
    assert stored["status"] == "responded"
    assert stored["response_received_on"] == "2023-01-30"
    assert stored["days_late"] == 62
    assert stored["overdue"] is False
    assert stored["counts"] == {"concurred": 1, "partially_concurred": 0, "non_concurred": 2,
                                "awaiting": 0}
    assert [r["response"] for r in stored["recommendations"]] == [
        "concurred", "non_concurred", "non_concurred"]
    assert {r["received_on"] for r in stored["recommendations"]} == {"2023-01-30"}
    assert live == stored

    assert human.returncode == 0, human
    assert memo_id in human.stdout
    assert "responded" in human.stdout


async def test_partial_response_with_flags_keeps_memo_awaiting(
        stack: Stack, tmp_path: Path, memo_id: str) -> None:
    await stack.issue(write_memo(tmp_path, memo_id))

    result = await stack.cli("respond", memo_id, "--received-on", "2023-01-30",
                             "--concur", "1", "--non-concur", "2:duplicates existing records")
    assert result.returncode == 0, result

    view = stack.stored_json(memo_id)
    assert view["status"] == "awaiting_response"
    assert view["response_received_on"] is None
    assert view["overdue"] is True
    assert view["counts"] == {"concurred": 1, "partially_concurred": 0, "non_concurred": 1,
                              "awaiting": 1}
    recs = {r["number"]: r for r in view["recommendations"]}
    assert (recs[1]["response"], recs[1]["received_on"]) == ("concurred", "2023-01-30")
    assert (recs[2]["response"], recs[2]["rationale"]) == (
        "non_concurred", "duplicates existing records")
    assert (recs[3]["response"], recs[3]["received_on"]) == ("awaiting", None)


async def test_list_filters(stack: Stack, tmp_path: Path) -> None:
    overdue_id, responded_id, fresh_id = unique_id("OVD"), unique_id("RSP"), unique_id("NEW")
    fresh_component = unique_id("CMP")
    await asyncio.gather(
        stack.issue(write_memo(tmp_path, overdue_id)),
        stack.issue(write_memo(tmp_path, responded_id)),
        stack.issue(write_memo(tmp_path, fresh_id, component=fresh_component,
                               issued_on=office_today())),
    )
    assert (await stack.cli("respond", responded_id, "--file", ICE_RESPONSE)).returncode == 0

    everything, overdue, ice, responded, fresh, human = await asyncio.gather(
        stack.cli("list", "--json"),
        stack.cli("list", "--overdue", "--json"),
        stack.cli("list", "--component", "ICE", "--json"),
        stack.cli("list", "--status", "responded", "--json"),
        stack.cli("list", "--component", fresh_component, "--json"),
        stack.cli("list"),
    )
    mine = {overdue_id, responded_id, fresh_id}
    assert mine <= ids(everything.json())

    overdue_views = overdue.json()
    assert ids(overdue_views) & mine == {overdue_id}
    assert all(v["overdue"] and v["status"] == "awaiting_response" for v in overdue_views)

    ice_views = ice.json()
    assert ids(ice_views) & mine == {overdue_id, responded_id}
    assert {v["component"] for v in ice_views} == {"ICE"}

    responded_views = responded.json()
    assert ids(responded_views) & mine == {responded_id}
    assert {v["status"] for v in responded_views} == {"responded"}

    [fresh_view] = fresh.json()
    assert fresh_view["memo_id"] == fresh_id
    assert fresh_view["overdue"] is False
    assert fresh_view["response_due_on"] == (office_today() + timedelta(days=60)).isoformat()

    assert human.returncode == 0, human
    for memo in mine:
        assert memo in human.stdout
    assert "MEMO" in human.stdout.splitlines()[0]


async def test_extend_then_withdraw(stack: Stack, tmp_path: Path, memo_id: str) -> None:
    await stack.issue(write_memo(tmp_path, memo_id))
    new_due = office_today() + timedelta(days=30)

    extended = await stack.cli("extend", memo_id, "--to", new_due.isoformat(),
                               "--reason", "leadership transition", "--approved-by", "Director")
    assert extended.returncode == 0, extended
    assert f"extended memo {memo_id} to {new_due}" in extended.stdout
    view = stack.stored_json(memo_id)
    assert view["response_due_on"] == new_due.isoformat()
    assert view["status"] == "awaiting_response"
    assert (view["overdue"], view["days_late"]) == (False, 0)
    assert (await stack.live_state(memo_id)).extensions[0].approved_by == "Director"

    withdrawn = await stack.cli("withdraw", memo_id, "--reason", "superseded by a new review")
    assert withdrawn.returncode == 0, withdrawn
    view = stack.stored_json(memo_id)
    assert view["status"] == "withdrawn"
    assert view["overdue"] is False
    assert {(r["implementation"], r["closure_reason"]) for r in view["recommendations"]} == {
        ("closed", "withdrawn")}
    kinds = [e.kind for e in stack.events(memo_id)]
    assert "extension_granted" in kinds and "memo_withdrawn" in kinds
    # Dated today in the office by default: the closures carry that date.
    live = await stack.live_state(memo_id)
    assert {r.closed_on for r in live.recommendations} == {office_today()}
