"""Event details: a few words on what one audit event changed, read from its data.

The terminal timeline (`rectrack show`) and the dashboard's memo page both describe events
this way, so the wording lives here, below both front ends, and the two never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from store.tables import EventPublic


def event_detail(event: EventPublic, number: int | None = None) -> str:
    """A few words on what `event` changed, from its data."""
    data = event.data
    detail = _DETAILS.get(event.kind)
    text = detail(data, number) if detail is not None else ""
    if not text:  # unknown or sparse events: the usual telling fields, if any
        text = "; ".join(f"{key} {data[key]}" for key in ("reason", "decision", "clock")
                         if data.get(key))
    source = _source(data)
    return _join(text, source) if source else text or "-"


def _source(data: Mapping[str, Any]) -> str:
    """Where an imported change came from: `[imported: FILE row N]`."""
    source = data.get("source")
    if not isinstance(source, Mapping) or source.get("origin") != "import":
        return ""
    rows = [str(r) for r in source.get("rows", [])]
    where = f"row {rows[0]}" if len(rows) == 1 else f"rows {', '.join(rows)}"
    return f"[imported: {source.get('file')} {where}]"


def _join(*parts: object) -> str:
    return " ".join(str(p) for p in parts if p not in (None, "", [], {}))


def _responses(data: Mapping[str, Any], number: int | None) -> str:
    answers = [a for a in data.get("responses", []) if number is None or a.get("number") == number]
    if not answers and "response" in data:  # a recommendation mirroring the memo's record
        return _join(data["response"], "(from the memo)" if data.get("from_memo") else None)
    return "; ".join(
        _join(f"#{a.get('number')}" if number is None else None, a.get("decision"),
              f"({a['rationale']})" if a.get("rationale") else None)
        for a in answers)


def _notice(data: Mapping[str, Any], _number: int | None) -> str:
    recipients = ", ".join(data.get("recipients", []))
    return _join(data.get("kind"), f"to {recipients}" if recipients else None,
                 f"[{data['key']}]" if data.get("key") else None,
                 "(not delivered)" if data.get("delivered") is False else None)


def _request(data: Mapping[str, Any], _number: int | None) -> str:
    request = data.get("request") or {}
    return _join(request.get("clock"), f"to {request['to_date']}" if request.get("to_date")
                 else None, f"({request['reason']})" if request.get("reason") else None)


def _closed(data: Mapping[str, Any], _number: int | None) -> str:
    reason = data.get("reason") or data.get("closure_reason")
    return _join(reason, f"- {data['justification']}" if data.get("justification") else None,
                 "(from the memo)" if data.get("from_memo") else None)


def _plan(data: Mapping[str, Any], _number: int | None) -> str:
    plan = data.get("plan") or {}
    return _join(plan.get("responsible_official"),
                 f"target {plan['target_completion_on']}" if plan.get("target_completion_on")
                 else None)


def _status_update(data: Mapping[str, Any], _number: int | None) -> str:
    update = data.get("update") or {}
    percent = update.get("percent_complete")
    return _join(f"{percent}%" if percent is not None else None, update.get("progress"))


_DETAILS: dict[str, Callable[[Mapping[str, Any], int | None], str]] = {
    "memo_issued": lambda d, _n: _join(f"response due {d['response_due_on']}"
                                       if d.get("response_due_on") else None),
    "response_recorded": _responses,
    "extension_granted": lambda d, _n: _join(
        f"due {d.get('from_due_on', '?')} -> {d['to_due_on']}" if d.get("to_due_on") else None,
        f"({d['reason']})" if d.get("reason") else None),
    "memo_withdrawn": lambda d, _n: _join(d.get("reason")),
    "notice_sent": _notice,
    "notice_failed": _notice,
    "action_plan_submitted": _plan,
    "response_disputed": lambda d, _n: _join(
        d.get("reason"), f"(revision due {d['revision_due_on']})"
        if d.get("revision_due_on") else None),
    "status_update_submitted": _status_update,
    "extension_requested": _request,
    "extension_approved": _request,
    "extension_denied": _request,
    "hold_placed": lambda d, _n: _join(d.get("reason"), "(memo hold)" if d.get("by_memo")
                                       else None),
    "hold_lifted": lambda d, _n: _join(f"after {d['days_on_hold']} days"
                                       if "days_on_hold" in d else None),
    "recommendation_closed": _closed,
    "recommendation_reopened": lambda d, _n: _join(d.get("reason")),
    "published": lambda d, _n: _join(d.get("kind"), d.get("uri")),
    "attention_needed": lambda d, _n: _join(d.get("attention") or d.get("reason")),
}
