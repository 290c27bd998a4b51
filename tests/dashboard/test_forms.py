"""The dashboard's write side in real Chromium: an agency liaison answers, the office
disputes one answer and closes the other with evidence, a manager sees it; a refused
action shows its error at the field and changes nothing; forged posts are refused; an
agency cannot reach another component's forms."""

from __future__ import annotations

import httpx
from playwright.async_api import BrowserContext, Page, expect

from api.dashboard.session import COOKIE
from tests.api.support import ICE_MEMO, Api
from tests.dashboard.support import fill_in, sign_in


async def signed_in_page(api: Api, context: BrowserContext, role: str,
                         component: str | None = None) -> Page:
    """A new page signed in as a fresh token of `role` (the context's earlier session, if
    any, is signed out: one cookie per site)."""
    _, token = api.new_token(role, component)
    await context.clear_cookies()
    page = await context.new_page()
    await sign_in(page, api.url, token)
    return page


def changes(api: Api, memo_id: str) -> list[str]:
    """The memo's events that a person's action records (the clock's own, such as
    became_overdue, come and go on their own)."""
    return [e.kind for e in api.stack.events(memo_id)
            if e.kind in ("response_recorded", "hold_placed")]


async def test_an_answer_a_dispute_and_a_closure_with_evidence_in_the_browser(
        api: Api, context: BrowserContext) -> None:
    memo_id = await api.issue(ICE_MEMO)
    liaison = await signed_in_page(api, context, "agency", "ICE")
    await liaison.goto(f"{api.url}/dashboard/memos/{memo_id}")
    await liaison.get_by_role("link", name="Record a response").click()
    await liaison.get_by_label("Letter received on", exact=True).fill("2023-01-30")
    await liaison.locator("#answer-1").get_by_label("Decision", exact=True).select_option("concur")
    await liaison.locator("#answer-2").get_by_label("Decision", exact=True).select_option(
        "partially_concur")
    await liaison.locator("#answer-2").get_by_label("Rationale", exact=True).fill(
        "Funding covers half.")
    await liaison.get_by_role("button", name="Record the response").click()
    await expect(liaison.get_by_role("heading", name="Recorded: Record a response")
                 ).to_be_visible()
    await expect(liaison.locator("#changed-2")).to_contain_text("partially concurred")
    # The liaison's forms do not include the office's actions.
    await liaison.goto(f"{api.url}/dashboard/memos/{memo_id}")
    await expect(liaison.locator("#rec-1").get_by_role("link", name="Close")).to_have_count(0)

    office = await signed_in_page(api, context, "office")
    await office.goto(f"{api.url}/dashboard/memos/{memo_id}/recommendations/2/review")
    await fill_in(office, {
        "Decision": "dispute",
        "Reason": "The plan leaves the field offices out.",
        "Business date": "2023-02-15",
    })
    await office.get_by_role("button", name="Review the response or plan").click()
    await expect(office.locator("#changed-2")).to_contain_text("revision due")

    await office.goto(f"{api.url}/dashboard/memos/{memo_id}#rec-1")
    await office.locator("#rec-1").get_by_role("link", name="Close").click()
    await fill_in(office, {
        "Closure reason": "implemented",
        "Justification": "The directive is in force.",
        "Evidence title": "Directive 11072.1",
        "Evidence link": "https://ice.example/directive.pdf",
        "Business date": "2023-06-01",
    })
    await office.get_by_role("button", name="Close").click()
    await expect(office.locator("#changed-1")).to_contain_text("implemented on 2023-06-01")

    stored = api.stack.stored_json(memo_id)
    recs = {r["number"]: r for r in stored["recommendations"]}
    assert recs[1]["closure_reason"] == "implemented"
    assert (recs[2]["response"], recs[2]["resolution"]) == ("partially_concurred",
                                                            "unresolved")
    manager = await signed_in_page(api, context, "manager")
    await manager.goto(f"{api.url}/dashboard/memos/{memo_id}")
    await expect(manager.locator("#rec-1")).to_contain_text("implemented on 2023-06-01")
    await expect(manager.locator(".actions")).to_have_count(0)  # managers only read
    # The dispute set a revision due 30 days later: long past, so the manager's overdue
    # report lists it.
    report = await manager.request.get(f"{api.url}/dashboard/reports/overdue.csv"
                                       "?component=ICE")
    assert report.status == 200
    rows = await report.text()
    assert any(line.startswith(f"{memo_id},2,") and ",revision," in line
               for line in rows.splitlines()), rows


async def test_a_refused_action_shows_at_its_field_and_changes_nothing(
        api: Api, context: BrowserContext) -> None:
    memo_id = await api.issue(ICE_MEMO)
    liaison = await signed_in_page(api, context, "agency", "ICE")
    await liaison.goto(f"{api.url}/dashboard/memos/{memo_id}/respond")
    await liaison.locator("#answer-3").get_by_label("Decision", exact=True).select_option(
        "non_concur")
    await liaison.get_by_role("button", name="Record the response").click()
    rationale = liaison.locator("#answer-3").get_by_label("Rationale", exact=True)
    await expect(rationale).to_have_attribute("aria-invalid", "true")
    await expect(rationale).to_have_attribute("aria-describedby", "f-rationale_3-hint "
                                              "f-rationale_3-error")
    await expect(liaison.locator("#f-rationale_3-error")).to_contain_text("rationale")
    await expect(liaison.locator("#answer-3").get_by_label("Decision", exact=True)).to_have_value(
        "non_concur")  # the input is kept

    office = await signed_in_page(api, context, "office")
    await office.goto(f"{api.url}/dashboard/memos/{memo_id}/recommendations/1/hold")
    await office.get_by_label("Reason", exact=True).fill("Litigation")
    await office.get_by_label("Business date", exact=True).fill("30/01/2023")
    await office.get_by_role("button", name="Put on hold").click()
    date_field = office.get_by_label("Business date", exact=True)
    await expect(date_field).to_have_attribute("aria-invalid", "true")
    await expect(office.locator("#f-on-error")).to_contain_text("on")
    await expect(office.get_by_label("Reason", exact=True)).to_have_value("Litigation")
    assert changes(api, memo_id) == []


async def test_a_forged_post_is_refused(api: Api) -> None:
    memo_id = await api.issue(ICE_MEMO)
    _, token = api.new_token("office")
    url = f"{api.url}/dashboard/memos/{memo_id}/recommendations/1/hold"
    async with httpx.AsyncClient(cookies={COOKIE: token}) as client:
        form = await client.get(url)
        assert form.status_code == 200
        csrf = form.text.split('name="csrf_token" value="')[1].split('"')[0]
        body = {"reason": "forged", "on": "2023-03-01"}
        no_token = await client.post(url, data=body, headers={"Origin": api.url})
        foreign = await client.post(url, data={**body, "csrf_token": csrf},
                                    headers={"Origin": "https://evil.example"})
        no_origin = await client.post(url, data={**body, "csrf_token": csrf})
    assert [r.status_code for r in (no_token, foreign, no_origin)] == [403, 403, 403]
    assert "security token" in no_token.text and "from this site" in foreign.text
    assert changes(api, memo_id) == []


async def test_an_agency_cannot_reach_another_components_forms(
        api: Api, context: BrowserContext) -> None:
    memo_id = await api.issue(ICE_MEMO)
    outsider = await signed_in_page(api, context, "agency", "CBP")
    for path in ("respond", "recommendations/1/plan", "recommendations/1/update"):
        response = await outsider.goto(f"{api.url}/dashboard/memos/{memo_id}/{path}")
        assert response is not None and response.status == 404, path
