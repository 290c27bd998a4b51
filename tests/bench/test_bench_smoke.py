"""`make bench` in miniature, inside `make test`: the quick run must lose nothing.

Runs `python -m bench --quick` (its own dev server, worker, raw worker and receiver, well
under a minute) and reads its JSON: every issued memo's recommendation rows reached the
store, every response was recorded, every expected notice reached the receiver exactly
once (for rectrack and for the raw baseline), and every row has a figure, a baseline and
a ratio. Never a timing: the machine is shared, and the figures are the benchmark's
business, not the test's.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RUN_LIMIT_SECONDS = 240  # a hung run fails the test instead of holding the suite


def _quick_run(out: Path) -> dict[str, Any]:
    result = subprocess.run([sys.executable, "-m", "bench", "--quick", "--out", str(out)],
                            cwd=ROOT, capture_output=True, text=True,
                            timeout=RUN_LIMIT_SECONDS, check=False)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr[-3000:]}"
    [path] = out.glob("*-quick.json")
    assert {p.suffix for p in out.iterdir()} == {".json", ".md", ".png"}
    document: dict[str, Any] = json.loads(path.read_text())
    return document


def test_quick_bench_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    document = _quick_run(tmp_path)
    checks = document["checks"]

    for name, counts in checks["issue"].items():
        assert counts["stored_recs"] == counts["expected_recs"] > 0, name
    for name, counts in checks["response"].items():
        assert counts["recorded_responses"] == counts["expected_responses"] > 0, name
        assert counts["response_events"] == counts["expected_events"], name
    assert checks["raw"]["completed"] == checks["raw"]["expected_completed"] > 0
    for name, sides in checks["burst"].items():
        for side, tally in sides.items():
            assert tally["expected"] > 0, (name, side)
            assert tally["delivered_once"] == tally["expected"], (name, side, tally)
            assert tally["missing"] == tally["duplicates"] == tally["unexpected"] == 0, \
                (name, side, tally)
    assert checks["latency"]["recorded"] == checks["latency"]["responds"] > 0
    for level, counts in checks["scale"].items():
        assert counts["stored_open"] == counts["expected_open"] > 0, level
    assert checks["api"]["failures"] == 0

    rows = document["rows"]
    names = " | ".join(row["name"] for row in rows)
    for wanted in ("issue", "response", "reminder burst", "respond p95 under load",
                   "show p95 under load", "worker RSS", "Temporal DB per rec",
                   "store per rec", "CLI start-up: show", "CLI start-up: list",
                   "API GET /memos/{id} p95", "API /reports/overdue p95"):
        assert wanted in names, wanted
    for row in rows:
        for key in ("figure", "baseline", "ratio"):
            value = row[key]
            assert isinstance(value, int | float) and math.isfinite(value) and value > 0, \
                (row["name"], key, value)
