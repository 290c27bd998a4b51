"""Typed search attributes on the real dev server: the SDK's and the `temporal` CLI's lists.

Visibility is eventually consistent, so every list is polled (short sleeps, ~10 s max).
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from tests.helpers import TEMPORAL_BIN
from tests.integration.support import ICE_RESPONSE, Stack, office_today, unique_id, write_memo

VISIBILITY_WAIT = 10.0


async def workflow_ids(stack: Stack, query: str) -> set[str]:
    return {wf.id async for wf in stack.client.list_workflows(query)}


async def eventually_ids(stack: Stack, query: str, expected: set[str]) -> None:
    deadline = time.monotonic() + VISIBILITY_WAIT
    while (found := await workflow_ids(stack, query)) != expected:
        assert time.monotonic() < deadline, f"{query!r} found {found}, expected {expected}"
        await asyncio.sleep(0.2)


async def temporal_list(stack: Stack, query: str) -> list[dict[str, Any]]:
    process = await asyncio.create_subprocess_exec(
        str(TEMPORAL_BIN), "workflow", "list", "--address", stack.address,
        "--query", query, "-o", "json",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, err.decode()
    text = out.decode().strip()
    if not text:
        return []
    data = json.loads(text)
    return data if isinstance(data, list) else [data]


async def test_lists_by_component_overdue_and_status(stack: Stack, tmp_path: Path) -> None:
    component = unique_id("TSA")
    late, fresh = unique_id("LATE"), unique_id("FRESH")
    await asyncio.gather(
        stack.issue(write_memo(tmp_path, late, component=component)),
        stack.issue(write_memo(tmp_path, fresh, component=component,
                               issued_on=office_today())),
    )
    late_wf, fresh_wf = f"memo/{late}", f"memo/{fresh}"
    mine = f'RectrackComponent = "{component}"'

    await eventually_ids(stack, f"{mine} AND RectrackOverdue = true", {late_wf})
    await eventually_ids(stack, f"{mine} AND RectrackOverdue = false", {fresh_wf})
    await eventually_ids(stack, f'{mine} AND RectrackStatus = "awaiting_response"',
                         {late_wf, fresh_wf})
    await eventually_ids(stack, f'RectrackMemoId = "{fresh}"', {fresh_wf})
    await eventually_ids(
        stack, f'{mine} AND RectrackResponseDueOn < "2023-01-01T00:00:00Z"', {late_wf})

    overdue_query = f"{mine} AND RectrackOverdue = true"
    listed = await temporal_list(stack, overdue_query)
    assert [w["execution"]["workflowId"] for w in listed] == [late_wf]
    assert listed[0]["type"]["name"] == "MemoWorkflow"

    result = await stack.cli("respond", late, "--file", ICE_RESPONSE)
    assert result.returncode == 0, result
    await eventually_ids(stack, f'{mine} AND RectrackStatus = "responded"', {late_wf})
    await eventually_ids(stack, overdue_query, set())
