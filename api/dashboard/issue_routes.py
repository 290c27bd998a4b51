"""Issuing a memo from the browser (office staff): `GET/POST /dashboard/issue`.

The form is the memo file's shape (docs/contracts.md#memo-file) with one row per
recommendation (`?rows=N` offers more rows; blank rows are left out); or a memo file
itself is uploaded (YAML or JSON, read by app.documents as `rectrack issue` reads it).
"Preview the due date" computes the response due date by the same business-day rules as
`rectrack issue` (app.memos.checked_spec) and shows the form again; "Issue the memo"
starts it through app.memos.issue. A refusal (an `Invalid(field)` or a `Conflict`) comes
back beside its field with the input kept, and nothing is started.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.context import context_of
from api.dashboard.csrf import FIELD, csrf_token
from api.dashboard.posting import posted_form, status_of, upload_of
from api.dashboard.session import PREFIX, error_page, page, signed_in, to_login
from api.tokens import Principal
from app import memos
from app.commands import build
from app.documents import parse_mapping
from app.errors import AppError
from domain.memo import DEFAULT_TIME_ZONE, MemoSpec
from domain.office_time import today_in
from store.tokens import Role

router = APIRouter(prefix=PREFIX, include_in_schema=False)
DEFAULT_ROWS, MAX_ROWS = 8, 200
MEMO_FIELDS = ("memo_id", "title", "office", "component", "issued_on", "response_days",
               "response_counting", "response_due_on", "time_zone", "component_contact",
               "component_email", "case_officer", "case_officer_email")


def _rows(request: Request, form: dict[str, str]) -> int:
    asked = request.query_params.get("rows") or form.get("rows") or ""
    return min(int(asked), MAX_ROWS) if asked.isdigit() and int(asked) > 0 else DEFAULT_ROWS


def spec_fields(form: dict[str, str], rows: int) -> tuple[dict[str, Any], list[int]]:
    """The memo file's fields from the form, and which form row each recommendation is."""
    def value(name: str) -> str | None:
        return form.get(name, "").strip() or None

    data: dict[str, Any] = {name: value(name) for name in
                            ("memo_id", "title", "office", "component", "issued_on",
                             "response_due_on")}
    data["time_zone"] = value("time_zone") or DEFAULT_TIME_ZONE
    data["response_window"] = {"days": value("response_days") or 60,
                               "counting": value("response_counting") or "calendar"}
    contacts = {}
    for role, name_field, email_field in (("component", "component_contact", "component_email"),
                                          ("case_officer", "case_officer", "case_officer_email")):
        if value(name_field):
            contacts[role] = {"name": value(name_field), "email": value(email_field)}
    data["contacts"] = contacts
    filled = [n for n in range(1, rows + 1) if value(f"text_{n}")]
    data["recommendations"] = [{"number": i, "text": value(f"text_{n}"),
                                "priority": form.get(f"priority_{n}") == "yes"}
                               for i, n in enumerate(filled, start=1)]
    return {k: v for k, v in data.items() if v is not None}, filled


def form_field(error_field: str | None, filled: list[int], *, upload: bool = False) -> str:
    """`recommendations.1.text` -> `text_<row>`; `response_window.days` ->
    `response_days`; memo fields as they are; else "" (above the form)."""
    if upload:
        return "memo_file"  # the message names the file and the field in it
    if not error_field:
        return ""
    parts = error_field.split(".")
    if parts[0] == "recommendations":
        if len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(filled):
            return f"text_{filled[int(parts[1])]}"
        return "text_1"
    if parts[0] == "response_window":
        return "response_counting" if parts[1:] == ["counting"] else "response_days"
    if parts[0] == "contacts":
        return "component_email"
    return parts[0] if parts[0] in MEMO_FIELDS else ""


@router.api_route("/issue", methods=["GET", "POST"])
async def issue(request: Request) -> Response:
    who = await asyncio.to_thread(signed_in, request)  # reads the store: off the loop
    if who is None:
        return to_login(request)
    if who.role is not Role.OFFICE:
        return error_page(who, 403, f"a {who.role.value} token may not issue a memo")
    if request.method == "GET":
        return _issue_page(request, who, {}, {}, _rows(request, {}))
    form = await posted_form(request, who)
    if isinstance(form, Response):
        return form
    rows = _rows(request, form)
    data, filled = spec_fields(form, rows)
    upload = upload_of(request)
    try:
        if upload is not None:  # a memo file, as `rectrack issue FILE` takes it
            name, raw = upload
            data = parse_mapping(raw, name=name, json_format=name.lower().endswith(".json"))
            filled = list(range(1, len(data.get("recommendations") or []) + 1))
        spec = memos.checked_spec(build(MemoSpec, data, source=upload[0] if upload else None))
        if "preview" in form:
            return _issue_page(request, who, form, {}, rows, preview=spec)
        issued, view = await memos.issue(context_of(request), spec)
    except AppError as error:
        at = form_field(error.field, filled, upload=upload is not None)
        return _issue_page(request, who, form, {at: error.message}, rows,
                           status=status_of(error))
    return page("issued.html", who=who, spec=issued, view=view)


def _issue_page(request: Request, who: Principal, form: dict[str, str],
                errors: dict[str, str], rows: int, *, preview: MemoSpec | None = None,
                status: int = 200) -> Response:
    try:
        today = today_in(form.get("time_zone") or DEFAULT_TIME_ZONE)
    except (ValueError, LookupError):  # a time zone the form will name as wrong
        today = today_in(DEFAULT_TIME_ZONE)
    return page("issue.html", status, who=who, values=form, errors=errors, rows=rows,
                preview=preview, today=today.isoformat(),
                csrf=csrf_token(request), csrf_field=FIELD)
