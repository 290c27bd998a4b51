"""Running a workflow update or query, with Temporal's errors turned into problems.

A validator's rejection (an ApplicationError named after the domain error) becomes 409
for an `InvalidTransition` (the action is not allowed in the current state) and 422 for
any other rejection (the values are wrong); `field` is the command's field the message
starts with, when it starts with one (`reason: a dispute needs a reason`). Temporal
refusing the request itself (too large, invalid) is the client's mistake too (413, 422);
only Temporal being unreachable or failing is 503.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pydantic import BaseModel
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.context import AppContext
from api.problems import ProblemError

Result = TypeVar("Result")
CONFLICT_TYPES = {"InvalidTransition"}
_LEADING_WORD = re.compile(r"^([a-z_]+)\b")


def rejection_message(cause: BaseException) -> str:
    """The validator's message; for arguments that failed to decode, the decoder's."""
    message = cause.message if isinstance(cause, ApplicationError) else str(cause)
    inner = cause.__cause__
    if "Failed decoding arguments" in message and inner is not None:
        return rejection_message(inner)
    return message


def field_in(message: str, command: BaseModel | None) -> str | None:
    """The command field a rejection message starts with, if any."""
    match = _LEADING_WORD.match(message)
    if match is None or command is None:
        return None
    name = match.group(1)
    return name if name in type(command).model_fields else None


async def call_workflow(ctx: AppContext, memo_id: str,
                        action: Callable[[Client], Awaitable[Result]], *,
                        command: BaseModel | None = None,
                        finished: str | None = None) -> Result:
    """Run `action(client)`; `finished` is the detail for a workflow that has finished."""
    client = await ctx.client()
    try:
        return await action(client)
    except WorkflowUpdateFailedError as error:
        cause = error.cause
        if not isinstance(cause, ApplicationError):
            raise ProblemError(503, f"{memo_id}: update failed: {cause}") from None
        message = rejection_message(cause)
        status = 409 if cause.type in CONFLICT_TYPES else 422
        raise ProblemError(status, f"{memo_id}: {message}",
                           field=field_in(message, command)) from None
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            raise ProblemError(409, finished or f"{memo_id}: the memo takes no more actions "
                               "(its workflow has finished)") from None
        raise rpc_problem(memo_id, error) from None


def rpc_problem(memo_id: str, error: RPCError) -> ProblemError:
    """Temporal's refusal as a problem: 413/422 when the request is at fault, else 503."""
    if error.status is RPCStatusCode.RESOURCE_EXHAUSTED and "larger than" in error.message:
        return ProblemError(413, f"{memo_id}: the request is too large for Temporal: "
                            f"{error.message}", field="body")
    if error.status is RPCStatusCode.INVALID_ARGUMENT:
        return ProblemError(422, f"{memo_id}: Temporal refused the request: {error.message}")
    return ProblemError(503, f"{memo_id}: Temporal error: {error.message}")
