"""CLI errors, and the translation of the service layer's errors into them.

Hierarchy:
    CliError           -- any failure the CLI reports as one line (exit code 1)
      └── BadInput     -- the user's input is wrong (exit code 2); stored state untouched
From app.errors: NotFound, Conflict and Invalid are BadInput (exit 2), Unavailable
(Temporal or the store down) is a CliError (exit 1).
"""

from __future__ import annotations

from pydantic import ValidationError

from app.errors import AppError, Unavailable


class CliError(Exception):
    exit_code = 1


class BadInput(CliError):
    exit_code = 2


def from_app_error(error: AppError) -> CliError:
    """The one line the CLI prints for a service-layer error, with its exit code."""
    if isinstance(error, Unavailable):
        return CliError(error.message)
    return BadInput(error.message)


def describe_validation_error(error: ValidationError) -> str:
    """One line naming the first field at fault, e.g. `recommendations.1.number: ...`."""
    first = error.errors()[0]
    location = ".".join(str(part) for part in first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    extra = f" ({error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{location}: {message}{extra}" if location else f"{message}{extra}"
