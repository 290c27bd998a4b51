"""Process logging for the worker, the API and the CLI: human text by default, or one JSON
object per line with `RECTRACK_LOG_FORMAT=json`, for log shippers that index fields.

A JSON line holds `time` (ISO-8601, UTC), `level`, `logger` and `message`, then every
extra field a caller attached (`logger.info(..., extra={"memo_id": ...})`, the Temporal
SDK's `temporal_workflow` / `temporal_activity` context, uvicorn's access-log fields) and
`exception` (the formatted traceback) when there is one. uvicorn is served with
`log_config=None` (api.serve), so its loggers reach the root handler configured here.

The level is `RECTRACK_LOG_LEVEL`, default INFO for the long-running commands (`worker`,
`api`, `dev`) and WARNING for the rest. A short command with text logs and no level set
keeps Python's defaults: its output stays what it always was.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from settings import Settings

SERVER_COMMANDS = frozenset({"worker", "api", "dev"})
TEXT_FORMAT = "%(asctime)s %(name)s %(message)s"

# Attributes every LogRecord has: anything else on a record came from `extra=`.
# Not extras either: `temporal_log` (the SDK core's record, already in the message of a
# forwarded line) and uvicorn's `color_message` (the message with terminal colours).
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName", "temporal_log", "color_message"}
_ACCESS_FIELDS = ("client_addr", "method", "path", "http_version", "status_code")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) \
                and len(record.args) == len(_ACCESS_FIELDS):
            entry.update(zip(_ACCESS_FIELDS, record.args, strict=True))
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def level_for(settings: Settings, command: str | None) -> int | None:
    """The root level to set: RECTRACK_LOG_LEVEL, else the command's default; None to
    leave a short text command's logging untouched."""
    if settings.log_level is not None:
        return logging.getLevelNamesMapping()[settings.log_level]
    if command in SERVER_COMMANDS:
        return logging.INFO
    return logging.WARNING if settings.log_format == "json" else None


def configure_logging(settings: Settings, command: str | None = None) -> None:
    """Install the root handler (stderr) for this process; a no-op when there is nothing
    to change. Called once, before the command runs (cli.main), so the later
    `logging.basicConfig` calls of the server commands find it in place."""
    level = level_for(settings, command)
    if level is None:
        return
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    for old in root.handlers[:]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()  # propagate to the root handler


def cli_logging(command: str) -> None:
    """`configure_logging` from the environment's settings for one `rectrack` command;
    invalid settings are left for the command itself to report."""
    from pydantic import ValidationError

    try:
        settings = Settings()
    except ValidationError:
        return
    configure_logging(settings, command)
