"""Typed search attributes, so `temporal workflow list --query` finds memos by state.

They must be registered on every server the workflows run on: `rectrack dev` passes
them to the dev server, tests register them on the time-skipping server, and in
production `rectrack temporal setup` (cli/cluster_commands.py) registers them from
`CLI_TYPES`, the one list.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from temporalio.common import (
    SearchAttributeKey,
    SearchAttributePair,
    SearchAttributeUpdate,
    TypedSearchAttributes,
)

MEMO_ID = SearchAttributeKey.for_keyword("RectrackMemoId")
COMPONENT = SearchAttributeKey.for_keyword("RectrackComponent")
STATUS = SearchAttributeKey.for_keyword("RectrackStatus")
RESPONSE_DUE_ON = SearchAttributeKey.for_datetime("RectrackResponseDueOn")
OVERDUE = SearchAttributeKey.for_bool("RectrackOverdue")

ALL_KEYS = (MEMO_ID, COMPONENT, STATUS, RESPONSE_DUE_ON, OVERDUE)

# Names as the `temporal` CLI spells the types (`--search-attribute Name=Type`).
CLI_TYPES = {
    MEMO_ID.name: "Keyword",
    COMPONENT.name: "Keyword",
    STATUS.name: "Keyword",
    RESPONSE_DUE_ON.name: "Datetime",
    OVERDUE.name: "Bool",
}


def date_instant(day: date) -> datetime:
    """A business date as the Datetime search attribute value (00:00 UTC that day)."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def memo_pairs(
    *, memo_id: str, component: str, status: str, response_due_on: date, overdue: bool
) -> TypedSearchAttributes:
    """The attributes a memo workflow starts with."""
    pairs: list[SearchAttributePair[Any]] = [
        SearchAttributePair(MEMO_ID, memo_id),
        SearchAttributePair(COMPONENT, component),
        SearchAttributePair(STATUS, status),
        SearchAttributePair(RESPONSE_DUE_ON, date_instant(response_due_on)),
        SearchAttributePair(OVERDUE, overdue),
    ]
    return TypedSearchAttributes(pairs)


def memo_updates(
    *, memo_id: str, component: str, status: str, response_due_on: date, overdue: bool
) -> list[SearchAttributeUpdate[Any]]:
    """The attributes a memo workflow upserts after every change."""
    return [
        MEMO_ID.value_set(memo_id),
        COMPONENT.value_set(component),
        STATUS.value_set(status),
        RESPONSE_DUE_ON.value_set(date_instant(response_due_on)),
        OVERDUE.value_set(overdue),
    ]
