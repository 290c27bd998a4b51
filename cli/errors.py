"""CLI errors.

Hierarchy:
    CliError           -- any failure the CLI reports as one line
      └── BadInput     -- the user's input is wrong (exit code 2); stored state untouched
Anything else that fails (server unreachable, worker missing) exits with code 1.
"""

from __future__ import annotations

from pydantic import ValidationError


class CliError(Exception):
    exit_code = 1


class BadInput(CliError):
    exit_code = 2


def describe_validation_error(error: ValidationError) -> str:
    """One line naming the first field at fault, e.g. `recommendations.1.number: ...`."""
    first = error.errors()[0]
    location = ".".join(str(part) for part in first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    extra = f" ({error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{location}: {message}{extra}" if location else f"{message}{extra}"
