"""The one error family of the service layer; the CLI and the API only translate it.

Hierarchy (httpx style: catch `AppError` for any of them, or one kind):
    AppError          -- any failure of an action or read; str(error) is one line
      ├── NotFound    -- no such memo or recommendation
      ├── Conflict    -- the action is not allowed in the current state (or the memo's
      │                  workflow has finished and takes no more actions)
      ├── Invalid     -- the input is wrong; `field` names it when known
      │     └── TooLarge -- the request is larger than Temporal accepts
      └── Unavailable -- Temporal or the store cannot be reached, or failed

The CLI exits 2 for NotFound, Conflict and Invalid, 1 for Unavailable; the API answers
404, 409, 422 (413 for TooLarge) and 503.
"""

from __future__ import annotations


class AppError(Exception):
    """A failure of the service layer, in one line for a person."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(AppError):
    """No such memo or recommendation."""


class Conflict(AppError):
    """Not allowed in the current state."""


class Invalid(AppError):
    """The input is wrong; `field` is the input at fault (dotted path), when known."""


class TooLarge(Invalid):
    """The request is larger than Temporal accepts."""


class Unavailable(AppError):
    """Temporal or the store is unreachable, or failed."""
