"""An office token does everything: one ICE memo from issue to closure through the API."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.api.support import ICE_MEMO, Api, assert_problem, memo_body
from tests.helpers import ice_followup_response
from tests.integration.support import eventually, office_today

RESPONSE = ice_followup_response("logs exist", "a match is a lead only")
EVIDENCE = [{"title": "Final policy", "uri": "https://ice.example/policy.pdf"}]


async def post(api: Api, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = await api["office"].post(path, json=body)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


async def follow_up_1(api: Api, rec: str) -> None:
    accepted = await post(api, f"{rec}/review", {"decision": "accept",
                                                 "reviewed_on": "2023-03-10"})
    assert accepted["state"]["implementation"] == "in_progress"
    assert accepted["due_dates"]["status_update"] == "2023-06-08"
    updated = await post(api, f"{rec}/status-updates", {
        "received_on": "2023-06-01", "progress": "draft circulated", "percent_complete": 40,
        "milestones_done": ["Draft policy"], "evidence": EVIDENCE})
    assert "milestone:Draft policy" not in updated["due_dates"]
    asked = await post(api, f"{rec}/extension-requests", {
        "clock": "target_completion", "to_date": "2024-03-31", "reason": "union",
        "requested_on": "2023-06-01"})
    [request] = asked["state"]["extension_requests"]
    decided = await post(api, f"{rec}/extension-requests/{request['id']}/decision",
                         {"approve": True, "decided_by": "Deputy", "decided_on": "2023-06-05"})
    assert decided["due_dates"]["target_completion"] == "2024-03-31"
    closed = await post(api, f"{rec}/close", {"reason": "implemented", "justification":
                                              "in force", "closed_on": "2023-11-01",
                                              "evidence": EVIDENCE})
    assert closed["state"]["closure_reason"] == "implemented" and closed["due_dates"] == {}
    assert_problem(await api["office"].post(f"{rec}/close", json={
        "reason": "implemented", "justification": "again", "evidence": EVIDENCE}), 409)
    reopened = await post(api, f"{rec}/reopen", {"reason": "rescinded", "on": "2023-12-01"})
    assert reopened["state"]["implementation"] != "closed"
    await post(api, f"{rec}/close", {"reason": "implemented", "justification": "reissued",
                                     "closed_on": "2023-12-15", "evidence": EVIDENCE})


async def follow_up_2(api: Api, rec: str) -> None:
    await post(api, f"{rec}/action-plan", {"received_on": "2023-03-30", "plan": {
        "responsible_official": "ICE Records Officer", "target_completion_on": "2024-06-30"}})
    disputed = await post(api, f"{rec}/review", {"decision": "dispute", "reason": "thin",
                                                 "reviewed_on": "2023-03-31"})
    assert disputed["due_dates"] == {"revision": "2023-04-30"}
    held = await post(api, f"{rec}/hold", {"reason": "litigation", "on": "2023-04-01"})
    assert held["state"]["hold"]["since"] == "2023-04-01"
    resumed = await post(api, f"{rec}/resume", {"on": "2023-05-01"})
    assert resumed["due_dates"] == {"revision": "2023-05-30"}  # moved by 30 days on hold
    today = office_today()
    held = await post(api, f"{rec}/hold", {"reason": "no date: today"})
    assert held["state"]["hold"]["since"] == today.isoformat()
    resumed = await post(api, f"{rec}/resume")  # no body at all
    assert resumed["state"]["hold"] is None
    await post(api, f"{rec}/close", {"reason": "not_implemented", "justification": "no deal"})


async def follow_up_3(api: Api, rec: str) -> None:
    closed = await post(api, f"{rec}/review", {
        "decision": "accept", "reviewed_on": "2023-03-15", "closure_reason": "not_implemented",
        "justification": "guidance suffices"})
    assert closed["state"]["closure_reason"] == "not_implemented"


async def test_office_takes_a_memo_from_issue_to_closure(api: Api) -> None:
    memo_id = await api.issue(ICE_MEMO)
    path = f"/memos/{memo_id}"
    shown = (await api["office"].get(path)).json()
    assert (shown["status"], shown["response_due_on"], shown["overdue"]) == (
        "awaiting_response", "2022-11-29", True)
    extended = await post(api, f"{path}/extensions", {
        "to_due_on": "2022-12-15", "reason": "reorganisation", "approved_by": "Deputy"})
    assert extended["memo"]["response_due_on"] == "2022-12-15"
    assert extended["extensions"][0]["from_due_on"] == "2022-11-29"
    answered = await post(api, f"{path}/responses", RESPONSE)
    assert answered["memo"]["status"] == "responded"
    assert answered["memo"]["days_late"] == 46  # 2023-01-30 against 2022-12-15
    assert answered["memo"]["counts"] == {"concurred": 1, "partially_concurred": 1,
                                          "non_concurred": 1, "awaiting": 0}
    again = await api["office"].post(f"{path}/responses", json={
        "received_on": "2023-01-31", "responses": [{"number": 1, "decision": "concur"}]})
    assert "already answered" in assert_problem(again, 409)["detail"]
    published = await post(api, f"{path}/publications", {
        "kind": "summary", "uri": "https://office.example/s.pdf", "published_on": "2023-04-24"})
    assert published["publications"][0]["published_on"] == "2023-04-24"
    held = await post(api, f"{path}/hold", {"reason": "reorganisation", "on": "2023-07-01"})
    assert held["hold"]["since"] == "2023-07-01"
    assert (await post(api, f"{path}/resume", {"on": "2023-07-15"}))["hold"] is None

    rec = f"{path}/recommendations"
    await asyncio.gather(follow_up_1(api, f"{rec}/1"), follow_up_2(api, f"{rec}/2"),
                         follow_up_3(api, f"{rec}/3"))

    async def closed() -> bool:
        status: str = (await api["office"].get(path)).json()["status"]
        return status == "closed"

    await eventually(closed, "the memo closes with its last recommendation")
    stored = (await api["office"].get(path)).json()
    assert [r["closure_reason"] for r in stored["recommendations"]] == [
        "implemented", "not_implemented", "not_implemented"]
    timeline = (await api["office"].get(f"{path}/timeline", params={"number": 1})).json()
    kinds = {event["kind"] for event in timeline}
    assert {"response_recorded", "response_accepted", "status_update_submitted",
            "extension_approved", "recommendation_closed",
            "recommendation_reopened"} <= kinds
    live = (await api["office"].get(f"{path}/live")).json()
    assert live["memo"]["status"] == "closed" and live["state"]["publications"]


async def test_office_withdraws_and_nothing_more_is_accepted(api: Api) -> None:
    memo_id = await api.issue(ICE_MEMO, response_due_on="2022-12-31")
    withdrawn = await post(api, f"/memos/{memo_id}/withdraw", {"reason": "superseded"})
    assert withdrawn["memo"]["status"] == "withdrawn"
    assert withdrawn["withdrawn_reason"] == "superseded"
    refused = await api["office"].post(f"/memos/{memo_id}/responses", json={
        "received_on": "2023-01-30", "responses": [{"number": 1, "decision": "concur"}]})
    assert "withdrawn" in assert_problem(refused, 409)["detail"]
    again = await api["office"].post("/memos", json=memo_body(ICE_MEMO, memo_id))
    assert_problem(again, 409, "memo_id")
