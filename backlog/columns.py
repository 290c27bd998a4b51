"""The canonical backlog columns, and the `--map` file that renames a file's own headers.

A backlog file has one row per recommendation, with its memo's columns repeated on each
row. The table below is the contract of `rectrack import` (docs/import.md repeats it):
a file whose headers are not these names needs a `ColumnMap`, so that a GAO-style export
or an office's own spreadsheet can be read without editing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from domain.backlog import RowProblem

Group = Literal["memo", "recommendation", "history"]


class BacklogFileError(Exception):
    """The file as a whole cannot be read (format, header, map): no row is looked at.

    `problems` name the row (0: the file itself, 1: the header row) and column."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Column:
    name: str
    group: Group
    meaning: str
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("memo_id", "memo", "the memo's id (letters, digits, `.`, `_`, `-`)", True),
    Column("title", "memo", "the memo's title", True),
    Column("component", "memo", "the component the memo is addressed to", True),
    Column("issued_on", "memo", "the date the memo was issued", True),
    Column("office", "memo", "the issuing office"),
    Column("response_due_on", "memo", "the response due date (else from the window)"),
    Column("response_days", "memo", "response window in days (default 60)"),
    Column("response_counting", "memo", "`calendar` (default) or `business` days"),
    Column("time_zone", "memo", "the office's IANA time zone (default America/New_York)"),
    Column("component_contact", "memo", "name of the component's contact"),
    Column("component_email", "memo", "the component contact's email"),
    Column("component_webhook", "memo", "the component contact's webhook URL"),
    Column("case_officer", "memo", "name of the office's case officer"),
    Column("case_officer_email", "memo", "the case officer's email"),
    Column("number", "recommendation", "the recommendation's number in its memo", True),
    Column("text", "recommendation", "the recommendation's text", True),
    Column("kind", "recommendation", "`recommendation` (default) or `required_remedy`"),
    Column("priority", "recommendation", "yes/no, true/false, 1/0 or empty (no)"),
    Column("decision", "history", "`concur`, `partially_concur` or `non_concur`"),
    Column("rationale", "history", "the component's reasons (required unless concur)"),
    Column("received_on", "history", "the date the response letter was received"),
    Column("plan_official", "history", "official responsible for the action plan"),
    Column("plan_target_on", "history", "the action plan's target completion date"),
    Column("resolution", "history", "`resolved` (the office accepted) or `unresolved`"),
    Column("resolved_on", "history", "the date the office accepted the response or plan"),
    Column("closure_reason", "history", "why it was closed (the ClosureReason words)"),
    Column("closure_justification", "history", "the office's justification for closing"),
    Column("closed_on", "history", "the date it was closed"),
    Column("evidence_uri", "history", "link to the closure evidence"),
    Column("evidence_title", "history", "title of the closure evidence"),
)
CANONICAL = {c.name for c in COLUMNS}
MEMO_COLUMNS = tuple(c.name for c in COLUMNS if c.group == "memo")
REQUIRED = tuple(c.name for c in COLUMNS if c.required)
DATE_COLUMNS = ("issued_on", "response_due_on", "received_on", "plan_target_on",
                "resolved_on", "closed_on")


def normalized(header: str) -> str:
    """`" Issued On "` -> `issued_on`: how a header is matched against canonical names."""
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


# What a file value becomes: one canonical value for its own column, or several columns.
ValueOutcome = str | dict[str, str]


class ColumnMap(BaseModel):
    """`--map FILE`: file header -> canonical column (null: ignore the column), value
    translations per canonical column, defaults for blank cells, and a date format."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    columns: dict[str, str | None] = {}
    values: dict[str, dict[str, ValueOutcome]] = {}
    defaults: dict[str, str] = {}
    date_format: str | None = None

    @classmethod
    def load(cls, path: Path) -> ColumnMap:
        """The map in `path`, or BacklogFileError naming what is wrong with it."""
        def fail(problem: str) -> BacklogFileError:
            return BacklogFileError([RowProblem(row=0, column="--map", problem=problem)])
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise fail(f"cannot read {path.name}: {error}") from None
        try:
            column_map = cls.model_validate(data or {})
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise fail(f"{path.name}: {where}: {first['msg']}") from None
        column_map.check()
        return column_map

    def check(self) -> None:
        """Every canonical name the map uses exists."""
        named = [c for c in self.columns.values() if c is not None]
        named += list(self.values) + list(self.defaults)
        named += [k for outcomes in self.values.values() for outcome in outcomes.values()
                  if isinstance(outcome, dict) for k in outcome]
        unknown = sorted({n for n in named if n not in CANONICAL})
        if unknown:
            raise BacklogFileError([RowProblem(
                row=0, column="--map",
                problem=f"unknown canonical column {name!r}") for name in unknown])

    def header_names(self, headers: list[str], header_row: int) -> dict[str, str]:
        """File header -> canonical column, leaving out ignored ones; BacklogFileError
        names each header that is neither mapped nor canonical, or named twice."""
        mapped = {normalized(k): v for k, v in self.columns.items()}
        names: dict[str, str] = {}
        problems: list[RowProblem] = []
        for header in headers:
            key = normalized(header)
            if key in mapped:
                target = mapped[key]
                if target is None:
                    continue
            elif key in CANONICAL:
                target = key
            else:
                hint = "; add it to a --map file" if not self.columns else " in the --map file"
                problems.append(RowProblem(row=header_row, column=header,
                                           problem=f"unknown column{hint}"))
                continue
            if target in names.values():
                problems.append(RowProblem(row=header_row, column=header,
                                           problem=f"a second column for {target}"))
            names[header] = target
        missing = [c for c in REQUIRED if c not in names.values() and c not in self.defaults]
        problems += [RowProblem(row=header_row, column=c, problem="required column is missing")
                     for c in missing]
        if problems:
            raise BacklogFileError(problems)
        return names

    def canonical_row(self, values: dict[str, str], names: dict[str, str]) -> dict[str, str]:
        """One file row as canonical column -> string: renamed, values translated (a
        translation may set several columns), and blank cells filled from defaults."""
        row: dict[str, str] = {}
        for header, value in values.items():
            if header in names:
                row[names[header]] = value.strip()
        for column, outcomes in self.values.items():
            table = {normalized(k): v for k, v in outcomes.items()}
            outcome = table.get(normalized(row.get(column, "")))
            if isinstance(outcome, str):
                row[column] = outcome
            elif outcome is not None:
                row[column] = ""
                row.update(outcome)
        for column, default in self.defaults.items():
            if not row.get(column):
                row[column] = default
        return row
