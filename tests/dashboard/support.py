"""Helpers for the dashboard tests: signing in through the form, reading the table."""

from __future__ import annotations

import csv
from pathlib import Path

from playwright.async_api import BrowserContext, Locator, Page

from api.dashboard.session import COOKIE


async def sign_in(page: Page, url: str, token: str) -> None:
    """Open the dashboard, get sent to the sign-in form, paste the token, come back."""
    await page.goto(f"{url}/dashboard")
    assert page.url.startswith(f"{url}/dashboard/login"), page.url
    await page.fill("#token", token)
    await page.click("form[action='/dashboard/login'] button[type=submit]")
    await page.wait_for_url(f"{url}/dashboard")


async def session_cookie(context: BrowserContext) -> dict[str, object] | None:
    for cookie in await context.cookies():
        if cookie.get("name") == COOKIE:
            return dict(cookie)
    return None


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def memo_row(page: Page, memo_id: str) -> Locator:
    return page.locator("#overdue tbody tr").filter(
        has=page.get_by_role("link", name=memo_id, exact=True))


async def fill_in(scope: Page | Locator, values: dict[str, str]) -> None:
    """Fill each labelled control (exact label) in order: a select by its option's value,
    anything else by typing the text."""
    for label, value in values.items():
        control = scope.get_by_label(label, exact=True)
        if await control.evaluate("element => element.tagName") == "SELECT":
            await control.select_option(value)
        else:
            await control.fill(value)
