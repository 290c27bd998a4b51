"""The OpenAPI document, and problem documents for what no route serves."""

from __future__ import annotations

from tests.api.support import Api, assert_problem

ROUTES = {
    ("get", "/memos"), ("post", "/memos"), ("get", "/memos/{memo_id}"),
    ("get", "/memos/{memo_id}/timeline"), ("get", "/memos/{memo_id}/live"),
    ("post", "/memos/{memo_id}/responses"), ("post", "/memos/{memo_id}/extensions"),
    ("post", "/memos/{memo_id}/withdraw"), ("post", "/memos/{memo_id}/hold"),
    ("post", "/memos/{memo_id}/resume"), ("post", "/memos/{memo_id}/publications"),
    *(("post", f"/memos/{{memo_id}}/recommendations/{{number}}/{action}") for action in (
        "action-plan", "review", "status-updates", "extension-requests",
        "extension-requests/{request_id}/decision", "hold", "resume", "close", "reopen")),
    ("get", "/reports/{kind}"),
}


async def test_openapi_lists_every_route_with_bearer_auth_and_problems(api: Api) -> None:
    response = await api["anon"].get("/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "rectrack API"
    listed = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert ROUTES <= listed, ROUTES - listed
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "Problem" in schema["components"]["schemas"]
    review = schema["paths"]["/memos/{memo_id}/recommendations/{number}/review"]["post"]
    assert review["security"] == [{"bearer": []}]
    assert review["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ReviewBody")
    for status in ("401", "403", "404", "409", "422"):
        assert "application/problem+json" in review["responses"][status]["content"], status
    assert (await api["anon"].get("/docs")).status_code == 200


async def test_unknown_route_and_method_are_problems(api: Api) -> None:
    assert_problem(await api["office"].get("/nowhere"), 404)
    assert_problem(await api["office"].delete("/memos"), 405)
