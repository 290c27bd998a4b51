"""The dashboard's sign-in rules and page safety, over plain HTTP (no browser needed)."""

from __future__ import annotations

import httpx

from api.dashboard.session import COOKIE
from tests.api.support import ICE_MEMO, Api


def anonymous(api: Api) -> httpx.AsyncClient:
    """A client without a session that posts forms as a browser on this site does (with
    an `Origin` header of the dashboard's own origin)."""
    return httpx.AsyncClient(base_url=api.url, timeout=30.0, follow_redirects=False,
                             headers={"Origin": api.url})


async def test_pages_need_a_valid_token_and_sign_in_refuses_bad_ones(api: Api) -> None:
    _, token = api.new_token("manager")
    async with anonymous(api) as client:
        for path in ("/dashboard", "/dashboard/memos/X-1", "/dashboard/reports/overdue.csv"):
            response = await client.get(path)
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/dashboard/login"), path
        for bad in ("", "nope", "rectrack_" + "A" * 43):
            response = await client.post("/dashboard/login", data={"token": bad})
            assert response.status_code == 401 and COOKIE not in response.cookies
            assert "malformed, unknown or revoked" in response.text
        # A sign-in posted from another site is refused, whatever the token.
        response = await client.post("/dashboard/login", data={"token": token},
                                     headers={"Origin": "https://evil.example"})
        assert response.status_code == 403 and COOKIE not in response.cookies
        # `next` never leaves the dashboard.
        response = await client.post("/dashboard/login", data={
            "token": token, "next": "https://evil.example/dashboard"})
        assert response.status_code == 303 and response.headers["location"] == "/dashboard"
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/dashboard" in cookie
        page = await client.get("/dashboard")
        assert page.status_code == 200
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        assert page.headers["cache-control"] == "no-store"
        response = await client.post("/dashboard/logout")
        assert response.status_code == 303 and response.headers["location"] == "/dashboard/login"
        assert COOKIE not in client.cookies
        assert (await client.get("/dashboard")).status_code == 303


async def test_memo_text_is_escaped_and_pages_stay_out_of_openapi(api: Api) -> None:
    memo_id = await api.issue(ICE_MEMO, title="<script>alert(1)</script> & <b>co</b>")
    _, token = api.new_token("office")
    async with anonymous(api) as client:
        await client.post("/dashboard/login", data={"token": token})
        page = await client.get(f"/dashboard/memos/{memo_id}")
        assert page.status_code == 200
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;co&lt;/b&gt;" in page.text
        assert "<script>" not in page.text
        assert (await client.get("/dashboard/memos/bad%20id!")).status_code == 404
        assert (await client.get("/dashboard?page=0")).status_code == 422
        assert (await client.get("/dashboard/reports/nope.csv")).status_code == 404
        inverted = await client.get("/dashboard/reports/period.csv",
                                    params={"from": "2024-07-01", "to": "2024-01-01"})
        assert inverted.status_code == 422 and "is after" in inverted.text
        period = await client.get("/dashboard/reports/period.csv",
                                  params={"from": "2022-01-01", "to": "2022-12-31"})
        assert period.status_code == 200
        assert period.headers["content-disposition"] == 'attachment; filename="period.csv"'
        assert period.text.startswith("date_from,date_to,component,open_at_start,")
    paths = (await api["office"].get("/openapi.json")).json()["paths"]
    assert not [path for path in paths if path.startswith("/dashboard")]


async def test_sign_in_needs_proof_it_comes_from_this_site(api: Api) -> None:
    _, token = api.new_token("manager")
    own = api.url  # http://127.0.0.1:PORT
    refused = [
        {},  # neither Origin nor Referer
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": own.replace("http://", "https://")},
        {"Origin": own + ".evil.example"},
        {"Referer": "https://evil.example/dashboard/login"},
        {"Referer": own + ".evil.example/dashboard/login"},
        {"Origin": "https://evil.example", "Referer": own + "/dashboard/login"},
    ]
    async with httpx.AsyncClient(base_url=api.url, timeout=30.0,
                                 follow_redirects=False) as client:
        for headers in refused:
            response = await client.post("/dashboard/login", data={"token": token},
                                         headers=headers)
            assert response.status_code == 403, headers
            assert COOKIE not in response.cookies, headers
            assert "must come from this site" in response.text, headers
        for headers in ({"Origin": own}, {"Referer": own + "/dashboard/login?next=%2F"}):
            response = await client.post("/dashboard/login", data={"token": token},
                                         headers=headers)
            assert response.status_code == 303, headers
            assert response.headers["location"] == "/dashboard", headers
            assert COOKIE in response.cookies, headers
