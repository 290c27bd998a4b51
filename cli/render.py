"""Human-readable output: plain aligned tables, nothing fancy."""

from __future__ import annotations

from collections.abc import Sequence

from domain.views import MemoView


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
        "",
    ]
    rows = [(r.number, r.response, r.received_on or "-", r.days_late, r.implementation,
             r.closure_reason or "-", _short(r.text)) for r in view.recommendations]
    headers = ("#", "RESPONSE", "RECEIVED", "DAYS LATE", "IMPLEMENTATION", "CLOSURE", "TEXT")
    return "\n".join(head) + table(headers, rows)


def memo_list(views: Sequence[MemoView]) -> str:
    if not views:
        return "no memos match"
    rows = [(v.memo_id, v.component, v.status, v.response_due_on,
             "yes" if v.overdue else "no", v.days_late,
             f"{v.counts.awaiting}/{len(v.recommendations)}") for v in views]
    headers = ("MEMO", "COMPONENT", "STATUS", "DUE", "OVERDUE", "DAYS LATE", "AWAITING")
    return table(headers, rows)


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
