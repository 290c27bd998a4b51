"""One canonical row to typed values: its recommendation and the history it records.

Each cell is read on its own (a date, a vocabulary word, a number) and then the row's
history is checked for the things a row alone can get wrong: a decision without the date
it came, a closure without its reason, half an action plan. Whatever is wrong is a
`RowProblem` naming this row and the column, so that a person can fix the spreadsheet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

from pydantic import ValidationError

from backlog.columns import DATE_COLUMNS
from domain.backlog import RecommendationHistory, RowProblem
from domain.dates import strict_date
from domain.followup import ActionPlan, Evidence
from domain.memo import RecommendationResponse, RecommendationSpec
from domain.recommendation import Close
from domain.vocabulary import ClosureReason, Decision, RecommendationKind, Resolution

Word = TypeVar("Word", bound=StrEnum)
TRUE_WORDS, FALSE_WORDS = {"yes", "true", "1", "y"}, {"no", "false", "0", "n", ""}
CLOSURE_COLUMNS = ("closure_justification", "closed_on", "evidence_uri", "evidence_title")


@dataclass
class ParsedRow:
    row: int
    values: dict[str, str]  # canonical column -> its text (dates as YYYY-MM-DD)
    spec: RecommendationSpec | None = None
    history: RecommendationHistory | None = None


class CellReader:
    """Typed values of one row's cells, collecting a RowProblem for each bad one."""

    def __init__(self, row: int, values: dict[str, str], date_format: str | None) -> None:
        self.row, self.values, self.date_format = row, values, date_format
        self.problems: list[RowProblem] = []

    def problem(self, column: str, problem: str) -> None:
        self.problems.append(RowProblem(row=self.row, column=column, problem=problem))

    def text(self, column: str) -> str | None:
        return self.values.get(column, "").strip() or None

    def date(self, column: str) -> date | None:
        raw = self.text(column)
        if raw is None:
            return None
        try:
            if self.date_format:
                return strict_date(datetime.strptime(raw, self.date_format).date())
            return strict_date(raw)
        except ValueError as error:
            wanted = f" (date_format {self.date_format})" if self.date_format else ""
            self.problem(column, f"{raw!r} is not a date{wanted}: {error}")
            return None

    def word(self, column: str, words: type[Word]) -> Word | None:
        raw = self.text(column)
        if raw is None:
            return None
        try:
            return words(raw.lower().replace(" ", "_").replace("-", "_"))
        except ValueError:
            allowed = ", ".join(w.value for w in words)
            self.problem(column, f"{raw!r} is not one of: {allowed}")
            return None

    def number(self, column: str) -> int | None:
        raw = self.text(column)
        if raw is None:
            return None
        if not raw.isdigit() or int(raw) < 1:
            self.problem(column, f"{raw!r} is not a whole number of 1 or more")
            return None
        return int(raw)

    def flag(self, column: str) -> bool:
        raw = (self.text(column) or "").lower()
        if raw in TRUE_WORDS | FALSE_WORDS:
            return raw in TRUE_WORDS
        self.problem(column, f"{raw!r} is not yes/no, true/false or 1/0")
        return False

    def build(self, column: str, make: Callable[[], object]) -> object | None:
        """`make()`, or None with a problem on `column` if it fails validation."""
        try:
            return make()
        except (ValidationError, ValueError) as error:
            message = (error.errors()[0]["msg"] if isinstance(error, ValidationError)
                       else str(error))
            self.problem(column, message.removeprefix("Value error, "))
            return None


def parse_row(row: int, values: dict[str, str], date_format: str | None,
              file: str) -> tuple[ParsedRow, list[RowProblem]]:
    """The row's recommendation and history, or the problems that keep it from having them."""
    cells = CellReader(row, values, date_format)
    dates = {c: cells.date(c) for c in DATE_COLUMNS}
    parsed = ParsedRow(row, {**values, **{c: d.isoformat() for c, d in dates.items() if d}})
    for column in ("memo_id", "number", "text"):
        if cells.text(column) is None:
            cells.problem(column, "required; the cell is blank")
    number = cells.number("number")
    kind = cells.word("kind", RecommendationKind) or RecommendationKind.RECOMMENDATION
    priority = cells.flag("priority")
    decision = cells.word("decision", Decision)
    resolution = cells.word("resolution", Resolution)
    reason = cells.word("closure_reason", ClosureReason)
    text = cells.text("text")
    if cells.problems or number is None or text is None:
        return parsed, cells.problems
    spec = cells.build("text", lambda: RecommendationSpec(
        number=number, text=text, kind=kind, priority=priority))
    plan = _action_plan(cells, decision, dates["plan_target_on"])
    history = _history(cells, number, decision, plan, dates)
    if history is not None:
        resolved_on = _resolved_on(cells, decision, resolution, reason, dates["resolved_on"])
        closure = _closure(cells, reason, dates["closed_on"], file)
        history = history.model_copy(update={"resolved_on": resolved_on, "closure": closure})
    if cells.problems or not isinstance(spec, RecommendationSpec):
        return parsed, cells.problems
    parsed.spec, parsed.history = spec, history
    return parsed, []


def _action_plan(cells: CellReader, decision: Decision | None,
                 target_on: date | None) -> ActionPlan | None:
    official = cells.text("plan_official")
    if official is None and target_on is None:
        return None
    if official is None or target_on is None:
        missing = "plan_official" if official is None else "plan_target_on"
        cells.problem(missing, "an action plan needs both plan_official and plan_target_on")
        return None
    if decision is None:
        cells.problem("plan_official", "an action plan needs a decision")
    elif decision is Decision.NON_CONCUR:
        cells.problem("plan_official", "a non-concurrence takes no action plan")
    plan = cells.build("plan_official", lambda: ActionPlan(
        responsible_official=official, target_completion_on=target_on))
    return plan if isinstance(plan, ActionPlan) else None


def _history(cells: CellReader, number: int, decision: Decision | None,
             plan: ActionPlan | None, dates: dict[str, date | None]
             ) -> RecommendationHistory | None:
    received_on, rationale = dates["received_on"], cells.text("rationale")
    if decision is not None and received_on is None:
        cells.problem("received_on", "a decision needs the date it was received")
    if decision is None and received_on is not None:
        cells.problem("decision", "a received_on needs the decision that came that day")
    if decision is None and rationale is not None:
        cells.problem("decision", "a rationale needs a decision")
    if decision is not None:
        cells.build("rationale", lambda: RecommendationResponse(
            number=number, decision=decision, rationale=rationale))
    return RecommendationHistory(row=cells.row, number=number, decision=decision,
                                 rationale=rationale, received_on=received_on,
                                 action_plan=plan)


def _resolved_on(cells: CellReader, decision: Decision | None, resolution: Resolution | None,
                 reason: ClosureReason | None, resolved_on: date | None) -> date | None:
    if resolution is Resolution.UNRESOLVED and resolved_on is not None:
        cells.problem("resolution", "unresolved, yet resolved_on is given")
        return None
    if resolution is Resolution.RESOLVED and resolved_on is None:
        cells.problem("resolved_on", "a resolved recommendation needs the date it was resolved")
    if resolved_on is None:
        return None
    if decision is None:
        cells.problem("resolution", "only an answered recommendation can be resolved")
    elif decision is Decision.NON_CONCUR and reason is None:
        cells.problem("closure_reason", "a non-concurrence marked resolved needs its closure "
                      "(not_implemented or no_longer_applicable)")
    return resolved_on


def _closure(cells: CellReader, reason: ClosureReason | None, closed_on: date | None,
             file: str) -> Close | None:
    if reason is None:
        for column in CLOSURE_COLUMNS:
            if cells.text(column) is not None:
                cells.problem("closure_reason", f"a closure needs a reason ({column} is given)")
                break
        return None
    if closed_on is None:
        cells.problem("closed_on", "a closure needs the date it was closed")
        return None
    uri, title = cells.text("evidence_uri"), cells.text("evidence_title")
    if title is not None and uri is None:
        cells.problem("evidence_uri", "evidence needs a link (evidence_title is given)")
        return None
    evidence = cells.build("evidence_uri", lambda: [Evidence(
        title=title or "Closure evidence", uri=uri)] if uri else [])
    justification = (cells.text("closure_justification")
                     or f"Closed before rectrack (imported from {file} row {cells.row})")
    close = cells.build("closure_justification", lambda: Close(
        reason=reason, justification=justification, closed_on=closed_on,
        evidence=evidence if isinstance(evidence, list) else []))
    return close if isinstance(close, Close) else None
