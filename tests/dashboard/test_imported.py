"""A backlog brought in by `rectrack import` shows on the dashboard as the file has it: the
unanswered past-due memo in the overdue list, the closed recommendation closed, and each
imported event with its file and row. Real Chromium."""

from __future__ import annotations

import csv
from pathlib import Path

from playwright.async_api import BrowserContext, expect

from tests.api.support import Api
from tests.dashboard.support import memo_row, sign_in
from tests.integration.support import unique_id

COLUMNS = ["memo_id", "title", "component", "issued_on", "number", "text", "decision",
           "received_on", "closure_reason", "closure_justification", "closed_on",
           "evidence_uri"]


def backlog(path: Path, open_memo: str, closed_memo: str) -> Path:
    rows = [
        [open_memo, "Detention standards", "ICE", "2024-03-01", "1", "Issue guidance.",
         "", "", "", "", "", ""],
        [closed_memo, "Interpreter access", "ICE", "2023-02-01", "1", "Publish a directive.",
         "concur", "2023-04-03", "implemented", "Directive issued.", "2024-01-10",
         "https://ice.example/directive.pdf"],
    ]
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


async def test_an_imported_backlog_shows_in_its_recorded_states(
        api: Api, context: BrowserContext, tmp_path: Path) -> None:
    open_memo, closed_memo = unique_id("DASH"), unique_id("DASH")
    result = await api.stack.cli("import", backlog(tmp_path / "small.csv", open_memo,
                                                   closed_memo))
    assert result.returncode == 0, result
    _, token = api.new_token("manager")
    page = await context.new_page()
    await sign_in(page, api.url, token)

    await page.goto(f"{api.url}/dashboard?component=ICE")
    await expect(memo_row(page, open_memo)).to_have_count(1)  # overdue since 2024
    await expect(memo_row(page, closed_memo)).to_have_count(0)

    await page.goto(f"{api.url}/dashboard/memos/{closed_memo}")
    await expect(page.locator("#rec-1")).to_contain_text("implemented on 2024-01-10")
    await expect(page.locator("body")).to_contain_text("[imported: small.csv row 3]")
