"""Human-readable output: plain aligned tables, nothing fancy.

A view read from the store (`StoredMemoView`) also says when the memo needs attention:
a clock stopped on a failure no retry can fix, which must never go unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from domain.views import MemoView
from store.queries import StoredMemoView
from store.tables import EventPublic


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
              for r in cells]
    return "\n".join(lines)


def _lateness(view: MemoView) -> str:
    if view.overdue:
        return f"OVERDUE, {view.days_late} days late"
    if view.days_late:
        return f"answered {view.days_late} days late"
    return "on time" if view.response_received_on else "not yet due"


def memo_detail(view: MemoView) -> str:
    c = view.counts
    head = [
        f"{view.memo_id}  {view.title}",
        f"  component      {view.component}" + (f"   office {view.office}" if view.office else ""),
        f"  status         {view.status} ({_lateness(view)})",
        f"  issued on      {view.issued_on}",
        f"  response due   {view.response_due_on}",
        f"  received on    {view.response_received_on or '-'}",
        f"  responses      {c.concurred} concurred, {c.partially_concurred} partially "
        f"concurred, {c.non_concurred} non-concurred, {c.awaiting} awaiting",
    ]
    if isinstance(view, StoredMemoView) and view.needs_attention:
        head += [f"  NEEDS ATTENTION {reason}" for reason in view.attention_reasons]
    head.append("")
    rows = [(r.number, r.response, r.received_on or "-", r.days_late, r.implementation,
             r.closure_reason or "-", _short(r.text)) for r in view.recommendations]
    headers = ("#", "RESPONSE", "RECEIVED", "DAYS LATE", "IMPLEMENTATION", "CLOSURE", "TEXT")
    return "\n".join(head) + table(headers, rows)


def _attention_mark(view: MemoView) -> str:
    return "NEEDS ATTENTION" if isinstance(view, StoredMemoView) and view.needs_attention else ""


def memo_list(views: Sequence[MemoView]) -> str:
    if not views:
        return "no memos match"
    rows = [(v.memo_id, v.component, v.status, v.response_due_on,
             "yes" if v.overdue else "no", v.days_late,
             f"{v.counts.awaiting}/{len(v.recommendations)}", _attention_mark(v)) for v in views]
    headers = ("MEMO", "COMPONENT", "STATUS", "DUE", "OVERDUE", "DAYS LATE", "AWAITING",
               "ATTENTION")
    return table(headers, rows)


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# -- timelines (from the audit log) --------------------------------------------------------


def timeline(events: Sequence[EventPublic], *, number: int | None = None) -> str:
    """One line per event: its business date (else the day it was recorded), its kind and
    a short detail. With `number`, memo events that cover several recommendations show
    only what concerns that one (e.g. its decision in a recorded response)."""
    if not events:
        return "  no recorded events"
    rows = [(_event_date(e), e.kind, _short(event_detail(e, number), 70)) for e in events]
    return table(("DATE", "EVENT", "DETAIL"), rows)


def _event_date(event: EventPublic) -> date:
    return event.occurred_on or event.recorded_at.date()


def event_detail(event: EventPublic, number: int | None = None) -> str:
    """A few words on what `event` changed, from its data."""
    data = event.data
    detail = _DETAILS.get(event.kind)
    text = detail(data, number) if detail is not None else ""
    if not text:  # unknown or sparse events: the usual telling fields, if any
        text = "; ".join(f"{key} {data[key]}" for key in ("reason", "decision", "clock")
                         if data.get(key))
    return text or "-"


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
