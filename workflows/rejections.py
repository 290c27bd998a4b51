"""Turning a broken domain rule into a clean update rejection (shared by both workflows).

The rejection carries what a client needs as data, not prose: its `type` is the domain
error's class name (`InvalidTransition`, `UnknownItem`, `DomainError`) and its details
hold `{"field": ...}` when the rule knows the input at fault. Rejected updates never
enter workflow history, so this shape can change without breaking replay.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.errors import DomainError

Result = TypeVar("Result")


def attempt(transition: Callable[[], Result]) -> Result:
    """Run a domain transition; a DomainError becomes a non-retryable ApplicationError,
    which rejects an update (in its validator) instead of failing the workflow task."""
    try:
        return transition()
    except DomainError as error:
        details = [{"field": error.field}] if error.field else []
        raise ApplicationError(str(error), *details, type=type(error).__name__,
                               non_retryable=True) from None
