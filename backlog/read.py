"""Backlog files (CSV, XLSX, JSON Lines) as one shape: headers and numbered rows of strings.

Offices keep their backlog in whatever their spreadsheet exports; everything after this
module sees only `Table`, so the rules apply alike to every format. Row numbers are the
ones a person sees: in CSV and XLSX the header is row 1 and the first data row is row 2,
in JSON Lines a row's number is its line number. A file that cannot be read at all raises
`BacklogFileError`; a row that can be read but is malformed (a ragged CSV line, a merged
cell below the header) is kept in `Table.problems` and checked no further.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from backlog.columns import BacklogFileError
from domain.backlog import RowProblem

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass(frozen=True)
class Row:
    number: int  # 1-based, as the person who wrote the file sees it
    values: dict[str, str]  # header -> cell text, "" when blank


@dataclass
class Table:
    headers: list[str]
    rows: list[Row]
    header_row: int = 1  # the row that names the columns (JSON Lines: each line does)
    problems: list[RowProblem] = field(default_factory=list)


def file_problem(problem: str, column: str = "file") -> BacklogFileError:
    return BacklogFileError([RowProblem(row=0, column=column, problem=problem)])


def read_table(path: Path) -> Table:
    """The rows of `path`, by its extension; BacklogFileError if it cannot be read, is
    empty, or has a header and no rows."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise file_problem(f"{path.name}: unknown format {path.suffix or '(no extension)'!r}; "
                           "expected .csv, .xlsx, .jsonl or .ndjson")
    try:
        if path.stat().st_size == 0:
            raise file_problem(f"{path.name} is empty")
        table = {"csv": _read_csv, "xlsx": _read_xlsx, "jsonl": _read_jsonl}[kind](path)
    except OSError as error:
        raise file_problem(f"cannot read {path.name}: {error.strerror or error}") from None
    if not table.headers:
        raise file_problem(f"{path.name} is empty")
    if not table.rows and not table.problems:
        raise file_problem(f"{path.name} has a header but no rows")
    return table


def _cells_to_row(number: int, headers: list[str], cells: list[str], table: Table) -> None:
    if not any(c.strip() for c in cells):
        return  # a blank line
    extra = [c for c in cells[len(headers):] if c.strip()]
    if extra:
        table.problems.append(RowProblem(
            row=number, column=f"column {len(headers) + 1}",
            problem=f"{len(cells)} cells but the header names {len(headers)} columns"))
        return
    padded = [*cells[:len(headers)], *[""] * (len(headers) - len(cells))]
    table.rows.append(Row(number, dict(zip(headers, padded, strict=True))))


def _checked_headers(headers: list[str]) -> list[str]:
    headers = [h.strip() for h in headers]
    while headers and not headers[-1]:
        headers.pop()
    problems = [RowProblem(row=1, column=f"column {i + 1}", problem="blank header")
                for i, h in enumerate(headers) if not h]
    problems += [RowProblem(row=1, column=h, problem="header appears twice")
                 for i, h in enumerate(headers) if h and h in headers[:i]]
    if problems:
        raise BacklogFileError(problems)
    return headers


def _read_csv(path: Path) -> Table:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise file_problem(f"{path.name} is not UTF-8 text ({error.reason} at byte "
                           f"{error.start})") from None
    lines = list(csv.reader(text.splitlines(keepends=True)))
    if not lines or not any(c.strip() for c in lines[0]):
        raise file_problem(f"{path.name} is empty")
    table = Table(_checked_headers(lines[0]), [])
    for index, cells in enumerate(lines[1:], start=2):
        _cells_to_row(index, table.headers, cells, table)
    return table


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path) -> Table:
    """The first sheet. Not read-only: openpyxl's read-only sheets do not list merged
    cells, and a merged cell is refused (header: the file; below it: each row it covers)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError) as error:
        raise file_problem(f"{path.name} is not a readable XLSX workbook ({error})") from None
    sheet = workbook.worksheets[0]
    grid = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    if not grid or not any(c.strip() for c in grid[0]):
        raise file_problem(f"{path.name} is empty")
    merged = list(sheet.merged_cells.ranges)
    in_header = [r for r in merged if r.min_row == 1]
    if in_header:
        raise BacklogFileError([RowProblem(
            row=1, column=str(r.coord),
            problem="merged header cells; give each column its own header") for r in in_header])
    table = Table(_checked_headers(grid[0]), [])
    merged_rows = {n: str(r.coord) for r in merged for n in range(r.min_row, r.max_row + 1)}
    for index, cells in enumerate(grid[1:], start=2):
        if index in merged_rows:
            table.problems.append(RowProblem(
                row=index, column=merged_rows[index],
                problem="merged cells; repeat the value in each row instead"))
            continue
        _cells_to_row(index, table.headers, cells, table)
    return table


def _read_jsonl(path: Path) -> Table:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as error:
        raise file_problem(f"{path.name} is not UTF-8 text ({error.reason})") from None
    table = Table([], [], header_row=0)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            table.problems.append(RowProblem(row=number, column="line",
                                             problem=f"not JSON ({error.msg})"))
            continue
        if not isinstance(data, dict):
            table.problems.append(RowProblem(row=number, column="line",
                                             problem="expected one JSON object per line"))
            continue
        nested = [k for k, v in data.items() if isinstance(v, dict | list)]
        if nested:
            table.problems.append(RowProblem(row=number, column=str(nested[0]),
                                             problem="expected a plain value"))
            continue
        values = {str(k): _cell_text(v) for k, v in data.items()}
        table.headers += [k for k in values if k not in table.headers]
        table.rows.append(Row(number, values))
    if not table.rows and not table.problems:
        raise file_problem(f"{path.name} is empty")
    return table
