"""`rectrack import` on the real dev server: the example backlog comes in with every memo in
its recorded state, events marked with file and row, no notice sent, and a re-run that
changes nothing; a file that adds history adds only that; a contradicting row is reported
and not applied; an import killed half-way finishes on a re-run without duplicates."""

from __future__ import annotations

import asyncio
import csv
import os
import pty
import signal
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from store.queries import list_deliveries
from tests.integration.support import (
    ROOT,
    Stack,
    eventually,
    office_today,
    run_cli,
    unique_id,
)

BACKLOG = ROOT / "examples" / "import" / "backlog.csv"
GAO = ROOT / "examples" / "import" / "gao-style.csv"
GAO_MAP = ROOT / "examples" / "import" / "gao-map.yaml"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _expected_state(row: dict[str, str]) -> tuple[str, str, str | None]:
    response = {"": "awaiting", "concur": "concurred", "partially_concur":
                "partially_concurred", "non_concur": "non_concurred"}[row["decision"]]
    resolved = "resolved" if row["resolved_on"] or row["resolution"] == "resolved" \
        else "unresolved"
    return response, resolved, row["closure_reason"] or None


def _no_repeated_events(events: list[Any]) -> bool:
    changes = [(e.kind, tuple(e.numbers), e.occurred_on, str(e.data.get("source")))
               for e in events if not e.kind.startswith("notice")]
    return len(changes) == len(set(changes))


def _deliveries(stack: Stack, memo_ids: set[str]) -> list[Any]:
    with Session(stack.engine) as session:
        return [d for d in list_deliveries(session) if d.memo_id in memo_ids]


async def test_the_example_backlog_comes_in_as_recorded_and_a_rerun_is_a_no_op(
        stack: Stack) -> None:
    rows = _rows(BACKLOG)
    first = await stack.cli("import", BACKLOG)
    assert first.returncode == 0, first
    assert "40 memos issued" in first.stdout, first.stdout
    assert "rows skipped: 0" in first.stdout
    assert "imported 40/40 memos" in first.stderr  # not a terminal: plain progress lines

    memo_ids = {row["memo_id"] for row in rows}
    for row in rows:
        stored = stack.stored_json(row["memo_id"])
        rec = next(r for r in stored["recommendations"] if r["number"] == int(row["number"]))
        response, resolution, closure = _expected_state(row)
        assert (rec["response"], rec["resolution"], rec["closure_reason"]) == \
            (response, resolution, closure), (row["memo_id"], row["number"])

    # Every event of an imported change names the file and the row(s) it came from.
    memo_id = rows[0]["memo_id"]
    events = stack.events(memo_id)
    issued = next(e for e in events if e.kind == "memo_issued")
    assert issued.data["source"]["file"] == "backlog.csv"
    answered = [e for e in events if e.kind == "response_recorded"]
    assert answered and all(e.data["source"]["origin"] == "import" for e in answered)
    memo_rows = {i + 2 for i, row in enumerate(rows) if row["memo_id"] == memo_id}
    assert set(answered[0].data["source"]["rows"]) <= memo_rows
    # Past clocks are the old system's business: nothing was sent while importing.
    assert _deliveries(stack, memo_ids) == []
    # The timeline says where each imported change came from.
    shown = await stack.cli("show", memo_id)
    assert "[imported: backlog.csv row" in shown.stdout, shown.stdout

    # The manager's overdue report lists every memo whose response the file leaves
    # unanswered past its due date, and no other.
    report = (await stack.cli("report", "overdue", "--format", "json", "--limit", "1000")).json()
    overdue = {i["memo_id"] for i in report if i["clock"] == "response"} & memo_ids
    awaiting = {r["memo_id"] for r in rows
                if not r["decision"] and not r["closure_reason"]
                and date.fromisoformat(r["issued_on"])
                + timedelta(days=int(r["response_days"] or 60)) < office_today()}
    assert awaiting and awaiting == overdue

    counts = {m: len(stack.events(m)) for m in memo_ids}
    again = await stack.cli("import", BACKLOG)
    assert again.returncode == 0, again
    assert again.stdout.startswith("nothing to do"), again.stdout
    assert {m: len(stack.events(m)) for m in memo_ids} == counts


async def test_the_gao_style_export_imports_with_its_map(stack: Stack) -> None:
    result = await stack.cli("import", GAO, "--map", GAO_MAP, "--quiet")
    assert result.returncode == 0, result
    closed = Counter(r["Status"] for r in _rows(GAO))
    summary = dict(line.strip().rsplit(None, 1) for line in result.stdout.splitlines()
                   if line.startswith("  "))
    assert int(summary["closed: implemented"]) == closed["Closed - Implemented"], result.stdout
    assert int(summary["closed: not_implemented"]) == closed["Closed - Not Implemented"]
    state = await stack.live_state(_rows(GAO)[0]["Report Number"])
    assert state.backlog is not None and state.backlog.catch_up_at is None  # --quiet


def _memo_rows(memo_id: str, decided: bool) -> list[dict[str, str]]:
    base = _rows(BACKLOG)[:3]
    rows = []
    for i, row in enumerate(base, start=1):
        row = {**row, "memo_id": memo_id, "number": str(i)}
        if not decided:
            row.update({k: "" for k in ("decision", "rationale", "received_on", "plan_official",
                                        "plan_target_on", "resolution", "resolved_on",
                                        "closure_reason", "closure_justification",
                                        "closed_on", "evidence_uri", "evidence_title")})
        rows.append(row)
    return rows


async def test_rows_that_add_history_add_only_that_and_a_contradiction_is_reported(
        stack: Stack, tmp_path: Path) -> None:
    memo_id = unique_id("IMP")
    opened = await stack.cli("import", _write(tmp_path / "open.csv",
                                              _memo_rows(memo_id, decided=False)))
    assert opened.returncode == 0, opened
    assert stack.stored_json(memo_id)["status"] == "awaiting_response"

    later = _memo_rows(memo_id, decided=True)
    answered = await stack.cli("import", _write(tmp_path / "answered.csv", later))
    assert answered.returncode == 0, answered
    assert "0 memos issued" in answered.stdout
    assert _no_repeated_events(stack.events(memo_id))
    before = len(stack.events(memo_id))

    flipped = [dict(row) for row in later]
    flipped[1].update(decision="non_concur", rationale="A different answer.")
    flipped[1].update({k: "" for k in ("plan_official", "plan_target_on", "resolution",
                                       "resolved_on", "closure_reason", "closed_on",
                                       "closure_justification", "evidence_uri",
                                       "evidence_title")})
    contradicted = await stack.cli("import", _write(tmp_path / "flipped.csv", flipped))
    assert contradicted.returncode == 2, contradicted
    assert any("row 3, decision: the file says non_concur" in line
               for line in contradicted.stderr_lines), contradicted.stderr
    assert len(stack.events(memo_id)) == before


async def test_an_import_killed_half_way_finishes_on_a_rerun_without_duplicates(
        stack: Stack, tmp_path: Path) -> None:
    prefix = unique_id("KIL")
    rows = []
    for n in range(12):
        rows += _memo_rows(f"{prefix}-{n}", decided=True)
    path = _write(tmp_path / "kill.csv", rows)
    process = await asyncio.create_subprocess_exec(
        str(ROOT / ".venv" / "bin" / "rectrack"), "import", str(path), env=stack.env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)

    async def some_issued() -> bool:
        return any(stack.stored_view(f"{prefix}-{n}") is not None for n in range(12))
    await eventually(some_issued, "the import to have issued a memo", within=30)
    os.kill(process.pid, signal.SIGKILL)
    await process.wait()

    rerun = await run_cli("import", path, env=stack.env)
    assert rerun.returncode == 0, rerun
    for n in range(12):
        memo_id = f"{prefix}-{n}"
        stored = stack.stored_json(memo_id)
        assert [r["response"] for r in stored["recommendations"]] == \
            [_expected_state(row)[0] for row in _memo_rows(memo_id, decided=True)]
        assert _no_repeated_events(stack.events(memo_id)), memo_id


async def test_on_a_terminal_the_import_shows_a_progress_bar_with_rate_and_eta(
        stack: Stack, tmp_path: Path) -> None:
    rows = _memo_rows(unique_id("TTY"), decided=True)
    path = _write(tmp_path / "tty.csv", rows)
    leader, follower = pty.openpty()
    try:
        process = await asyncio.create_subprocess_exec(
            str(ROOT / ".venv" / "bin" / "rectrack"), "import", str(path),
            env={**stack.env, "COLUMNS": "120"}, stdout=asyncio.subprocess.PIPE,
            stderr=follower)
        stdout, _ = await process.communicate()
    finally:
        os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    assert process.returncode == 0, stdout
    assert b"importing" in drawn and b"memos/s" in drawn, drawn
    assert b"imported 1/1 memos" not in drawn  # the bar, not the plain lines


async def test_bad_rows_are_named_and_dry_run_and_strict_import_nothing(
        stack: Stack, tmp_path: Path) -> None:
    good, bad = unique_id("GOOD"), unique_id("BAD")
    rows = _memo_rows(good, decided=False) + _memo_rows(bad, decided=False)
    rows[4]["issued_on"] = "03/01/2019"  # row 6 of the file: bad memo, recommendation 2
    path = _write(tmp_path / "mixed.csv", rows)

    for flag in ("--dry-run", "--strict"):
        refused = await stack.cli("import", path, flag)
        assert refused.returncode == 2, refused
        assert any(line.startswith("mixed.csv: row 6, issued_on:")
                   for line in refused.stderr_lines), refused.stderr
        assert stack.stored_view(good) is None and stack.stored_view(bad) is None

    partly = await stack.cli("import", path)
    assert partly.returncode == 2, partly  # rows were skipped: said, and the rest is in
    assert stack.stored_view(good) is not None and stack.stored_view(bad) is None
    assert "1 memo issued" in partly.stdout
