"""A read backlog file checked whole: `plan_backlog` gives the memos to bring in.

Rows are grouped by memo; a memo's rows must agree on its columns, and two rows for the
same recommendation must agree with each other. Each memo is then played through the
same domain functions its workflow's updates run (`domain.backlog.memo_steps`), so a dry
run refuses exactly what the import would: an update the workflow would reject becomes a
`RowProblem` on the row it came from, before anything is started. A memo with any bad
row is held back whole: half a memo cannot be completed by a later file.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from pydantic import ValidationError

from backlog.columns import MEMO_COLUMNS, ColumnMap
from backlog.parse import CellReader, ParsedRow, parse_row
from backlog.read import Table
from domain.backlog import (
    BacklogPlan,
    CloseStep,
    MemoHistory,
    RespondStep,
    ReviewStep,
    RowProblem,
    Step,
    memo_steps,
)
from domain.dates import check_issue_date
from domain.deadlines import check_time_zone, due_date
from domain.errors import DomainError
from domain.memo import Contact, MemoSpec, MemoState, record_response
from domain.recommendation import close, review
from domain.vocabulary import Counting

# A domain error's field -> the canonical column a person fixes.
FIELD_COLUMNS = {
    "received_on": "received_on", "reviewed_on": "resolved_on", "closed_on": "closed_on",
    "reason": "closure_reason", "closure_reason": "closure_reason",
    "justification": "closure_justification", "evidence": "evidence_uri",
    "issued_on": "issued_on", "target_completion_on": "plan_target_on",
    "response_due_on": "response_due_on", "response_window": "response_days",
    "time_zone": "time_zone", "memo_id": "memo_id", "title": "title",
    "component": "component", "office": "office", "recommendations": "number",
}
STEP_COLUMNS = {RespondStep: "decision", ReviewStep: "resolution", CloseStep: "closure_reason"}


def plan_backlog(table: Table, column_map: ColumnMap | None, file_name: str,
                 today: date) -> BacklogPlan:
    """Every row of `table` read and checked; BacklogFileError if its columns are wrong."""
    column_map = column_map or ColumnMap()
    names = column_map.header_names(table.headers, table.header_row)
    problems = list(table.problems)
    by_memo: dict[str, list[ParsedRow]] = defaultdict(list)
    for row in table.rows:
        values = column_map.canonical_row(row.values, names)
        parsed, found = parse_row(row.number, values, column_map.date_format, file_name)
        problems += found
        memo_id = parsed.values.get("memo_id", "").strip()
        if memo_id:
            by_memo[memo_id].append(parsed)
    bad_rows = {p.row for p in problems}
    memos: list[MemoHistory] = []
    held_back: dict[str, list[int]] = {}
    for memo_id, rows in by_memo.items():
        found = _memo_problems(rows, bad_rows, file_name, today, memos)
        problems += found
        if found or any(r.row in bad_rows for r in rows):
            held_back[memo_id] = [r.row for r in rows]
    return BacklogPlan(file=file_name, rows_read=len(table.rows), memos=memos,
                       problems=sorted(problems, key=lambda p: (p.row, p.column)),
                       held_back=held_back)


def _memo_problems(rows: list[ParsedRow], bad_rows: set[int], file: str, today: date,
                   memos: list[MemoHistory]) -> list[RowProblem]:
    """Check one memo's rows; append its MemoHistory to `memos` if all is well."""
    problems = _disagreements(rows)
    unique = _unique_recommendations(rows, problems)
    if problems or any(r.row in bad_rows for r in rows):
        return problems
    memo_values = {c: next((r.values[c] for r in rows if r.values.get(c)), "")
                   for c in MEMO_COLUMNS}
    cells = CellReader(rows[0].row, memo_values, None)
    spec = _memo_spec(cells, unique)
    if spec is None:
        return cells.problems
    try:
        check_issue_date(spec.issued_on, today, spec.time_zone)
    except DomainError as error:
        return [RowProblem(row=rows[0].row, column="issued_on", problem=str(error))]
    memo = MemoHistory(spec=spec, rows=[r.row for r in rows],
                       recommendations=[r.history for r in unique if r.history])
    problems = simulate(memo, file, today)
    if not problems:
        memos.append(memo)
    return problems


def _disagreements(rows: list[ParsedRow]) -> list[RowProblem]:
    """A memo column given differently on two of the memo's rows (blank cells agree)."""
    problems: list[RowProblem] = []
    for column in MEMO_COLUMNS:
        first: ParsedRow | None = None
        for row in rows:
            value = row.values.get(column, "").strip()
            if not value:
                continue
            if first is None:
                first = row
            elif value != first.values[column].strip():
                problems.append(RowProblem(
                    row=row.row, column=column,
                    problem=f"{value} disagrees with row {first.row} "
                            f"({first.values[column].strip()})"))
    return problems


def _unique_recommendations(rows: list[ParsedRow], problems: list[RowProblem]
                            ) -> list[ParsedRow]:
    """One row per recommendation number: identical repeats merge, different ones clash."""
    seen: dict[int, ParsedRow] = {}
    for row in rows:
        if row.spec is None or row.history is None:
            continue
        earlier = seen.get(row.spec.number)
        if earlier is None:
            seen[row.spec.number] = row
            continue
        differ = [c for c, v in row.values.items()
                  if v.strip() != earlier.values.get(c, "").strip()]
        if differ:
            problems.append(RowProblem(
                row=row.row, column=differ[0],
                problem=f"recommendation {row.spec.number} is also on row {earlier.row}, "
                        f"which says {earlier.values.get(differ[0], '').strip() or '(blank)'}"))
    return list(seen.values())


def _memo_spec(cells: CellReader, rows: list[ParsedRow]) -> MemoSpec | None:
    for column in ("title", "component", "issued_on"):
        if cells.text(column) is None:
            cells.problem(column, "required; blank on every row of this memo")
    issued_on, due_on = cells.date("issued_on"), cells.date("response_due_on")
    days = cells.number("response_days")
    counting = cells.word("response_counting", Counting) or Counting.CALENDAR
    zone = cells.text("time_zone")
    if zone is not None:
        cells.build("time_zone", lambda: check_time_zone(zone))
    if cells.problems:
        return None
    window: dict[str, object] = {"counting": counting, **({"days": days} if days else {})}
    data = {"memo_id": cells.text("memo_id"), "title": cells.text("title"),
            "office": cells.text("office"), "component": cells.text("component"),
            "issued_on": issued_on, "response_due_on": due_on, "response_window": window,
            "contacts": _contacts(cells),
            "recommendations": [r.spec for r in sorted(rows, key=lambda r: r.row) if r.spec]}
    if zone is not None:
        data["time_zone"] = zone
    try:
        return MemoSpec.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        cells.problem(FIELD_COLUMNS.get(field, "memo_id"),
                      first["msg"].removeprefix("Value error, "))
        return None


def _contacts(cells: CellReader) -> dict[str, Contact]:
    contacts: dict[str, Contact] = {}
    name, email = cells.text("component_contact"), cells.text("component_email")
    webhook = cells.text("component_webhook")
    if name or email or webhook:
        contacts["component"] = Contact(
            name=name or f"{cells.text('component')} liaison", email=email, webhook=webhook)
    officer, officer_email = cells.text("case_officer"), cells.text("case_officer_email")
    if officer or officer_email:
        contacts["case_officer"] = Contact(name=officer or "Case officer", email=officer_email)
    return contacts


def simulate(memo: MemoHistory, file: str, today: date) -> list[RowProblem]:
    """Play the memo's steps through the workflow's domain functions; the first step they
    refuse is the problem, on its (first) row."""
    spec = memo.spec
    window = spec.response_window
    state = MemoState.issue(spec, spec.response_due_on or due_date(
        spec.issued_on, window.days, window.counting))
    step: Step
    for step in memo_steps(memo, file):
        try:
            if isinstance(step, RespondStep):
                state, _ = record_response(state, step.command, today + timedelta(days=1))
                continue
            rec = state.recommendation(step.number)
            if isinstance(step, ReviewStep):
                new, _ = review(rec, step.command, spec.follow_up, issued_on=spec.issued_on)
            else:
                new, _ = close(rec, step.command, issued_on=spec.issued_on)
            state = state.model_copy(update={"recommendations": [
                new if r.number == step.number else r for r in state.recommendations]})
        except DomainError as error:
            return [RowProblem(row=step.origin.rows[0], column=_column(error, step),
                               problem=str(error))]
    return []


def _column(error: DomainError, step: Step) -> str:
    if error.field in FIELD_COLUMNS:
        return FIELD_COLUMNS[error.field]
    if "action plan" in str(error) and isinstance(step, RespondStep):
        return "plan_target_on"
    return STEP_COLUMNS[type(step)]

