"""axe-core, injected into every dashboard page in real Chromium, finds no serious or
critical accessibility violation: sign-in, overview, due list, memo, every form (also
showing an error at its field), the result pages and an error page.

The pages' Content-Security-Policy forbids scripts; the test's browser context bypasses
it so axe can run (the pages themselves never load a script).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page

from api.dashboard.forms import MEMO_ACTIONS, RECOMMENDATION_ACTIONS
from tests.api.support import ICE_MEMO, Api
from tests.dashboard.support import sign_in

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(
    encoding="utf-8")
SEVERE = {"serious", "critical"}


async def severe_violations(page: Page) -> list[str]:
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE)
    result: dict[str, Any] = await page.evaluate(
        "axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            f"{[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v.get("impact") in SEVERE]


async def test_no_page_has_a_serious_or_critical_violation(api: Api, browser: Browser) -> None:
    memo_id = await api.issue(ICE_MEMO)
    context = await browser.new_context(bypass_csp=True)
    try:
        page = await context.new_page()
        found: dict[str, list[str]] = {}
        await page.goto(f"{api.url}/dashboard/login")
        found["login"] = await severe_violations(page)
        _, token = api.new_token("office")
        await sign_in(page, api.url, token)
        base = f"{api.url}/dashboard"
        paths = ["", "/due", f"/memos/{memo_id}", "/issue", f"/memos/{memo_id}/respond",
                 "/memos/NO-SUCH-MEMO"]
        paths += [f"/memos/{memo_id}/recommendations/1/{name}"
                  for name in RECOMMENDATION_ACTIONS]
        paths += [f"/memos/{memo_id}/act/{name}" for name in MEMO_ACTIONS]
        for path in paths:
            await page.goto(base + path)
            found[path or "/"] = await severe_violations(page)

        # A form showing an error at its field, and a result page.
        await page.goto(f"{base}/memos/{memo_id}/recommendations/1/hold")
        await page.get_by_role("button", name="Put on hold").click()  # no reason
        assert await page.locator("[aria-invalid=true]").count() >= 1
        found["hold, refused"] = await severe_violations(page)
        await page.get_by_label("Reason", exact=True).fill("Litigation")
        await page.get_by_role("button", name="Put on hold").click()
        assert await page.locator("#changed-1").count() == 1
        found["hold, done"] = await severe_violations(page)
    finally:
        await context.close()
    assert {where: v for where, v in found.items() if v} == {}
    assert len(found) == len(paths) + 3


async def test_a_form_works_by_keyboard_alone_with_a_visible_focus(
        api: Api, browser: Browser) -> None:
    memo_id = await api.issue(ICE_MEMO)
    context = await browser.new_context()
    try:
        page = await context.new_page()
        _, token = api.new_token("office")
        await sign_in(page, api.url, token)
        await page.goto(f"{api.url}/dashboard/memos/{memo_id}/recommendations/2/hold")
        await page.locator("main a").first.focus()  # the back link: the form comes next
        focused = []
        for text in ("Litigation hold", "2023-02-01"):
            await page.keyboard.press("Tab")
            focused.append(await page.evaluate("document.activeElement.id"))
            outline = await page.evaluate(
                "getComputedStyle(document.activeElement).outlineStyle")
            assert outline not in ("none", ""), outline
            await page.keyboard.type(text)
        await page.keyboard.press("Tab")  # to the submit button
        assert await page.evaluate("document.activeElement.tagName") == "BUTTON"
        await page.keyboard.press("Enter")
        await page.wait_for_selector("#changed-2")
        assert focused == ["f-reason", "f-on"]
        assert "on hold" in await page.locator("#changed-2").inner_text()
    finally:
        await context.close()
