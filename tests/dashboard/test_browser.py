"""The dashboard in a real headless Chromium: sign in with a token, follow an overdue memo
to its timeline, download the CSV; revocation and components enforced at once."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from playwright.async_api import BrowserContext, expect
from sqlmodel import Session

from store.tokens import revoke_token
from tests.api.support import CBP_MEMO, ICE_MEMO, Api
from tests.dashboard.support import csv_rows, memo_row, session_cookie, sign_in
from tests.integration.support import ICE_RESPONSE as ICE_RESPONSE_FILE
from tests.integration.support import eventually, office_today

SCREENSHOT = Path("/tmp/dashboard.png")
ICE_DUE = date(2022, 11, 29)  # the example memo: issued 2022-09-30, 60 calendar days
OVERDUE_COLUMNS = ["memo_id", "number", "component", "case_officer", "clock", "due_on",
                   "days_overdue"]
TEMPORAL_UI = "http://temporal-ui.example:8080"
ICE_RESPONSE = json.loads(json.dumps(yaml.safe_load(ICE_RESPONSE_FILE.read_text()),
                                     default=str))


async def test_manager_follows_an_overdue_memo_to_its_timeline_and_downloads_the_csv(
        api: Api, context: BrowserContext, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECTRACK_TEMPORAL_UI_URL", TEMPORAL_UI + "/")
    memo_id, answered = await api.issue(ICE_MEMO), await api.issue(ICE_MEMO)
    reply = await api["office"].post(f"/memos/{answered}/responses", json=ICE_RESPONSE)
    assert reply.status_code == 200, reply.text

    async def recorded() -> bool:
        view = api.stack.stored_view(answered)
        return view is not None and view.counts.non_concurred == 2

    await eventually(recorded, "the response in the store")
    _, token = api.new_token("manager")
    page = await context.new_page()
    await sign_in(page, api.url, token)
    cookie = await session_cookie(context)
    assert cookie is not None and cookie["httpOnly"] is True, cookie
    assert cookie["sameSite"] == "Strict" and cookie["value"] == token, cookie

    # The overdue table, filtered to ICE and the memo's case officer.
    await page.select_option("#component", "ICE")
    await page.select_option("#case_officer", "Case officer")
    await page.get_by_role("button", name="Filter").click()
    await page.wait_for_url("**/dashboard?component=ICE&case_officer=Case+officer")
    row = memo_row(page, memo_id)
    await expect(row).to_have_count(1)
    days = (office_today() - ICE_DUE).days
    await expect(row.locator("td")).to_have_text(
        [memo_id, "ICE use of facial recognition databases", "response", "ICE",
         "Case officer", ICE_DUE.isoformat(), str(days)])
    # The charts: inline SVG with accessible titles and labelled bars.
    await expect(page.locator("svg[role=img] > title")).to_have_text(
        ["Open recommendations by age", "Concurrence by component"])
    await expect(page.locator("#aging-desc")).to_contain_text(">365: ")
    await expect(page.locator("#concurrence-desc")).to_have_text(
        "ICE: 1 concurred, 0 partially, 2 non-concurred")
    await expect(page.locator("svg rect.bar-non title")).to_have_text(
        "ICE: 2 of 3 non-concurred (67%)")
    assert await page.locator("svg rect.bar-aging title").count() == 5
    await page.screenshot(path=str(SCREENSHOT), full_page=True)

    # Follow the memo: its header, its recommendations and their timelines.
    await row.get_by_role("link", name=memo_id).click()
    await page.wait_for_url(f"{api.url}/dashboard/memos/{memo_id}")
    await expect(page.locator("h1")).to_contain_text("ICE use of facial recognition")
    await expect(page.locator(".badge.overdue")).to_be_visible()
    await expect(page.locator(".days-late")).to_have_text(str(days))
    await expect(page.locator("section.recommendation")).to_have_count(3)
    await expect(page.locator("#rec-1 .timeline")).to_contain_text("memo issued")
    await expect(page.locator("#rec-1 .timeline")).to_contain_text("2022-09-30")
    await expect(page.get_by_role("link", name=f"memo/{memo_id} in the Temporal UI")) \
        .to_have_attribute("href", f"{TEMPORAL_UI}/namespaces/default/workflows/"
                                   f"memo%2F{memo_id}")

    # Back to the table, and download the overdue CSV of the same filter.
    await page.get_by_role("link", name="← Overdue").click()
    async with page.expect_download() as info:
        await page.get_by_role("link", name="Overdue (this filter)").click()
    download = await info.value
    assert download.suggested_filename == "overdue.csv"
    rows = csv_rows(await download.path())
    assert rows[0] == OVERDUE_COLUMNS
    assert [memo_id, "", "ICE", "Case officer", "response", ICE_DUE.isoformat(),
            str(days)] in rows[1:]


async def test_a_revoked_tokens_cookie_is_sent_back_to_sign_in(
        api: Api, context: BrowserContext) -> None:
    token_id, token = api.new_token("manager")
    page = await context.new_page()
    await sign_in(page, api.url, token)
    await expect(page.locator("#overdue")).to_be_visible()
    with Session(api.stack.engine) as session:
        assert revoke_token(session, token_id=token_id) is not None
    await page.goto(f"{api.url}/dashboard/memos/ANY-MEMO")
    assert page.url == f"{api.url}/dashboard/login?next=%2Fdashboard%2Fmemos%2FANY-MEMO"
    await expect(page.locator("#token")).to_be_visible()
    assert await session_cookie(context) is None  # the stale cookie is dropped
    # Signing in again with the revoked token is refused.
    await page.fill("#token", token)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_contain_text("revoked")


async def test_an_agency_token_sees_only_its_own_components_memos(
        api: Api, context: BrowserContext) -> None:
    ice_memo, cbp_memo = await api.issue(ICE_MEMO), await api.issue(CBP_MEMO)
    _, token = api.new_token("agency", "CBP")
    page = await context.new_page()
    await sign_in(page, api.url, token)
    await expect(memo_row(page, cbp_memo)).to_have_count(1)
    await expect(memo_row(page, ice_memo)).to_have_count(0)
    await expect(page.locator("#overdue tbody")).not_to_contain_text("ICE")
    await expect(page.locator("#component")).to_be_disabled()
    response = await page.goto(f"{api.url}/dashboard/memos/{ice_memo}")
    assert response is not None and response.status == 404
    await expect(page.get_by_role("alert")).to_contain_text(f"unknown memo {ice_memo!r}")
    response = await page.goto(f"{api.url}/dashboard?component=ICE")
    assert response is not None and response.status == 403
    # The CSV downloads (with the same cookie): only CBP's rows, ICE's refused.
    own = await page.request.get(f"{api.url}/dashboard/reports/overdue.csv")
    assert own.ok and cbp_memo in await own.text()
    assert ice_memo not in await own.text()
    other = await page.request.get(f"{api.url}/dashboard/reports/overdue.csv?component=ICE")
    assert other.status == 403
