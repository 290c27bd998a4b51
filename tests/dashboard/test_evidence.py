"""Evidence files in real Chromium: an agency liaison answers, plans, and uploads a status
update with a PDF once the office accepted the plan; the file is stored by its sha256 and
downloads only as an attachment, only for roles that may see the memo; a file that only
claims to be a PDF is refused at its field and changes nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
from playwright.async_api import BrowserContext, expect

from api.dashboard.session import COOKIE
from tests.api.support import ICE_MEMO, Api
from tests.dashboard.support import fill_in
from tests.dashboard.test_forms import signed_in_page

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


async def test_a_status_update_with_a_pdf_is_stored_and_served_safely(
        api: Api, context: BrowserContext, tmp_path: Path) -> None:
    memo_id = await api.issue(ICE_MEMO)
    liaison = await signed_in_page(api, context, "agency", "ICE")
    await liaison.goto(f"{api.url}/dashboard/memos/{memo_id}/respond")
    await liaison.get_by_label("Letter received on", exact=True).fill("2023-01-30")
    for n in (1, 2):
        await liaison.locator(f"#answer-{n}").get_by_label("Decision", exact=True
                                                          ).select_option("concur")
    await liaison.get_by_role("button", name="Record the response").click()
    await expect(liaison.locator("#changed-2")).to_contain_text("concurred")
    await liaison.goto(f"{api.url}/dashboard/memos/{memo_id}/recommendations/1/plan")
    await fill_in(liaison, {
        "Responsible official": "Director, ERO",
        "Target completion date": "2024-06-30",
        "Milestones": "Pilot at two ports | 2023-09-30",
        "Business date": "2023-02-20",
    })
    await liaison.get_by_role("button", name="Record an action plan").click()
    await expect(liaison.get_by_role("heading", name="Recorded: Record an action plan")
                 ).to_be_visible()

    office = await signed_in_page(api, context, "office")
    await office.goto(f"{api.url}/dashboard/memos/{memo_id}/recommendations/1/review")
    await office.get_by_label("Decision", exact=True).select_option("accept")
    await office.get_by_label("Business date", exact=True).fill("2023-03-01")
    await office.get_by_role("button", name="Review the response or plan").click()
    await expect(office.locator("#changed-1")).to_contain_text("in progress")
    await expect(office.locator("#changed-1")).to_contain_text("status update due")

    fake = tmp_path / "report.pdf"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    real = tmp_path / "Progress report (May).pdf"
    real.write_bytes(PDF)
    liaison = await signed_in_page(api, context, "agency", "ICE")
    update = f"{api.url}/dashboard/memos/{memo_id}/recommendations/1/update"
    await liaison.goto(update)
    await liaison.get_by_label("Progress", exact=True).fill("Guidance drafted.")
    await liaison.get_by_label("Evidence file", exact=True).set_input_files(fake)
    await liaison.get_by_role("button", name="Record a status update").click()
    await expect(liaison.locator("#f-evidence_file-error")).to_contain_text("not a PDF")
    assert [e for e in api.stack.events(memo_id) if e.kind == "status_update_submitted"] == []

    await liaison.get_by_label("Milestones done", exact=True).fill("Pilot at two ports")
    await liaison.get_by_label("Evidence file", exact=True).set_input_files(real)
    await liaison.get_by_role("button", name="Record a status update").click()
    await expect(liaison.locator("#changed-1")).to_be_visible()
    sha = hashlib.sha256(PDF).hexdigest()
    [event] = [e for e in api.stack.events(memo_id) if e.kind == "status_update_submitted"]
    [evidence] = event.data["update"]["evidence"]
    assert event.data["update"]["milestones_done"] == ["Pilot at two ports"]
    assert evidence["sha256"] == sha and evidence["uri"] == f"/dashboard/evidence/{sha}"
    assert (api.stack.home / "evidence" / sha).read_bytes() == PDF

    _, office_token = api.new_token("office")
    _, outsider = api.new_token("agency", "CBP")
    async with httpx.AsyncClient(base_url=api.url, cookies={COOKIE: office_token}) as client:
        got = await client.get(evidence["uri"])
    async with httpx.AsyncClient(base_url=api.url, cookies={COOKIE: outsider}) as client:
        hidden = await client.get(evidence["uri"])
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"] == \
        'attachment; filename="Progress report _May_.pdf"'
    assert got.headers["x-content-type-options"] == "nosniff"
    assert hidden.status_code == 404
