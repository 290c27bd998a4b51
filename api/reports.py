"""Manager reports (store.reports) as JSON or CSV.

`GET /reports/{kind}` runs one of `store.reports.REPORT_KINDS` against the store. The
query parameters map onto the report function's keyword arguments (`from` -> date_from,
`to` -> date_to, ...); those a report does not take are ignored. Office and manager
tokens read every component; an agency token reads only its own component.
"""

from __future__ import annotations

import csv
import importlib
import inspect
import io
import json
import typing
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from api.context import context_of
from api.problems import READ_PROBLEMS, ProblemError, problem_doc
from api.tokens import Principal, Readers, allow, component_filter
from domain.memo import DEFAULT_TIME_ZONE
from domain.office_time import today_in

router = APIRouter(tags=["reports"], responses={
    **READ_PROBLEMS, 403: problem_doc("an agency token asking for another component"),
    503: problem_doc("the reports module is not installed")})
KNOWN_KINDS = ("overdue", "due-soon", "aging", "concurrence", "time-to-response",
               "open-over-a-year", "period")
DEFAULT_WITHIN_DAYS = 30
MAX_LIMIT = 500


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"


def report_kinds() -> Mapping[str, Callable[..., Any]]:
    """`store.reports.REPORT_KINDS`, imported on first use."""
    try:
        module = importlib.import_module("store.reports")
    except ImportError:
        raise ProblemError(503, "reports are not available in this installation") from None
    return cast(Mapping[str, Callable[..., Any]], module.REPORT_KINDS)


@router.get(
    "/reports/{kind}", summary="Run a manager report",
    responses={200: {"description": "the report, as JSON or CSV", "content": {
        "application/json": {}, "text/csv": {}}}},
)
def run_report(
    request: Request,
    who: Annotated[Principal, Depends(allow(*Readers))],
    kind: Annotated[str, Path(max_length=64, description="one of: "
                              + ", ".join(KNOWN_KINDS))],
    date_from: Annotated[date | None, Query(alias="from", description="start of the "
                                            "period (inclusive)")] = None,
    date_to: Annotated[date | None, Query(alias="to", description="end of the period "
                                          "(inclusive)")] = None,
    component: Annotated[str | None, Query(max_length=200)] = None,
    case_officer: Annotated[str | None, Query(max_length=200)] = None,
    within_days: Annotated[int | None, Query(ge=0, le=3650, description="due-soon: "
                                             f"horizon (default {DEFAULT_WITHIN_DAYS})")] = None,
    today: Annotated[date | None, Query(description="the report's today (default: today "
                                        "in the office time zone)")] = None,
    limit: Annotated[int | None, Query(ge=1, le=MAX_LIMIT, description="page size of "
                                       "list reports (default: the report's own)")] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    format: Annotated[Format, Query(description="json or csv")] = Format.JSON,
) -> Response:
    """Reports: `overdue`, `due-soon`, `aging`, `concurrence`, `time-to-response`,
    `open-over-a-year` and `period` (which needs `from` and `to`). An unknown kind is
    404; a range whose `from` is after its `to` is 422."""
    kinds = report_kinds()
    report = kinds.get(kind)
    if report is None:
        raise ProblemError(404, f"unknown report kind {kind!r}; kinds: "
                                f"{', '.join(kinds)}", field="kind")
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ProblemError(422, f"from: {date_from} is after to {date_to}", field="from")
    given: dict[str, Any] = {
        "date_from": date_from, "date_to": date_to,
        "component": component_filter(who, component), "case_officer": case_officer,
        "within_days": within_days, "today": today, "limit": limit, "offset": offset}
    kwargs = _arguments(report, given)
    with context_of(request).session() as session:
        try:
            result = report(session, **kwargs)
        except (ValueError, OverflowError) as error:  # OverflowError: dates past year 9999
            raise ProblemError(422, str(error), field=_range_field(str(error))) from None
    data = jsonable_encoder(result)
    if format is Format.CSV:
        return Response(to_csv(data, empty_columns=_columns(report)),
                        media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'})
    return JSONResponse(data)


QUERY_NAMES = {"date_from": "from", "date_to": "to"}
DEFAULTS: dict[str, Callable[[], Any]] = {  # for reports that take these without a default
    "within_days": lambda: DEFAULT_WITHIN_DAYS,
    "today": lambda: today_in(DEFAULT_TIME_ZONE),
}


def _arguments(report: Callable[..., Any], given: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments `report` takes, from the values `given` (None: not given,
    so the report's own default applies); 422 naming the query parameter a report needs
    and did not get (`from` and `to` for the period report)."""
    kwargs: dict[str, Any] = {}
    for name, parameter in inspect.signature(report).parameters.items():
        if parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        value = given.get(name)
        if value is None and parameter.default is inspect.Parameter.empty:
            if name not in DEFAULTS:
                query = QUERY_NAMES.get(name, name)
                raise ProblemError(422, f"{query}: required for this report", field=query)
            value = DEFAULTS[name]()
        if value is not None:
            kwargs[name] = value
    return kwargs


def _range_field(message: str) -> str | None:
    """The query parameter a report's ValueError message starts with, if any."""
    for name, query in QUERY_NAMES.items():
        if message.startswith((name, query)):
            return query
    return None


# -- CSV ---------------------------------------------------------------------------------


def _columns(report: Callable[..., Any]) -> list[str]:
    """The fields of the records a list report returns (the header of an empty CSV)."""
    try:
        returned = typing.get_type_hints(report).get("return")
    except (NameError, TypeError):
        return []
    [item] = typing.get_args(returned) or [None]
    if typing.get_origin(returned) is list and isinstance(item, type) \
            and issubclass(item, BaseModel):
        return list(item.model_fields)
    return []


def to_csv(data: Any, *, empty_columns: list[str] | None = None) -> str:
    """A header row, then one row per item: nested mappings become dotted columns
    (`closed_by_reason.implemented`); a nested list of records becomes one row per record
    with the enclosing fields repeated; ISO dates stay as they are in JSON."""
    rows = [row for item in (data if isinstance(data, list) else [data])
            for row in _rows(item)]
    columns: dict[str, None] = dict.fromkeys(empty_columns or []) if not rows else {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _rows(item: Any, prefix: str = "") -> Iterator[dict[str, Any]]:
    if not isinstance(item, dict):
        yield {prefix.rstrip(".") or "value": _cell(item)}
        return
    flat: dict[str, Any] = {}
    nested: list[tuple[str, list[Any]]] = []
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(next(_rows(value, f"{name}.")))
        elif (isinstance(value, list) and value and not nested
              and all(isinstance(v, dict) for v in value)):
            nested.append((name, value))  # the first list of records: one row each
        else:
            flat[name] = _cell(value)
    if not nested:
        yield flat
        return
    name, records = nested[0]
    for record in records:
        for row in _rows(record, f"{name}."):
            yield {**flat, **row}


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value)
    return "" if value is None else value
