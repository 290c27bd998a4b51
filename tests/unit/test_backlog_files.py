"""Backlog files as a whole: formats, headers and the shipped examples (issue 9).

A file that cannot be read raises BacklogFileError before any row is looked at (the CLI
exits 2); the examples under examples/import/ must plan without a single problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from backlog.check import plan_backlog
from backlog.columns import BacklogFileError, ColumnMap
from backlog.read import read_table
from domain.backlog import BacklogPlan

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "import"
TODAY = date(2026, 11, 30)
HEADER = "memo_id,title,component,issued_on,number,text"


def plan_file(path: Path, column_map: ColumnMap | None = None) -> BacklogPlan:
    return plan_backlog(read_table(path), column_map, path.name, TODAY)


def file_problems(path: Path) -> list[tuple[int, str]]:
    with pytest.raises(BacklogFileError) as caught:
        plan_file(path)
    return [(p.row, p.column) for p in caught.value.problems]


def test_the_example_backlog_plans_forty_memos_and_three_hundred_recommendations() -> None:
    plan = plan_file(EXAMPLES / "backlog.csv")
    assert plan.problems == [] and plan.held_back == {}
    assert (len(plan.memos), plan.recommendation_count, plan.rows_read) == (40, 300, 300)
    histories = [r for m in plan.memos for r in m.recommendations]
    assert any(r.closure and r.closure.evidence for r in histories)
    assert any(r.decision is None for r in histories)
    assert any(m.spec.issued_on.year == 2019 for m in plan.memos)
    assert any(m.spec.issued_on > date(2026, 9, 1) for m in plan.memos)


def test_the_gao_style_file_plans_with_its_map() -> None:
    column_map = ColumnMap.load(EXAMPLES / "gao-map.yaml")
    plan = plan_file(EXAMPLES / "gao-style.csv", column_map)
    assert plan.problems == []
    assert (len(plan.memos), plan.recommendation_count) == (10, 30)
    first = plan.memos[0]
    assert first.spec.memo_id == "GAO-19-402" and first.spec.issued_on == date(2019, 5, 14)
    assert first.spec.office == "GAO"
    closed = [r for m in plan.memos for r in m.recommendations if r.closure]
    assert closed and all(r.closure and r.closure.closed_on for r in closed)


def test_unknown_columns_without_a_map_are_named_on_the_header_row(tmp_path: Path) -> None:
    path = tmp_path / "memos.csv"
    path.write_text(f"{HEADER},Report Number\nM-1,T,ICE,2024-01-02,1,Do it,GAO-1\n")
    assert file_problems(path) == [(1, "Report Number")]


def test_a_missing_required_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "memos.csv"
    path.write_text("memo_id,title,component,number,text\nM-1,T,ICE,1,Do it\n")
    assert file_problems(path) == [(1, "issued_on")]


def test_headers_match_canonical_names_whatever_their_case_and_spacing(tmp_path: Path) -> None:
    path = tmp_path / "memos.csv"
    path.write_text("Memo ID,Title, Component ,Issued On,Number,Text\n"
                    "M-1,T,ICE,2024-01-02,1,Do it\n")
    assert len(plan_file(path).memos) == 1


@pytest.mark.parametrize("content", ["", HEADER + "\n", "\n\n"])
def test_an_empty_file_or_a_header_without_rows_is_a_file_problem(
        tmp_path: Path, content: str) -> None:
    path = tmp_path / "memos.csv"
    path.write_text(content)
    assert file_problems(path) == [(0, "file")]


def test_an_unknown_format_is_a_file_problem(tmp_path: Path) -> None:
    path = tmp_path / "memos.txt"
    path.write_text(HEADER)
    assert file_problems(path) == [(0, "file")]


def test_a_csv_with_a_bom_and_windows_line_endings_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "memos.csv"
    path.write_bytes(("\ufeff" + HEADER + "\r\nM-1,T,ICE,2024-01-02,1,Do it\r\n"
                      "M-1,T,ICE,2024-01-02,2,\"Two\r\nlines\"\r\n").encode())
    plan = plan_file(path)
    assert plan.problems == []
    assert [r.text for r in plan.memos[0].spec.recommendations] == ["Do it", "Two\nlines"]
    assert plan.memos[0].rows == [2, 3]


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], merge: str | None = None) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    if merge:
        sheet.merge_cells(merge)
    workbook.save(path)


def test_xlsx_rows_are_read_with_dates_as_iso_strings(tmp_path: Path) -> None:
    path = tmp_path / "memos.xlsx"
    write_xlsx(path, [HEADER.split(","), ["M-1", "T", "ICE", date(2024, 1, 2), 1, "Do it"]])
    plan = plan_file(path)
    assert plan.problems == []
    assert plan.memos[0].spec.issued_on == date(2024, 1, 2)
    assert plan.memos[0].rows == [2]


def test_xlsx_with_merged_header_cells_is_a_file_problem(tmp_path: Path) -> None:
    path = tmp_path / "memos.xlsx"
    write_xlsx(path, [HEADER.split(","), ["M-1", "T", "ICE", "2024-01-02", 1, "Do it"]],
               merge="A1:B1")
    assert file_problems(path) == [(1, "A1:B1")]


def test_xlsx_merged_cells_below_the_header_refuse_the_rows_they_cover(tmp_path: Path) -> None:
    path = tmp_path / "memos.xlsx"
    write_xlsx(path, [HEADER.split(","), ["M-1", "T", "ICE", "2024-01-02", 1, "One"],
                      ["M-1", "T", "ICE", "2024-01-02", 2, "Two"]], merge="B2:B3")
    plan = plan_file(path)
    assert [(p.row, p.column) for p in plan.problems] == [(2, "B2:B3"), (3, "B2:B3")]
    assert plan.memos == []


def test_json_lines_rows_are_numbered_by_line(tmp_path: Path) -> None:
    path = tmp_path / "memos.jsonl"
    row = ('{"memo_id": "M-1", "title": "T", "component": "ICE", "issued_on": "2024-01-02", '
           '"number": %d, "text": "Do it", "priority": true}')
    path.write_text(row % 1 + "\n\n" + row % 2 + "\n")
    plan = plan_file(path)
    assert plan.problems == [] and plan.memos[0].rows == [1, 3]
    assert plan.memos[0].spec.recommendations[0].priority is True


def test_a_map_naming_an_unknown_canonical_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text("columns:\n  Report: memo_number\n")
    with pytest.raises(BacklogFileError) as caught:
        ColumnMap.load(path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(0, "--map")]
    assert "memo_number" in caught.value.problems[0].problem
