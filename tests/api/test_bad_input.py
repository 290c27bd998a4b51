"""Bad input gets a clear 4xx problem document naming the field, never a 500, and
changes nothing."""

from __future__ import annotations

from tests.api.support import ICE_MEMO, Api, assert_problem, memo_body

CONCUR_1 = {"received_on": "2023-01-30", "responses": [{"number": 1, "decision": "concur"}]}


async def test_bodies_failing_validation_are_422_naming_the_field(
        api: Api, ice_memo: str) -> None:
    office = api["office"]
    path = f"/memos/{ice_memo}"
    before = api.stack.stored_json(ice_memo)
    cases = [
        (f"{path}/responses", {"received_on": "2023-01-30", "responses": [
            {"number": 1, "decision": "concur"},
            {"number": 2, "decision": "non_concur"}]}, "responses.1"),
        (f"{path}/responses", {"received_on": "someday", "responses": []}, "received_on"),
        (f"{path}/responses", {**CONCUR_1, "by": "x"}, "by"),
        (f"{path}/withdraw", {"reason": ""}, "reason"),
        (f"{path}/withdraw", {}, "reason"),
        (f"{path}/extensions", {"to_due_on": "2023-13-01", "reason": "x", "approved_by": "y"},
         "to_due_on"),
        (f"{path}/recommendations/1/close", {"reason": "forgotten", "justification": "x"},
         "reason"),
        (f"{path}/recommendations/1/status-updates", {"progress": "x", "percent_complete": 101},
         "percent_complete"),
    ]
    for url, body, field in cases:
        problem = assert_problem(await office.post(url, json=body), 422, field)
        assert problem["type"].endswith("/invalid-input") and field in problem["detail"]
    not_json = await office.post(f"{path}/withdraw", content=b"{reason:",
                                 headers={"Content-Type": "application/json"})
    assert_problem(not_json, 422, "body")
    assert_problem(await office.post(f"{path}/withdraw"), 422, "body")  # no body at all
    assert api.stack.stored_json(ice_memo) == before


async def test_domain_rejections_are_409_or_422_and_change_nothing(
        api: Api, ice_memo: str) -> None:
    office = api["office"]
    path = f"/memos/{ice_memo}"
    before = api.stack.stored_json(ice_memo)
    future = await office.post(f"{path}/responses", json={**CONCUR_1,
                                                          "received_on": "2999-01-01"})
    assert "in the future" in assert_problem(future, 422, "received_on")["detail"]
    early = await office.post(f"{path}/extensions", json={
        "to_due_on": "2022-11-01", "reason": "x", "approved_by": "y"})
    assert_problem(early, 422, "to_due_on")
    unanswered = await office.post(f"{path}/recommendations/1/review",
                                   json={"decision": "accept"})
    assert "no response yet" in assert_problem(unanswered, 409)["detail"]
    assert_problem(await office.post(f"{path}/resume", json={}), 409)  # not on hold
    mismatch = await office.post(f"{path}/recommendations/1/extension-requests/2/decision",
                                 json={"request_id": 3, "approve": True, "decided_by": "x"})
    assert_problem(mismatch, 422, "request_id")
    assert api.stack.stored_json(ice_memo) == before
    live = await api.stack.live_state(ice_memo)
    assert live.status.value == "awaiting_response" and not live.extensions


async def test_unknown_memo_recommendation_and_forbidden_ids(api: Api, ice_memo: str) -> None:
    office = api["office"]
    assert_problem(await office.get("/memos/NO-SUCH-MEMO"), 404, "memo_id")
    assert_problem(await office.post("/memos/NO-SUCH-MEMO/responses", json=CONCUR_1), 404,
                   "memo_id")
    assert_problem(await office.post(f"/memos/{ice_memo}/recommendations/9/close", json={
        "reason": "superseded", "justification": "x"}), 404, "number")
    assert_problem(await office.get(f"/memos/{ice_memo}/timeline", params={"number": 9}),
                   404, "number")
    for bad in ("bad$id", "bad id", "a" * 65, "caf%C3%A9", "semi;colon"):
        assert_problem(await office.get(f"/memos/{bad}"), 422, "memo_id")
        assert_problem(await office.post(f"/memos/{bad}/withdraw", json={"reason": "x"}),
                       422, "memo_id")
    assert_problem(await office.post(f"/memos/{ice_memo}/recommendations/0/close", json={
        "reason": "superseded", "justification": "x"}), 422, "number")
    bad_file = memo_body(ICE_MEMO, "bad$id")
    assert_problem(await office.post("/memos", json=bad_file), 422, "memo_id")
    no_recs = memo_body(ICE_MEMO, "API-EMPTY", recommendations=[])
    assert_problem(await office.post("/memos", json=no_recs), 422, "recommendations")
    bad_zone = memo_body(ICE_MEMO, "API-BAD-ZONE", time_zone="Mars/Olympus")
    assert_problem(await office.post("/memos", json=bad_zone), 422, "time_zone")
    # Once a due date past the end of the calendar; now refused as issued after tomorrow.
    no_due_date = memo_body(ICE_MEMO, "API-NO-DUE", issued_on="9999-12-30")
    assert_problem(await office.post("/memos", json=no_due_date), 422, "issued_on")
    listed = (await office.get("/memos")).json()["items"]
    assert not {"API-EMPTY", "API-BAD-ZONE", "API-NO-DUE"} & {m["memo_id"] for m in listed}


async def test_page_sizes_and_filters_are_bounded(api: Api, ice_memo: str) -> None:
    office = api["office"]
    assert_problem(await office.get("/memos", params={"limit": 10**9}), 422, "limit")
    assert_problem(await office.get("/memos", params={"limit": 0}), 422, "limit")
    assert_problem(await office.get("/memos", params={"offset": -1}), 422, "offset")
    assert_problem(await office.get("/memos", params={"status": "lost"}), 422, "status")
    assert_problem(await office.get("/memos", params={"overdue": "maybe"}), 422, "overdue")
    page = (await office.get("/memos", params={"limit": 1, "component": "ICE"})).json()
    assert page["limit"] == 1 and len(page["items"]) == 1 and page["total"] >= 1
    overdue = (await office.get("/memos", params={"overdue": True, "limit": 500})).json()
    assert ice_memo in {m["memo_id"] for m in overdue["items"]}
