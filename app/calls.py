"""Running a workflow update or query, with Temporal's errors turned into app.errors.

Matching is by type, never by message: a validator's rejection is an ApplicationError
whose `type` is the domain error's class name (`InvalidTransition` -> Conflict,
`UnknownItem` and `DomainError` -> Invalid, the field from its details, see
workflows.rejections), and Temporal's own refusals are matched by RPC status code
(NOT_FOUND: the workflow has finished -> Conflict; INVALID_ARGUMENT -> Invalid;
RESOURCE_EXHAUSTED on a message size -> TooLarge; anything else -> Unavailable).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable
from typing import Any, TypeVar

from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from app.errors import AppError, Conflict, Invalid, TooLarge, Unavailable
from domain.errors import InvalidTransition

Result = TypeVar("Result")
CONFLICT_TYPES = {InvalidTransition.__name__}
DECODING_TYPES = {"ValidationError"}
_PYDANTIC_HEADER = re.compile(r"^\d+ validation errors? for \w+$")


async def guarded(subject: str, call: Awaitable[Result], *, finished: str) -> Result:
    """Await an update or query of `subject`'s workflow; `finished` is the message for a
    workflow that has finished (and takes no more actions)."""
    try:
        return await call
    except WorkflowUpdateFailedError as error:
        raise rejection(subject, error.cause) from None
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            raise Conflict(finished) from None
        raise refusal(subject, error) from None


def rejection(subject: str, cause: BaseException | None) -> AppError:
    """A validator's rejection; a payload that failed to decode is named by its decoder."""
    if not isinstance(cause, ApplicationError):
        return Unavailable(f"{subject}: update failed: {cause}")
    inner = cause.__cause__
    if isinstance(inner, ApplicationError) and inner.type in DECODING_TYPES:
        return Invalid(f"{subject}: {one_line(inner.message)}")
    field = _field(cause.details)
    if cause.type in CONFLICT_TYPES:
        return Conflict(f"{subject}: {one_line(cause.message)}", field=field)
    return Invalid(f"{subject}: {one_line(cause.message)}", field=field)


def refusal(subject: str, error: RPCError) -> AppError:
    """Temporal refusing the request: too large or invalid is the caller's; else down."""
    if error.status is RPCStatusCode.RESOURCE_EXHAUSTED and "larger than" in error.message:
        return TooLarge(f"{subject}: the request is too large for Temporal: {error.message}",
                        field="body")
    if error.status is RPCStatusCode.INVALID_ARGUMENT:
        return Invalid(f"{subject}: Temporal refused the request: {error.message}")
    return Unavailable(f"{subject}: Temporal error: {error.message}")


def _field(details: Any) -> str | None:
    for detail in details or ():
        if isinstance(detail, dict) and isinstance(detail.get("field"), str):
            return str(detail["field"])
    return None


def one_line(message: str) -> str:
    """A message on one line; pydantic's "N validation errors for X / field / msg" report
    becomes "field: msg" (the first error)."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if len(lines) >= 3 and _PYDANTIC_HEADER.match(lines[0]):
        detail = lines[2].split(" [type=")[0]
        return f"{lines[1]}: {detail}"
    return " ".join(lines)
