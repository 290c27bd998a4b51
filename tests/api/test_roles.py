"""Each role allowed and refused where it must be; tokens checked on every request."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from store.tokens import revoke_token
from tests.api.support import CBP_MEMO, Api, assert_problem

RESPONSE = {"received_on": "2025-02-20", "responses": [{"number": 1, "decision": "concur"}]}
PLAN = {"received_on": "2025-02-20", "plan": {
    "responsible_official": "CBP audit liaison", "target_completion_on": "2026-12-31",
    "milestones": []}}
STATUS_UPDATE = {"received_on": "2025-06-01", "progress": "half done"}
EXTENSION_REQUEST = {"clock": "action_plan", "to_date": "2026-01-31", "reason": "workload"}


def attempts(memo_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Every action on a memo, with a valid body."""
    rec = f"/memos/{memo_id}/recommendations/1"
    return [
        (f"/memos/{memo_id}/responses", RESPONSE),
        (f"/memos/{memo_id}/extensions",
         {"to_due_on": "2027-03-31", "reason": "x", "approved_by": "y"}),
        (f"/memos/{memo_id}/withdraw", {"reason": "superseded"}),
        (f"/memos/{memo_id}/hold", {"reason": "litigation"}),
        (f"/memos/{memo_id}/resume", {}),
        (f"/memos/{memo_id}/publications", {"kind": "summary", "uri": "https://x.example/s"}),
        (f"{rec}/action-plan", PLAN),
        (f"{rec}/review", {"decision": "accept"}),
        (f"{rec}/status-updates", STATUS_UPDATE),
        (f"{rec}/extension-requests", EXTENSION_REQUEST),
        (f"{rec}/extension-requests/1/decision", {"approve": True, "decided_by": "x"}),
        (f"{rec}/hold", {"reason": "litigation"}),
        (f"{rec}/resume", {}),
        (f"{rec}/close", {"reason": "superseded", "justification": "newer memo"}),
        (f"{rec}/reopen", {"reason": "rescinded"}),
    ]


CLOCK_EVENTS = {"notice_sent", "notice_failed", "became_overdue"}
AGENCY_ACTIONS = ("/responses", "/action-plan", "/status-updates", "/extension-requests")


def actions(api: Api, memo_id: str) -> list[str]:
    """The memo's audit log without what the clock does by itself (notices, overdue)."""
    return [e.event_id for e in api.stack.events(memo_id) if e.kind not in CLOCK_EVENTS]


async def unchanged(api: Api, memo_id: str, before: dict[str, Any], events: list[str]) -> None:
    """The memo is exactly as it was: store row, audit log and the workflow itself."""
    assert api.stack.stored_json(memo_id) == before
    assert actions(api, memo_id) == events
    live = await api.stack.live_state(memo_id)
    assert live.status.value == "awaiting_response"
    assert all(r.response.value == "awaiting" for r in live.recommendations)
    assert not live.extensions and live.hold is None and not live.publications


async def test_agency_can_neither_see_nor_answer_another_components_memo(
        api: Api, cbp_memo: str) -> None:
    before, events = api.stack.stored_json(cbp_memo), actions(api, cbp_memo)
    ice = api["ice"]
    for path in ("", "/timeline", "/live"):
        assert_problem(await ice.get(f"/memos/{cbp_memo}{path}"), 404, "memo_id")
    for path, body in attempts(cbp_memo):
        # What agencies may do is hidden (404); what they may never do is forbidden (403).
        expected = 404 if path.endswith(AGENCY_ACTIONS) else 403
        assert_problem(await ice.post(path, json=body), expected)
    listed = (await ice.get("/memos")).json()
    assert cbp_memo not in {m["memo_id"] for m in listed["items"]}
    assert {m["component"] for m in listed["items"]} <= {"ICE"}
    assert_problem(await ice.get("/memos", params={"component": "CBP"}), 403, "component")
    await unchanged(api, cbp_memo, before, events)
    # The CBP agency itself sees it.
    assert (await api["cbp"].get(f"/memos/{cbp_memo}")).json()["memo_id"] == cbp_memo


async def test_agency_answers_for_its_own_component_only(api: Api) -> None:
    memo_id = await api.issue(CBP_MEMO)
    cbp = api["cbp"]
    for path, body in attempts(memo_id):
        if not path.endswith(AGENCY_ACTIONS):
            assert_problem(await cbp.post(path, json=body), 403)
    response = await cbp.post(f"/memos/{memo_id}/responses", json=RESPONSE)
    assert response.status_code == 200, response.text
    memo = response.json()["memo"]
    assert memo["counts"] == {"concurred": 1, "partially_concurred": 0, "non_concurred": 0,
                              "awaiting": 7}
    rec = f"/memos/{memo_id}/recommendations/1"
    planned = await cbp.post(f"{rec}/action-plan", json=PLAN)
    assert planned.status_code == 200, planned.text
    assert planned.json()["state"]["action_plan"]["responsible_official"] == "CBP audit liaison"
    asked = await cbp.post(f"{rec}/extension-requests", json={
        "clock": "target_completion", "to_date": "2027-06-30", "reason": "budget",
        "requested_on": "2025-03-01"})
    assert_problem(asked, 422, "clock")  # no target completion date until it is accepted
    assert (await api["office"].post(f"{rec}/review", json={
        "decision": "accept", "reviewed_on": "2025-03-01"})).status_code == 200
    updated = await cbp.post(f"{rec}/status-updates", json=STATUS_UPDATE)
    assert updated.status_code == 200, updated.text
    assert updated.json()["state"]["status_updates"][0]["progress"] == "half done"
    asked = await cbp.post(f"{rec}/extension-requests", json={
        "clock": "target_completion", "to_date": "2027-06-30", "reason": "budget"})
    assert asked.status_code == 200, asked.text
    [request] = asked.json()["state"]["extension_requests"]
    assert request["status"] == "pending"


async def test_manager_reads_everything_and_changes_nothing(
        api: Api, cbp_memo: str, ice_memo: str) -> None:
    manager = api["manager"]
    before, events = api.stack.stored_json(cbp_memo), actions(api, cbp_memo)
    for memo_id in (cbp_memo, ice_memo):
        shown = await manager.get(f"/memos/{memo_id}")
        assert shown.status_code == 200 and shown.json()["memo_id"] == memo_id
        assert (await manager.get(f"/memos/{memo_id}/timeline")).status_code == 200
        live = await manager.get(f"/memos/{memo_id}/live")
        assert live.status_code == 200 and live.json()["state"]["spec"]["memo_id"] == memo_id
    listed = {m["memo_id"] for m in (await manager.get("/memos")).json()["items"]}
    assert {cbp_memo, ice_memo} <= listed
    for path, body in attempts(cbp_memo):
        assert_problem(await manager.post(path, json=body), 403)
    assert_problem(await manager.post("/memos", json={"memo_id": "X"}), 403)
    await unchanged(api, cbp_memo, before, events)


async def test_missing_malformed_and_unknown_tokens_are_401(api: Api, ice_memo: str) -> None:
    path = f"/memos/{ice_memo}"
    for token in (None, "not-a-token", "rectrack_short", "rectrack_" + "x" * 43):
        async with api.client(token) as client:
            response = await client.get(path)
        problem = assert_problem(response, 401)
        assert problem["type"].endswith("/unauthorized")
        assert response.headers["www-authenticate"].startswith("Bearer")
    async with api.client(None) as client:  # not a bearer token at all
        client.headers["Authorization"] = f"Basic {api.tokens['office']}"
        assert_problem(await client.get(path), 401)


async def test_revocation_takes_effect_at_once(api: Api, ice_memo: str) -> None:
    token_id, token = api.new_token("office")
    async with api.client(token) as client:
        assert (await client.get(f"/memos/{ice_memo}")).status_code == 200
        with Session(api.stack.engine) as session:
            assert revoke_token(session, token_id=token_id) is not None
        # The very next request, on the same connection, is refused; nothing changes.
        assert_problem(await client.get(f"/memos/{ice_memo}"), 401)
        refused = await client.post(f"/memos/{ice_memo}/withdraw", json={"reason": "x"})
        assert_problem(refused, 401)
    assert api.stack.stored_json(ice_memo)["status"] == "awaiting_response"
