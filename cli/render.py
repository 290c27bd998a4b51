"""Human-readable output: plain aligned tables, nothing fancy.

What an event's detail says comes from `presentation.events`, shared with the dashboard,
so a timeline reads the same in the terminal and on the memo page.

A view read from the store (`StoredMemoView`) also says when the memo needs attention:
a clock stopped on a failure no retry can fix, which must never go unnoticed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from domain.views import MemoView
from presentation.events import event_detail
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
