"""`rectrack report` as a subprocess, on a SQLite store holding the sample memos.

The invocations run concurrently in one module fixture (each costs an interpreter start);
the tests then check their outputs. Expected values are those derived in test_reports.py.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlmodel import Session

from store.db import make_engine
from store.migrate import upgrade
from tests.helpers import BIN_DIR
from tests.reports.report_samples import fill_store

AS_OF = ("--today", "2024-03-01")
H1 = ("--from", "2023-01-01", "--to", "2023-06-30")
RUNS: dict[str, tuple[str, ...]] = {
    "overdue-table": ("overdue", *AS_OF),
    "overdue-json": ("overdue", *AS_OF, "--case-officer", "Ada", "--format", "json"),
    "overdue-csv": ("overdue", *AS_OF, "--format", "csv"),
    "due-soon-csv": ("due-soon", *AS_OF, "--within", "44", "--format", "csv"),
    "aging-csv": ("aging", *AS_OF, "--format", "csv"),
    "concurrence-csv": ("concurrence", "--format", "csv"),
    "concurrence-table": ("concurrence", "--from", "2023-03-01", "--to", "2023-05-01"),
    "time-json": ("time-to-response", "--format", "json"),
    "year-table": ("open-over-a-year", *AS_OF, "--component", "CBP"),
    "period-table": ("period", *H1),
    "period-json": ("period", *H1, "--format", "json"),
    "period-csv": ("period", *H1, "--format", "csv"),
    # bad input
    "unknown-kind": ("overdoo",),
    "inverted": ("concurrence", "--from", "2023-07-01", "--to", "2023-06-30"),
    "period-no-range": ("period", "--from", "2023-01-01"),
    "misplaced-flag": ("aging", "--case-officer", "Ada"),
    "huge-page": ("overdue", "--limit", "1000000000"),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    home: Path = tmp_path_factory.mktemp("report-cli")
    engine = make_engine(f"sqlite:///{home / 'rectrack.db'}")
    upgrade(engine)
    with Session(engine) as session:
        fill_store(session)
    engine.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECTRACK_", "TEMPORAL_"))}
    env["RECTRACK_HOME"] = str(home)

    def run(args: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(BIN_DIR / "rectrack"), "report", *args], env=env,
                              capture_output=True, text=True, timeout=120, check=False)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = dict(zip(RUNS, pool.map(run, RUNS.values()), strict=True))
    return results


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result
    assert result.stderr == "", result
    return result.stdout


def rows(result: subprocess.CompletedProcess[str]) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(ok(result), newline="")))


def test_overdue_formats(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    table = ok(runs["overdue-table"]).splitlines()
    assert table[0].split() == ["MEMO", "#", "COMPONENT", "CASE", "OFFICER", "CLOCK", "DUE",
                                "DAYS", "OVERDUE"]
    assert [line.split() for line in table[2:]] == [
        ["ICE-1", "2", "ICE", "Ada", "action_plan", "2023-03-01", "366"],
        ["ICE-1", "1", "ICE", "Ada", "status_update", "2023-06-13", "262"],
        ["ICE-1", "1", "ICE", "Ada", "target_completion", "2023-12-31", "61"],
        ["ICE-2", "-", "ICE", "Ben", "response", "2024-01-30", "31"]]
    data = json.loads(ok(runs["overdue-json"]))
    assert [(d["memo_id"], d["number"], d["clock"], d["due_on"], d["days_overdue"])
            for d in data] == [("ICE-1", 2, "action_plan", "2023-03-01", 366),
                               ("ICE-1", 1, "status_update", "2023-06-13", 262),
                               ("ICE-1", 1, "target_completion", "2023-12-31", 61)]
    parsed = rows(runs["overdue-csv"])
    assert list(parsed[0]) == ["memo_id", "number", "component", "case_officer", "clock",
                               "due_on", "days_overdue"]
    assert [(r["memo_id"], r["number"], r["due_on"], r["days_overdue"]) for r in parsed] == [
        ("ICE-1", "2", "2023-03-01", "366"), ("ICE-1", "1", "2023-06-13", "262"),
        ("ICE-1", "1", "2023-12-31", "61"), ("ICE-2", "", "2024-01-30", "31")]


def test_due_soon_and_aging(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    assert [(r["memo_id"], r["clock"], r["due_on"], r["days_left"])
            for r in rows(runs["due-soon-csv"])] == [
        ("CBP-1", "target_completion", "2024-03-10", "9"),
        ("CBP-2", "response", "2024-03-15", "14"),
        ("CBP-1", "status_update", "2024-04-14", "44")]
    assert [(r["bucket"], r["min_days"], r["max_days"], r["count"])
            for r in rows(runs["aging-csv"])] == [
        ("0-30", "0", "30", "1"), ("31-90", "31", "90", "0"), ("91-180", "91", "180", "3"),
        ("181-365", "181", "365", "0"), (">365", "366", "", "4")]


def test_concurrence_and_time_to_response(
        runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    parsed = rows(runs["concurrence-csv"])
    assert [(r["component"], r["concurred"], r["partially_concurred"], r["non_concurred"],
             r["answered"]) for r in parsed] == [("CBP", "2", "0", "0", "2"),
                                                 ("ICE", "1", "1", "1", "3")]
    assert float(parsed[1]["concurrence_rate"]) == pytest.approx(1 / 3)
    table = ok(runs["concurrence-table"]).splitlines()
    assert [line.split() for line in table[2:]] == [
        ["CBP", "1", "1", "0", "0", "100.0%", "0.0%"], ["ICE", "1", "0", "0", "1", "0.0%", "0.0%"]]
    assert json.loads(ok(runs["time-json"])) == [
        {"component": "CBP", "count": 2, "median_days": 94.0, "p90_days": 99},
        {"component": "ICE", "count": 3, "median_days": 122.0, "p90_days": 152}]


def test_open_over_a_year_and_period(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    year = ok(runs["year-table"]).splitlines()
    assert [line.split()[:5] for line in year[2:]] == [
        ["CBP-1", "1", "CBP", "2023-02-01", "394"], ["CBP-1", "2", "CBP", "2023-02-01", "394"]]
    summary = ok(runs["period-table"])
    for line in ("open at start  3", "issued         4", "responded      5",
                 "resolved       3", "closed         1  (not_implemented 1)",
                 "open at end    6", "unimplemented at 2023-06-30: 6"):
        assert line in summary
    data = json.loads(ok(runs["period-json"]))
    assert (data["open_at_start"], data["issued"], data["closed"], data["open_at_end"]) == (
        3, 4, 1, 6)
    assert data["closed_by_reason"]["not_implemented"] == 1
    assert len(data["unimplemented"]) == 6
    parsed = rows(runs["period-csv"])
    assert [(r["memo_id"], r["number"], r["issued_on"], r["closed_on"]) for r in parsed] == [
        ("ICE-1", "1", "2022-09-30", ""), ("ICE-1", "2", "2022-09-30", ""),
        ("CBP-1", "1", "2023-02-01", ""), ("CBP-1", "2", "2023-02-01", ""),
        ("ICE-3", "1", "2023-06-01", "2023-09-01"), ("ICE-3", "2", "2023-06-01", "2023-09-01")]


@pytest.mark.parametrize(("run", "needles"), [
    ("unknown-kind", ("unknown report kind 'overdoo'", "overdue, due-soon, aging, concurrence, "
                      "time-to-response, open-over-a-year, period")),
    ("inverted", ("--from 2023-07-01 is after --to 2023-06-30",)),
    ("period-no-range", ("report period: --from and --to are required",)),
    ("misplaced-flag", ("report aging: --case-officer does not apply", "overdue")),
    ("huge-page", ("--limit must be between 1 and 10000",)),
])
def test_bad_input_exits_2_with_one_line(runs: dict[str, subprocess.CompletedProcess[str]],
                                         run: str, needles: tuple[str, ...]) -> None:
    result = runs[run]
    assert result.returncode == 2, result
    assert result.stdout == ""
    [line] = [line for line in result.stderr.splitlines() if line.strip()]
    for needle in needles:
        assert needle in line, line
