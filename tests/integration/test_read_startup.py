"""`rectrack show` and `rectrack list` read only the store, so they start without
temporalio, the workflows, the activities or Alembic (issue 12: read commands start fast).

Each command runs in a fresh interpreter on a store holding one memo, through
`cli.main.run`, which then reports the modules it loaded. No timing is asserted here
(the machine's load decides that); the modules a command loads are what it pays for.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session

from settings import Settings
from store.db import make_engine
from store.events import apply_event
from store.migrate import upgrade
from tests.activities.activity_samples import ISSUED_ON, MEMO_ID, event_record, issued_state

ROOT = Path(__file__).resolve().parents[2]
# Top-level packages a store read has no use for.
UNNEEDED = ("temporalio", "workflows", "activities", "alembic", "httpx", "fastapi")
MARK = "LOADED "
PROBE = f"""
import json, sys
from cli.main import run
code = run(sys.argv[1:])
names = sorted({{m.split(".")[0] for m in sys.modules}} & set({UNNEEDED!r}))
print({MARK!r} + json.dumps({{"code": code, "unneeded": names}}))
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A RECTRACK_HOME whose SQLite store (at head) holds the ICE memo, just issued."""
    engine = make_engine(Settings(home=tmp_path).db_url)
    try:
        upgrade(engine)
        with Session(engine) as session:
            apply_event(session, record=event_record(issued_state(), 1, occurred_on=ISSUED_ON))
    finally:
        engine.dispose()
    return tmp_path


def rectrack(home: Path, *args: str) -> tuple[int, str, list[str]]:
    """Run `rectrack ARGS` in a new interpreter: exit code, output, unneeded packages."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RECTRACK_", "TEMPORAL_", "OTEL_"))}
    env["RECTRACK_HOME"] = str(home)
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    out, _, last = done.stdout.rstrip("\n").rpartition("\n")
    assert last.startswith(MARK), done.stdout + done.stderr
    probe = json.loads(last.removeprefix(MARK))
    return probe["code"], out, probe["unneeded"]


def test_list_reads_the_store_without_temporal(home: Path) -> None:
    code, out, unneeded = rectrack(home, "list")
    assert code == 0
    assert MEMO_ID in out and "ICE" in out
    assert unneeded == []


def test_show_reads_the_store_without_temporal(home: Path) -> None:
    code, out, unneeded = rectrack(home, "show", MEMO_ID)
    assert code == 0
    assert "ICE use of facial recognition databases" in out
    assert "recommendation 3: timeline" in out and "memo_issued" in out
    assert unneeded == []

    code, out, unneeded = rectrack(home, "show", MEMO_ID, "--json", "--timeline")
    assert code == 0
    shown = json.loads(out)
    assert shown["memo_id"] == MEMO_ID and shown["timeline"][0]["kind"] == "memo_issued"
    assert unneeded == []


def test_an_unknown_memo_is_bad_input_without_temporal(home: Path) -> None:
    code, out, unneeded = rectrack(home, "show", "NO-SUCH-MEMO")
    assert (code, out, unneeded) == (2, "", [])


def test_a_write_command_does_load_temporal(home: Path) -> None:
    """The probe sees what a command imports: `issue` brings Temporal in (and fails
    on the missing file before connecting)."""
    code, _, unneeded = rectrack(home, "issue", str(home / "missing.yaml"))
    assert code == 2
    assert {"temporalio", "workflows"} <= set(unneeded)
