"""Hostile input gets one clear 4xx refusal, never a 503: bodies over the limit are 413
before they are parsed, oversized fields and lists 422 naming the field and the limit,
numbers and timestamps are not dates, dates out of bounds are 422. Only Temporal being
down is 503 (checked against a real closed port)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from api.app import create_app
from api.serve import start_api
from domain.limits import MAX_DOCUMENT_BYTES
from tests.api.support import ICE_MEMO, Api, assert_problem, memo_body
from tests.integration.support import unique_id


def too_large(response: httpx.Response) -> None:
    problem = assert_problem(response, 413, "body")
    assert problem["type"].endswith("/too-large")
    assert str(MAX_DOCUMENT_BYTES) in problem["detail"] and "512 KiB" in problem["detail"]


async def not_started(api: Api, memo_id: str) -> None:
    assert_problem(await api["office"].get(f"/memos/{memo_id}"), 404)
    assert api.stack.stored_view(memo_id) is None


async def test_a_ten_megabyte_title_is_413_naming_the_limit(api: Api) -> None:
    memo_id = unique_id("API-HUGE")
    body = memo_body(ICE_MEMO, memo_id, title="t" * 10_000_000)
    too_large(await api["office"].post("/memos", json=body))
    await not_started(api, memo_id)


async def test_a_chunked_body_over_the_limit_is_413_while_it_streams(api: Api) -> None:
    memo_id = unique_id("API-CHUNKED")

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"memo_id": "' + memo_id.encode() + b'", "title": "'
        for _ in range(40):
            yield b"t" * 64 * 1024
        yield b'"}'

    response = await api["office"].post("/memos", content=chunks(),
                                        headers={"Content-Type": "application/json"})
    assert "content-length" not in response.request.headers
    too_large(response)
    await not_started(api, memo_id)


async def test_ten_thousand_recommendations_are_422_naming_the_limit(api: Api) -> None:
    memo_id = unique_id("API-MANY")
    recs = [{"number": n, "text": "x"} for n in range(1, 10_001)]
    response = await api["office"].post("/memos", json=memo_body(ICE_MEMO, memo_id,
                                                                 recommendations=recs))
    assert "at most 1000 items" in assert_problem(response, 422, "recommendations")["detail"]
    await not_started(api, memo_id)


async def test_long_fields_are_422_naming_the_field_and_limit(api: Api, ice_memo: str) -> None:
    office = api["office"]
    memo_id = unique_id("API-LONG")
    title = await office.post("/memos", json=memo_body(ICE_MEMO, memo_id, title="t" * 501))
    assert "at most 500 characters" in assert_problem(title, 422, "title")["detail"]
    before = api.stack.stored_json(ice_memo)
    reason = await office.post(f"/memos/{ice_memo}/withdraw", json={"reason": "r" * 10_001})
    assert "at most 10000 characters" in assert_problem(reason, 422, "reason")["detail"]
    assert api.stack.stored_json(ice_memo) == before


@pytest.mark.parametrize("bad", [0, 1_700_000_000, 1.5, True, "2023-01-30T00:00:00",
                                 "20230130", "1949-12-31"], ids=repr)
async def test_a_number_or_timestamp_is_not_a_business_date(api: Api, ice_memo: str,
                                                             bad: object) -> None:
    before = api.stack.stored_json(ice_memo)
    response = await api["office"].post(
        f"/memos/{ice_memo}/recommendations/2/close",
        json={"reason": "superseded", "justification": "newer memo", "closed_on": bad})
    assert_problem(response, 422, "closed_on")
    withdraw = await api["office"].post(f"/memos/{ice_memo}/withdraw",
                                        json={"reason": "x", "on": bad})
    assert_problem(withdraw, 422, "on")
    assert api.stack.stored_json(ice_memo) == before


async def test_dates_out_of_bounds_are_422_naming_the_field_and_bound(
        api: Api, ice_memo: str) -> None:
    office = api["office"]
    before = api.stack.stored_json(ice_memo)
    early = await office.post(f"/memos/{ice_memo}/recommendations/2/close", json={
        "reason": "superseded", "justification": "newer memo", "closed_on": "2001-01-01"})
    problem = assert_problem(early, 422, "closed_on")
    assert "closed_on 2001-01-01 is before the memo's issue date 2022-09-30" in \
        problem["detail"]
    far = await office.post(f"/memos/{ice_memo}/extensions", json={
        "to_due_on": "2060-01-01", "reason": "x", "approved_by": "y"})
    assert "more than 30 years after the memo's issue date" in \
        assert_problem(far, 422, "to_due_on")["detail"]
    assert api.stack.stored_json(ice_memo) == before
    memo_id = unique_id("API-FUTURE")
    future = await office.post("/memos", json=memo_body(ICE_MEMO, memo_id,
                                                        issued_on="2999-01-01"))
    assert "is after tomorrow" in assert_problem(future, 422, "issued_on")["detail"]
    await not_started(api, memo_id)


def closed_port() -> int:
    """A port nothing listens on: bound once to find it free, then closed."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_temporal_down_is_503_problem_for_an_action(
        api: Api, ice_memo: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPORAL_ADDRESS", f"127.0.0.1:{closed_port()}")
    app = create_app(api.stack.settings)  # no client: it connects on first use, and fails
    running = await start_api(app, host="127.0.0.1", port=0)
    try:
        async with httpx.AsyncClient(base_url=running.url, timeout=60.0, headers={
                "Authorization": f"Bearer {api.tokens['office']}"}) as office:
            response = await office.post(f"/memos/{ice_memo}/withdraw",
                                         json={"reason": "superseded"})
            problem = assert_problem(response, 503)
            assert problem["type"].endswith("/unavailable")
            assert "cannot reach Temporal at 127.0.0.1:" in problem["detail"]
            # Reads come from the store and still work.
            assert (await office.get(f"/memos/{ice_memo}")).status_code == 200
    finally:
        await running.stop()
    assert (await api.stack.live_state(ice_memo)).status.value == "awaiting_response"
