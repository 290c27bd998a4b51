"""Memo-wide forms and the agency's "what is due from us" list, in real Chromium."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from playwright.async_api import BrowserContext, expect

from domain.deadlines import due_date
from domain.vocabulary import Counting
from tests.api.support import CBP_MEMO, ICE_MEMO, Api
from tests.dashboard.support import fill_in
from tests.dashboard.test_forms import signed_in_page
from tests.integration.support import unique_id


async def test_a_liaison_sees_only_what_is_due_from_its_component_oldest_first(
        api: Api, context: BrowserContext) -> None:
    older = await api.issue(ICE_MEMO)
    newer = await api.issue(ICE_MEMO, issued_on="2024-05-01")
    other = await api.issue(CBP_MEMO)
    liaison = await signed_in_page(api, context, "agency", "ICE")
    await liaison.get_by_role("link", name="Due from us").click()
    await expect(liaison.get_by_role("heading", name="What is due from us (ICE)")).to_be_visible()
    rows = liaison.locator("#due tbody tr")
    memo_ids = [await row.locator("td").nth(1).inner_text() for row in await rows.all()]
    assert older in memo_ids and newer in memo_ids and other not in memo_ids
    assert memo_ids.index(older) < memo_ids.index(newer)  # the older due date first
    answer = rows.filter(has=liaison.get_by_role("link", name=newer, exact=True))
    await answer.get_by_role("link", name="Answer").click()
    await expect(liaison.get_by_role("heading", name=f"Record a response: {newer}")
                 ).to_be_visible()


async def test_office_extends_then_holds_a_memo_and_sees_the_new_dates(
        api: Api, context: BrowserContext) -> None:
    memo_id = await api.issue(ICE_MEMO)
    office = await signed_in_page(api, context, "office")
    await office.goto(f"{api.url}/dashboard/memos/{memo_id}")
    await office.get_by_role("link", name="Grant an extension").click()
    await fill_in(office, {
        "New response due date": "2023-03-31",
        "Reason": "Reorganisation of the component",
        "Approved by": "Deputy Officer",
    })
    await office.get_by_role("button", name="Grant an extension").click()
    await expect(office.locator("#changed-memo .due").first).to_have_text("2023-03-31")

    await office.goto(f"{api.url}/dashboard/memos/{memo_id}/act/hold")
    await office.get_by_label("Reason", exact=True).fill("Litigation hold")
    await office.get_by_role("button", name="Put the memo on hold").click()
    await expect(office.locator("#changed-memo")).to_contain_text("(on hold)")
    assert api.stack.stored_json(memo_id)["response_due_on"] == "2023-03-31"


async def test_office_issues_a_memo_through_the_form_with_a_previewed_due_date(
        api: Api, context: BrowserContext) -> None:
    memo_id = unique_id("FORM")
    office = await signed_in_page(api, context, "office")
    await office.get_by_role("link", name="Issue a memo").click()
    await fill_in(office, {
        "Memo id": memo_id,
        "Title": "Use of force reporting at ports",
        "Component": "CBP",
        "Issued on": "2026-11-20",
        "Days to respond": "30",
        "Counting": "business",
        "Component contact": "CBP audit liaison",
        "Recommendation 1": "Report every use of force.",
        "Recommendation 3": "Train supervisors yearly.",
    })
    await office.get_by_role("button", name="Preview the due date").click()
    due = due_date(date(2026, 11, 20), 30, Counting.BUSINESS).isoformat()
    await expect(office.locator("#preview")).to_contain_text(f"due on {due}")
    assert api.stack.stored_view(memo_id) is None  # a preview starts nothing

    await office.get_by_role("button", name="Issue the memo").click()
    await expect(office.locator("#due")).to_have_text(due)
    stored = api.stack.stored_json(memo_id)
    assert [r["text"] for r in stored["recommendations"]] == [
        "Report every use of force.", "Train supervisors yearly."]
    assert stored["response_due_on"] == due


async def test_a_bad_issue_date_is_shown_at_its_field_and_nothing_is_issued(
        api: Api, context: BrowserContext) -> None:
    memo_id = unique_id("FORM")
    office = await signed_in_page(api, context, "office")
    await office.goto(f"{api.url}/dashboard/issue")
    await fill_in(office, {
        "Memo id": memo_id,
        "Title": "A memo",
        "Component": "CBP",
        "Issued on": "2026-02-30",
        "Recommendation 1": "Do it.",
    })
    await office.get_by_role("button", name="Issue the memo").click()
    await expect(office.get_by_label("Issued on", exact=True)).to_have_attribute(
        "aria-invalid", "true")
    await expect(office.get_by_label("Title", exact=True)).to_have_value("A memo")
    assert api.stack.stored_view(memo_id) is None


async def test_office_issues_a_memo_by_uploading_its_file(
        api: Api, context: BrowserContext, tmp_path: Path) -> None:
    memo_id = unique_id("FILE")
    good = tmp_path / "memo.yaml"
    good.write_text(ICE_MEMO.read_text(encoding="utf-8").replace(
        "memo_id: CRCL-2022-ICE-FRD", f"memo_id: {memo_id}"), encoding="utf-8")
    repeated = tmp_path / "repeated.yaml"
    repeated.write_text("memo_id: A\nmemo_id: B\n", encoding="utf-8")
    office = await signed_in_page(api, context, "office")
    await office.goto(f"{api.url}/dashboard/issue")
    await office.get_by_label("Memo file", exact=True).set_input_files(repeated)
    await office.get_by_role("button", name="Issue from the file").click()
    await expect(office.locator("#f-memo_file-error")).to_contain_text(
        "repeated.yaml: duplicate key 'memo_id'")

    await office.get_by_label("Memo file", exact=True).set_input_files(good)
    await office.get_by_role("button", name="Issue from the file").click()
    await expect(office.get_by_role("heading", name=f"Issued: {memo_id}")).to_be_visible()
    assert len(api.stack.stored_json(memo_id)["recommendations"]) == 3
