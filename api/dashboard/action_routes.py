"""The dashboard's write side: forms for recording a response and every recommendation
action, run through the service layer (app/) like the CLI and the API.

- `GET/POST /dashboard/memos/{id}/respond`: record a response letter.
- `GET/POST /dashboard/memos/{id}/act/{action}`: extend, withdraw, hold, resume, publish
  (forms.MEMO_ACTIONS).
- `GET/POST /dashboard/memos/{id}/recommendations/{n}/{action}`: plan, review, update,
  request-extension, decide-extension, hold, resume, close, reopen
  (forms.RECOMMENDATION_ACTIONS).

A GET shows the form with the business date it will record (today in the memo's office,
when left blank). A POST must pass the CSRF and Origin checks (api.dashboard.csrf);
refused by the service layer, the form comes back with the message beside its field and
the user's input kept, and nothing has changed; done, the result page shows the changed
recommendation and its due dates. Office staff may use every form; an agency token only
its own component's memos and the agency's actions (plan, status update, extension
request, response); another component's memo is not found (404), as on the read pages.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.context import context_of
from api.dashboard.csrf import FIELD, csrf_token
from api.dashboard.forms import (
    MEMO_ACTIONS,
    RECOMMENDATION_ACTIONS,
    Action,
    command_fields,
    field_of,
)
from api.dashboard.posting import posted_form, status_of, upload_of
from api.dashboard.session import PREFIX, error_page, page, signed_in, to_login
from api.tokens import Principal
from app import evidence_files, memos
from app.errors import AppError, NotFound
from app.reads import MemoFacts, memo_of
from domain.memo import MEMO_ID_PATTERN, MemoState, RecommendationState
from domain.recommendation import due_dates
from store.queries import get_memo_view
from store.tokens import Role

router = APIRouter(prefix=PREFIX, include_in_schema=False)
DECISIONS = ("concur", "partially_concur", "non_concur")


async def _memo(request: Request, who: Principal, memo_id: str,
                number: int | None = None) -> MemoFacts | None:
    """The memo when `who` may act on it; None (a 404) when unknown or another
    component's."""
    if not re.fullmatch(MEMO_ID_PATTERN, memo_id):
        return None
    try:
        facts = await memo_of(context_of(request), memo_id, number)
    except NotFound:
        return None
    return facts if who.may_see(facts.component) else None


def _may(who: Principal, roles: frozenset[Role]) -> bool:
    return who.role in roles


# -- recommendation and memo actions ----------------------------------------------------------


@router.api_route("/memos/{memo_id}/recommendations/{number}/{name}", methods=["GET", "POST"])
async def recommendation_action(request: Request, memo_id: str, number: int,
                                name: str) -> Response:
    return await _act(request, memo_id, number, RECOMMENDATION_ACTIONS.get(name))


@router.api_route("/memos/{memo_id}/act/{name}", methods=["GET", "POST"])
async def memo_action(request: Request, memo_id: str, name: str) -> Response:
    return await _act(request, memo_id, None, MEMO_ACTIONS.get(name))


async def _act(request: Request, memo_id: str, number: int | None,
               action: Action | None) -> Response:
    """Show `action`'s form (GET) or run it (POST) on the memo, or one recommendation."""
    who = await asyncio.to_thread(signed_in, request)  # reads the store: off the loop
    if who is None:
        return to_login(request)
    memo = await _memo(request, who, memo_id, number)
    if action is None or memo is None:
        return error_page(who, 404, f"no such page: {request.url.path}")
    if not _may(who, action.roles):
        return error_page(who, 403, f"a {who.role.value} token may not {action.title.lower()}")
    if request.method == "GET":
        return _action_page(request, who, memo, number, action, {}, {})
    form = await posted_form(request, who)
    if isinstance(form, Response):
        return form
    try:
        fields = command_fields(action, form)
        await _add_upload(request, memo_id, form, fields)
        state, _ = await action.run(context_of(request), memo_id, number or 0, fields)
    except AppError as error:
        at = field_of(error.field, [f.name for f in action.all_fields])
        return _action_page(request, who, memo, number, action, form,
                            {at or "": error.message}, status=status_of(error))
    if number is None:  # the memo's new state, and each of its recommendations
        return _done(who, memo, action.title, state.recommendations, memo_state=state)
    return _done(who, memo, action.title, [state])


async def _add_upload(request: Request, memo_id: str, form: dict[str, str],
                      fields: dict[str, Any]) -> None:
    """Store the posted evidence file (Invalid if refused) and add it to the evidence."""
    upload = upload_of(request)
    if upload is None:
        return
    home = context_of(request).settings.home
    stored = await asyncio.to_thread(evidence_files.save, home, upload[1], upload[0], memo_id)
    fields.setdefault("evidence", []).append({
        "title": form.get("evidence_title", "").strip() or stored.name,
        "uri": f"{PREFIX}/evidence/{stored.sha256}", "sha256": stored.sha256})


def _action_page(request: Request, who: Principal, memo: MemoFacts, number: int | None,
                 action: Action, form: dict[str, str], errors: dict[str, str],
                 status: int = 200) -> Response:
    return page("action.html", status, who=who, memo=memo, number=number, action=action,
                fields=action.all_fields, values=form, errors=errors,
                today=memo.today().isoformat(), csrf=csrf_token(request), csrf_field=FIELD)


def _done(who: Principal, memo: MemoFacts, title: str, states: list[RecommendationState],
          memo_state: MemoState | None = None) -> Response:
    changed = [(state, sorted(due_dates(state).items())) for state in states]
    return page("done.html", who=who, memo=memo, title=title, changed=changed,
                memo_state=memo_state)


# -- a response letter ------------------------------------------------------------------------


@router.api_route("/memos/{memo_id}/respond", methods=["GET", "POST"])
async def respond(request: Request, memo_id: str) -> Response:
    who = await asyncio.to_thread(signed_in, request)  # reads the store: off the loop
    if who is None:
        return to_login(request)
    memo = await _memo(request, who, memo_id)
    if memo is None:
        return error_page(who, 404, f"unknown memo {memo_id!r}")
    if not _may(who, frozenset({Role.OFFICE, Role.AGENCY})):
        return error_page(who, 403, f"a {who.role.value} token may not record a response")
    if request.method == "GET":
        return await _respond_page(request, who, memo, {}, {})
    form = await posted_form(request, who)
    if isinstance(form, Response):
        return form
    answered = [n for n in memo.numbers if form.get(f"decision_{n}", "").strip()]
    if not answered:
        return await _respond_page(request, who, memo, form, {
            "": "Choose a decision for at least one recommendation."}, status=422)
    fields: dict[str, Any] = {
        # As on every form, a blank business date is today in the memo's office.
        "received_on": form.get("received_on", "").strip() or memo.today().isoformat(),
        "responses": [{"number": n, "decision": form[f"decision_{n}"].strip(),
                       "rationale": form.get(f"rationale_{n}", "").strip() or None}
                      for n in answered]}
    try:
        state, _ = await memos.respond(context_of(request), memo_id, fields)
    except AppError as error:
        return await _respond_page(request, who, memo, form,
                             {_response_field(error.field, answered): error.message},
                             status=status_of(error))
    return _done(who, memo, "Record a response",
                 [state.recommendation(n) for n in answered])


def _response_field(error_field: str | None, answered: list[int]) -> str:
    """`responses.1.rationale` -> `rationale_<number>`; `received_on` stays."""
    if not error_field:
        return ""
    parts = error_field.split(".")
    if parts[0] == "responses" and len(parts) > 1 and parts[1].isdigit() \
            and int(parts[1]) < len(answered):
        number = answered[int(parts[1])]
        return f"decision_{number}" if parts[2:] == ["decision"] else f"rationale_{number}"
    return error_field if error_field == "received_on" else ""


async def _respond_page(request: Request, who: Principal, memo: MemoFacts,
                        form: dict[str, str], errors: dict[str, str],
                        status: int = 200) -> Response:
    view = await context_of(request).read(
        lambda session: get_memo_view(session, memo_id=memo.memo_id))
    return page("respond.html", status, who=who, memo=memo, view=view, values=form,
                errors=errors, decisions=DECISIONS, today=memo.today().isoformat(),
                csrf=csrf_token(request), csrf_field=FIELD)
