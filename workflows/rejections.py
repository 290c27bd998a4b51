"""Turning a broken domain rule into a clean update rejection (shared by both workflows)."""

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
        raise ApplicationError(str(error), type=type(error).__name__,
                               non_retryable=True) from None
