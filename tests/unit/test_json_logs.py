"""JSON logs (app.logs): the formatter writes one parseable object per record, with the
time in ISO-8601 UTC, level, logger, message, the extra fields a caller attached and the
exception text; `RECTRACK_LOG_FORMAT=json rectrack ...` logs such lines on stderr, and
without it a short command's output is what it always was."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.logs import JsonFormatter, level_for
from settings import Settings
from tests.helpers import BIN_DIR

ROOT = Path(__file__).resolve().parents[2]


def record(message: str, *args: object, name: str = "rectrack.notices",
           level: int = logging.INFO, **extra: object) -> logging.LogRecord:
    return logging.getLogger(name).makeRecord(name, level, __file__, 1, message, args, None,
                                              extra=extra or None)


def test_a_record_is_one_json_object_with_its_fields() -> None:
    line = JsonFormatter().format(record("notice %s sent to %s", "N-1", "ICE",
                                         memo_id="CRCL-2022-ICE-FRD", number=2,
                                         due_on=datetime(2023, 1, 30).date()))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "INFO" and entry["logger"] == "rectrack.notices"
    assert entry["message"] == "notice N-1 sent to ICE"
    assert (entry["memo_id"], entry["number"], entry["due_on"]) == (
        "CRCL-2022-ICE-FRD", 2, "2023-01-30")  # not JSON itself: as text
    assert entry["time"].endswith("Z")
    stamp = datetime.fromisoformat(entry["time"])
    assert stamp.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=1)
    assert not {"args", "msg", "levelno", "pathname", "exc_info"} & set(entry)


def test_an_exception_is_included_as_text() -> None:
    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError:
        failed = logging.getLogger("rectrack").makeRecord(
            "rectrack", logging.ERROR, __file__, 1, "activity failed: %s", ("é ✓",),
            sys.exc_info())
    entry = json.loads(JsonFormatter().format(failed))
    assert entry["level"] == "ERROR" and entry["message"] == "activity failed: é ✓"
    assert "Traceback (most recent call last)" in entry["exception"]
    assert "ZeroDivisionError: division by zero" in entry["exception"]


def test_temporal_context_and_uvicorn_access_fields() -> None:
    activity = json.loads(JsonFormatter().format(record(
        "Completing activity as failed", name="temporalio.activity",
        temporal_activity={"activity_type": "record_event", "workflow_id": "memo/X"})))
    assert activity["temporal_activity"]["activity_type"] == "record_event"
    access = json.loads(JsonFormatter().format(record(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/healthz", "1.1", 200,
        name="uvicorn.access")))
    assert access["message"] == '127.0.0.1:5000 - "GET /healthz HTTP/1.1" 200'
    assert (access["method"], access["path"], access["status_code"]) == ("GET", "/healthz", 200)


@pytest.mark.parametrize("log_format,level,command,expected", [
    ("text", None, "list", None),  # a short command stays as it always was
    ("text", None, "worker", logging.INFO),
    ("json", None, "api", logging.INFO),
    ("json", None, "issue", logging.WARNING),
    ("text", "DEBUG", "show", logging.DEBUG),
    ("json", "ERROR", "dev", logging.ERROR),
])
def test_the_level_of_each_command(monkeypatch: pytest.MonkeyPatch, log_format: str,
                                   level: str | None, command: str,
                                   expected: int | None) -> None:
    monkeypatch.setenv("RECTRACK_LOG_FORMAT", log_format)
    if level is None:
        monkeypatch.delenv("RECTRACK_LOG_LEVEL", raising=False)
    else:
        monkeypatch.setenv("RECTRACK_LOG_LEVEL", level)
    assert level_for(Settings(), command) == expected


def rectrack(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("RECTRACK_", "OTEL_"))}
    return subprocess.run([str(BIN_DIR / "rectrack"), *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=60,
                          env={**clean, "RECTRACK_HOME": str(home), **env})


def test_the_cli_logs_json_lines_on_stderr(tmp_path: Path) -> None:
    done = rectrack(tmp_path / "json", "db", "upgrade",
                    RECTRACK_LOG_FORMAT="json", RECTRACK_LOG_LEVEL="info")
    assert done.returncode == 0, done
    assert "store at" in done.stdout  # the command's own output is unchanged
    entries = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    assert entries, done.stderr
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    assert any(e["logger"] == "alembic.runtime.migration"
               and e["message"].startswith("Running upgrade") for e in entries), entries

    plain = rectrack(tmp_path / "text", "db", "upgrade")
    assert plain.returncode == 0 and plain.stdout == done.stdout
    assert plain.stderr == ""  # no format or level set: no logging configured
