"""The dashboard's routes (left out of the OpenAPI document: they are pages, not API).

| route                                 | what                                            |
|---------------------------------------|-------------------------------------------------|
| `GET  /dashboard/login`               | the sign-in form (paste a token)                |
| `POST /dashboard/login`               | check the token, set the cookie (same origin)   |
| `POST /dashboard/logout`              | forget the cookie                               |
| `GET  /dashboard`                     | overdue table (filters), aging and concurrence  |
| `GET  /dashboard/memos/{memo_id}`     | one memo, its recommendations and timelines     |
| `GET  /dashboard/due`                 | every open due date, soonest first              |
| `GET  /dashboard/reports/{kind}.csv`  | a report as a CSV download                      |
| `GET  /dashboard/static/dashboard.css`| the style sheet                                 |
"""

from __future__ import annotations

import asyncio
import re
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api import reports as api_reports
from api.context import context_of
from api.dashboard import pages
from api.dashboard.forms import MEMO_ACTIONS, RECOMMENDATION_ACTIONS
from api.dashboard.session import (
    HERE,
    LOGIN,
    PREFIX,
    error_page,
    forget,
    form_fields,
    page,
    principal_of,
    proven_same_origin,
    remember,
    safe_next,
    same_origin,
    secured,
    signed_in,
    to_login,
)
from api.problems import ProblemError
from domain.memo import MEMO_ID_PATTERN
from store.reports import MAX_LIMIT as MAX_ROWS
from store.tokens import Role

router = APIRouter(prefix=PREFIX, include_in_schema=False)
MAX_FILTER_LENGTH = 200
MAX_PAGE = 100_000
CSS = (HERE / "static" / "dashboard.css").read_text(encoding="utf-8")


class BadInput(ValueError):
    """A query parameter the dashboard cannot use (shown as a 422 page)."""


def _text(request: Request, name: str) -> str | None:
    value = request.query_params.get(name, "").strip()
    if len(value) > MAX_FILTER_LENGTH:
        raise BadInput(f"{name}: at most {MAX_FILTER_LENGTH} characters")
    return value or None


def _int(request: Request, name: str, low: int, high: int) -> int | None:
    value = _text(request, name)
    if value is None:
        return None
    if not re.fullmatch(r"\d{1,9}", value) or not low <= int(value) <= high:
        raise BadInput(f"{name}: a whole number from {low} to {high}, not {value!r}")
    return int(value)


def _date(request: Request, name: str) -> date | None:
    value = _text(request, name)
    try:
        return date.fromisoformat(value) if value is not None else None
    except ValueError:
        raise BadInput(f"{name}: a date as YYYY-MM-DD, not {value!r}") from None


# -- signing in and out ---------------------------------------------------------------------


@router.get("/static/dashboard.css")
async def stylesheet() -> Response:
    return Response(CSS, media_type="text/css", headers={
        "Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"})


@router.get("/login")
async def login_form(request: Request) -> Response:
    return page("login.html", who=None, error=None,
                next=safe_next(request.query_params.get("next")))


@router.post("/login")
async def login(request: Request) -> Response:
    if not proven_same_origin(request):
        return error_page(None, 403, "sign-in refused: the request must come from this "
                          "site (an Origin or Referer header of this origin)")
    fields = await form_fields(request)
    target = safe_next(fields.get("next"))
    token = fields.get("token", "").strip()
    # The token lookup reads the store: off the event loop.
    who = await asyncio.to_thread(principal_of, request, token) if token else None
    if who is None:
        return page("login.html", 401, who=None, next=target,
                    error="That token is malformed, unknown or revoked.")
    response = RedirectResponse(target, status_code=303)
    remember(request, response, token)
    return secured(response)


@router.post("/logout")
async def logout(request: Request) -> Response:
    if not same_origin(request):
        return error_page(None, 403, "sign-out from another site refused")
    response = RedirectResponse(LOGIN, status_code=303)
    forget(response)
    return secured(response)


# -- pages ----------------------------------------------------------------------------------


@router.get("")
def overview(request: Request) -> Response:
    who = signed_in(request)
    if who is None:
        return to_login(request)
    try:
        component = _text(request, "component")
        filters = pages.Filters(component=component,
                                case_officer=_text(request, "case_officer"),
                                page=_int(request, "page", 1, MAX_PAGE) or 1)
    except BadInput as error:
        return error_page(who, 422, str(error))
    if who.role is Role.AGENCY:
        if component not in (None, who.component):
            return error_page(who, 403, f"an agency token for {who.component} may not read "
                                        f"{component}'s data")
        filters = pages.Filters(component=who.component, case_officer=filters.case_officer,
                                page=filters.page)
    with context_of(request).session() as session:
        data = pages.overview(session, who, filters)
    return page("overview.html", who=who, filters=filters, data=data,
                csv_kinds=pages.CSV_KINDS)


@router.get("/memos/{memo_id}")
def memo(request: Request, memo_id: str) -> Response:
    who = signed_in(request)
    if who is None:
        return to_login(request)
    found = None
    if re.fullmatch(MEMO_ID_PATTERN, memo_id):
        with context_of(request).session() as session:
            found = pages.memo_page(session, who, memo_id)
    if found is None:
        return error_page(who, 404, f"unknown memo {memo_id!r}")
    actions = [a for a in RECOMMENDATION_ACTIONS.values() if who.role in a.roles]
    memo_actions = [a for a in MEMO_ACTIONS.values() if who.role in a.roles]
    return page("memo.html", who=who, memo=found, actions=actions, memo_actions=memo_actions,
                may_respond=who.role in (Role.OFFICE, Role.AGENCY))


@router.get("/due")
def due(request: Request) -> Response:
    """What is due: every ticking clock, soonest first; an agency token sees its own
    component's ("what is due from us"), office and manager every component's or one."""
    who = signed_in(request)
    if who is None:
        return to_login(request)
    try:
        component = who.component if who.role is Role.AGENCY else _text(request, "component")
    except BadInput as error:
        return error_page(who, 422, str(error))
    with context_of(request).session() as session:
        items = pages.due_items(session, component=component)
    return page("due.html", who=who, items=items, component=component,
                link=pages.action_link, today=pages.due_today())


@router.get("/reports/{kind}.csv")
def report_csv(request: Request, kind: str) -> Response:
    """A report as CSV, through the API's own report route (same rules, same columns)."""
    who = signed_in(request)
    if who is None:
        return to_login(request)
    if kind not in api_reports.KNOWN_KINDS:
        return error_page(who, 404, f"unknown report kind {kind!r}")
    try:
        response = api_reports.run_report(
            request, who, kind, date_from=_date(request, "from"), date_to=_date(request, "to"),
            component=_text(request, "component"), case_officer=_text(request, "case_officer"),
            within_days=_int(request, "within_days", 0, 3650), today=None,
            limit=None if kind == "period" else MAX_ROWS, offset=0,
            format=api_reports.Format.CSV)
    except BadInput as error:
        return error_page(who, 422, str(error))
    except ProblemError as problem:
        return error_page(who, problem.status, problem.detail)
    return secured(response)
