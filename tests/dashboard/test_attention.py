"""A memo that needs attention is badged on the overview (its own list, and its overdue
row) and on its page, with the reason; a calm memo carries no badge. Real Chromium."""

from __future__ import annotations

from playwright.async_api import BrowserContext, expect

from tests.api.support import ICE_MEMO, Api
from tests.dashboard.support import memo_row, sign_in
from tests.integration.attention_support import flag_attention

REASON = "no reminder date: the due date is past the end of the calendar"


async def test_needs_attention_badges(api: Api, context: BrowserContext) -> None:
    flagged, calm = await api.issue(ICE_MEMO), await api.issue(ICE_MEMO)
    await flag_attention(api.stack, flagged, REASON, number=3)
    _, token = api.new_token("manager")
    page = await context.new_page()
    await sign_in(page, api.url, token)

    # The overview: a "Needs attention" list naming the memo and why, and a badge on its
    # (overdue: the example memo's due date is long past) row.
    await page.goto(f"{api.url}/dashboard?component=ICE")
    attention = page.locator("#attention")
    await expect(attention.get_by_role("link", name=flagged, exact=True)).to_have_count(1)
    await expect(attention).to_contain_text(f"#3: {REASON}")
    await expect(attention.get_by_role("link", name=calm, exact=True)).to_have_count(0)
    await expect(memo_row(page, flagged).locator(".badge.attention")).to_have_text(
        "needs attention")
    await expect(memo_row(page, calm)).to_have_count(1)
    await expect(memo_row(page, calm).locator(".badge.attention")).to_have_count(0)

    # The memo's page: the badge by its status, the reason, and on recommendation 3.
    await attention.get_by_role("link", name=flagged, exact=True).click()
    await page.wait_for_url(f"**/dashboard/memos/{flagged}")
    facts = page.locator("section.card").first
    await expect(facts.locator(".badge.attention")).to_have_text("needs attention")
    await expect(facts).to_contain_text(f"#3: {REASON}")
    await expect(page.locator("#rec-3 .badge.attention")).to_have_text("needs attention")
    await expect(page.locator("#rec-3 .attention-reason")).to_have_text(REASON)
    await expect(page.locator("#rec-1 .badge.attention")).to_have_count(0)

    await page.goto(f"{api.url}/dashboard/memos/{calm}")
    await expect(page.locator(".badge.attention")).to_have_count(0)
