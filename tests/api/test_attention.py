"""The memo JSON carries the attention state: `attention` on the memo and on each
recommendation, `needs_attention` on the memo; every other field as before."""

from __future__ import annotations

from tests.api.support import ICE_MEMO, Api
from tests.integration.attention_support import flag_attention

REASON = "no reminder date: the due date is past the end of the calendar"
VIEW_FIELDS = {"memo_id", "title", "office", "component", "status", "issued_on",
               "response_due_on", "response_received_on", "days_late", "overdue", "counts",
               "recommendations"}
REC_FIELDS = {"number", "text", "kind", "response", "rationale", "received_on", "days_late",
              "implementation", "resolution", "closure_reason"}


async def test_a_calm_memo_says_so_and_keeps_its_fields(api: Api) -> None:
    memo_id = await api.issue(ICE_MEMO)
    shown = (await api["manager"].get(f"/memos/{memo_id}")).json()
    assert set(shown) == VIEW_FIELDS | {"attention", "needs_attention"}
    assert (shown["attention"], shown["needs_attention"]) == (None, False)
    for rec in shown["recommendations"]:
        assert set(rec) == REC_FIELDS | {"attention"} and rec["attention"] is None
    live = (await api["manager"].get(f"/memos/{memo_id}/live")).json()
    assert (live["memo"]["attention"], live["memo"]["needs_attention"]) == (None, False)


async def test_memo_and_recommendation_attention_in_the_json(api: Api) -> None:
    memo_id = await api.issue(ICE_MEMO)
    await flag_attention(api.stack, memo_id, REASON, number=2)

    shown = (await api["office"].get(f"/memos/{memo_id}")).json()
    assert (shown["attention"], shown["needs_attention"]) == (None, True)
    assert [r["attention"] for r in shown["recommendations"]] == [None, REASON, None]

    await flag_attention(api.stack, memo_id, "memo: " + REASON)
    shown = (await api["ice"].get(f"/memos/{memo_id}")).json()  # agency of the component
    assert (shown["attention"], shown["needs_attention"]) == ("memo: " + REASON, True)

    page = (await api["manager"].get("/memos", params={"component": "ICE",
                                                       "limit": 500})).json()
    [item] = [m for m in page["items"] if m["memo_id"] == memo_id]
    assert (item["attention"], item["needs_attention"]) == ("memo: " + REASON, True)
    assert item["recommendations"][1]["attention"] == REASON
