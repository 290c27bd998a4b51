"""`rectrack report KIND`: the manager reports of store.reports, as a table, JSON or CSV.

CSV has a header row, ISO dates and one row per item (per bucket for aging, per component
for concurrence and time-to-response, per unimplemented recommendation for period; the
period's summary counts are in the table and JSON outputs).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from cli import render
from cli.db_commands import require_store
from cli.errors import BadInput
from settings import Settings
from store.db import make_engine
from store.report_models import PeriodReport
from store.reports import MAX_LIMIT, REPORT_KINDS, REPORT_TIME_ZONE

DEFAULT_WITHIN_DAYS = 30
DEFAULT_LIMIT = 100
# Which options each kind takes (besides --component and --format, which all take).
OPTIONS: dict[str, set[str]] = {
    "overdue": {"today", "case_officer", "limit", "offset"},
    "due-soon": {"today", "within", "limit", "offset"},
    "aging": {"today"},
    "concurrence": {"date_from", "date_to"},
    "time-to-response": {"date_from", "date_to"},
    "open-over-a-year": {"today", "limit", "offset"},
    "period": {"date_from", "date_to", "limit", "offset"},
}
FLAGS = {"today": "--today", "case_officer": "--case-officer", "within": "--within",
         "limit": "--limit", "offset": "--offset", "date_from": "--from", "date_to": "--to"}


def add_report_parser(sub: Any) -> None:
    """The `report` subcommand (called by cli.main.build_parser)."""
    from cli.main import iso_date

    kinds = ", ".join(REPORT_KINDS)
    report = sub.add_parser("report", help=f"manager reports from the store ({kinds})")
    report.set_defaults(handler=cmd_report)
    report.add_argument("kind", metavar="KIND", help=f"one of: {kinds}")
    report.add_argument("--from", type=iso_date, dest="date_from", metavar="DATE",
                        help="period: first day; concurrence, time-to-response: answers "
                        "received from DATE")
    report.add_argument("--to", type=iso_date, dest="date_to", metavar="DATE",
                        help="period: last day; concurrence, time-to-response: answers "
                        "received until DATE")
    report.add_argument("--component")
    report.add_argument("--case-officer", metavar="NAME", help="overdue: only this case "
                        "officer's memos")
    report.add_argument("--within", type=int, metavar="DAYS",
                        help=f"due-soon: due within DAYS of today (default {DEFAULT_WITHIN_DAYS})")
    report.add_argument("--today", type=iso_date, metavar="DATE",
                        help=f"as of DATE (default: today in {REPORT_TIME_ZONE})")
    report.add_argument("--limit", type=int, metavar="N",
                        help=f"list at most N items (default {DEFAULT_LIMIT}; period: all)")
    report.add_argument("--offset", type=int, metavar="N", help="skip the first N items")
    report.add_argument("--format", choices=["table", "json", "csv"], default="table")


def _arguments(args: argparse.Namespace) -> dict[str, Any]:
    """The report function's keyword arguments, after checking them: BadInput if wrong."""
    kind = args.kind
    if kind not in REPORT_KINDS:
        raise BadInput(f"unknown report kind {kind!r}: choose one of "
                       f"{', '.join(REPORT_KINDS)}")
    given = {name for name in FLAGS if getattr(args, name) is not None}
    misplaced = sorted(given - OPTIONS[kind], key=list(FLAGS).index)
    if misplaced:
        name = misplaced[0]
        takes = ", ".join(k for k, options in OPTIONS.items() if name in options)
        raise BadInput(f"report {kind}: {FLAGS[name]} does not apply (it applies to {takes})")
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise BadInput(f"report {kind}: --from {args.date_from.isoformat()} is after "
                       f"--to {args.date_to.isoformat()}")
    if kind == "period" and (args.date_from is None or args.date_to is None):
        raise BadInput("report period: --from and --to are required")
    if args.limit is not None and not 1 <= args.limit <= MAX_LIMIT:
        raise BadInput(f"report {kind}: --limit must be between 1 and {MAX_LIMIT}")
    if args.offset is not None and args.offset < 0:
        raise BadInput(f"report {kind}: --offset must be 0 or more")
    if args.within is not None and args.within < 0:
        raise BadInput(f"report {kind}: --within must be 0 or more")
    values = {name: getattr(args, name) for name in given}
    if kind == "due-soon":
        values.setdefault("within", DEFAULT_WITHIN_DAYS)
        values["within_days"] = values.pop("within")
    if "limit" in OPTIONS[kind] and kind != "period":
        values.setdefault("limit", DEFAULT_LIMIT)
    return {"component": args.component, **values}


def run_report(settings: Settings, kind: str, arguments: dict[str, Any]) -> Any:
    engine = make_engine(settings.db_url)
    require_store(engine)
    try:
        with Session(engine) as session:
            return REPORT_KINDS[kind](session, **arguments)
    except ValueError as error:
        raise BadInput(f"report {kind}: {error}") from None
    finally:
        engine.dispose()


async def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    arguments = _arguments(args)
    result = run_report(settings, args.kind, arguments)
    if args.format == "json":
        data = result.model_dump(mode="json") if isinstance(result, BaseModel) else [
            item.model_dump(mode="json") for item in result]
        print(json.dumps(data, indent=2))
    elif args.format == "csv":
        items = result.unimplemented if isinstance(result, PeriodReport) else result
        print(to_csv(items, _fields(args.kind)), end="")
    else:
        print(to_table(args.kind, result, arguments))
    return 0


def _fields(kind: str) -> list[str]:
    from store import report_models as m

    models: dict[str, type[BaseModel]] = {
        "overdue": m.OverdueItem, "due-soon": m.DueItem, "aging": m.AgingBucket,
        "concurrence": m.ConcurrenceRate, "time-to-response": m.ResponseTime,
        "open-over-a-year": m.OpenRecommendation, "period": m.OpenRecommendation}
    return list(models[kind].model_fields)


def to_csv(items: Sequence[BaseModel], fields: list[str]) -> str:
    """Header row, then one row per item; ISO dates, empty cells for nulls."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(fields)
    for item in items:
        data = item.model_dump(mode="json")
        writer.writerow(["" if data[f] is None else data[f] for f in fields])
    return out.getvalue()


def _percent(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def _short(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


Columns = list[tuple[str, Callable[[Any], object]]]
COLUMNS: dict[str, Columns] = {
    "overdue": [("MEMO", lambda i: i.memo_id), ("#", lambda i: i.number or "-"),
                ("COMPONENT", lambda i: i.component),
                ("CASE OFFICER", lambda i: i.case_officer or "-"),
                ("CLOCK", lambda i: i.clock), ("DUE", lambda i: i.due_on),
                ("DAYS OVERDUE", lambda i: i.days_overdue)],
    "due-soon": [("MEMO", lambda i: i.memo_id), ("#", lambda i: i.number or "-"),
                 ("COMPONENT", lambda i: i.component),
                 ("CASE OFFICER", lambda i: i.case_officer or "-"),
                 ("CLOCK", lambda i: i.clock), ("DUE", lambda i: i.due_on),
                 ("DAYS LEFT", lambda i: i.days_left)],
    "aging": [("DAYS SINCE ISSUE", lambda b: b.bucket), ("OPEN", lambda b: b.count)],
    "concurrence": [("COMPONENT", lambda r: r.component), ("ANSWERED", lambda r: r.answered),
                    ("CONCURRED", lambda r: r.concurred),
                    ("PARTIALLY", lambda r: r.partially_concurred),
                    ("NON-CONCURRED", lambda r: r.non_concurred),
                    ("CONCURRENCE", lambda r: _percent(r.concurrence_rate)),
                    ("PARTIAL", lambda r: _percent(r.partial_rate))],
    "time-to-response": [("COMPONENT", lambda t: t.component), ("ANSWERS", lambda t: t.count),
                         ("MEDIAN DAYS", lambda t: f"{t.median_days:g}"),
                         ("P90 DAYS", lambda t: t.p90_days)],
    "open-over-a-year": [("MEMO", lambda o: o.memo_id), ("#", lambda o: o.number),
                         ("COMPONENT", lambda o: o.component), ("ISSUED", lambda o: o.issued_on),
                         ("DAYS OPEN", lambda o: o.days_open),
                         ("RESPONSE", lambda o: o.response),
                         ("IMPLEMENTATION", lambda o: o.implementation),
                         ("TEXT", lambda o: _short(o.text))],
}
COLUMNS["period"] = [*COLUMNS["open-over-a-year"][:-1],
                     ("CLOSED SINCE", lambda o: o.closed_on or "-"),
                     COLUMNS["open-over-a-year"][-1]]


def _rows_table(kind: str, items: Sequence[Any]) -> str:
    columns = COLUMNS[kind]
    text = render.table([h for h, _ in columns], [[get(i) for _, get in columns] for i in items])
    return text if items else text + "\n(none)"


def to_table(kind: str, result: Any, arguments: dict[str, Any]) -> str:
    if not isinstance(result, PeriodReport):
        text = _rows_table(kind, result)
        limit = arguments.get("limit")
        if limit is not None and len(result) == limit:
            text += f"\n(first {limit} from offset {arguments.get('offset') or 0}; " \
                    "see --limit and --offset)"
        return text
    r = result
    reasons = ", ".join(f"{k} {v}" for k, v in r.closed_by_reason.items() if v)
    scope = f" (component {r.component})" if r.component else ""
    lines = [f"period {r.date_from} to {r.date_to}{scope}",
             f"  open at start  {r.open_at_start}",
             f"  issued         {r.issued}",
             f"  responded      {r.responded}",
             f"  resolved       {r.resolved}",
             f"  closed         {r.closed}" + (f"  ({reasons})" if reasons else ""),
             f"  open at end    {r.open_at_end}",
             "", f"unimplemented at {r.date_to}: {r.open_at_end}",
             _rows_table(kind, r.unimplemented)]
    return "\n".join(lines)
