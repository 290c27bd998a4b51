"""`rectrack doctor` on the real dev server and store: a clean memo is all clear; a store
row edited behind the workflows' back, a terminated workflow and a memo whose deadline the
calendar cannot reach are each reported, with exit 1.

The session server is shared with other tests, so each test checks its own memos
(`--memo`); one test runs the doctor over everything to see the unscoped path work.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import text
from sqlmodel import Session

from domain.memo import MemoSpec, MemoState
from tests.integration.support import ICE_MEMO, Stack, eventually, write_memo
from workflows import search_attributes as sa
from workflows.inputs import MemoStart, memo_workflow_id
from workflows.memo import MemoWorkflow


async def issued(stack: Stack, tmp_path: Path, memo_id: str) -> None:
    """Issue a copy of the example memo; return once its rows and workflows are there."""
    await stack.issue(write_memo(tmp_path, memo_id))

    async def settled() -> bool:
        view = stack.stored_view(memo_id)
        if view is None or len(view.recommendations) != 3:
            return False
        state = await stack.live_state(memo_id)
        # The example memo is long past due: its became_overdue event rewrites the memo
        # row just after the issue event, so a test editing the row must wait for it.
        return state.event_seq > 0 and any(e.kind == "became_overdue"
                                           for e in stack.events(memo_id))

    await eventually(settled, f"{memo_id} issued and recorded")


async def doctor(stack: Stack, *args: str) -> tuple[int, dict[str, Any]]:
    result = await stack.cli("doctor", "--json", *args)
    assert result.returncode in (0, 1), result
    data: dict[str, Any] = json.loads(result.stdout)
    assert data["ok"] is (result.returncode == 0), data
    return result.returncode, data


async def test_a_clean_memo_is_all_clear(stack: Stack, tmp_path: Path, memo_id: str) -> None:
    await issued(stack, tmp_path, memo_id)
    result = await stack.cli("doctor", "--memo", memo_id)
    assert result.returncode == 0, result
    assert result.stdout.strip() == "all clear: 1 memo, 4 workflows checked", result
    code, data = await doctor(stack, "--memo", memo_id)
    assert (code, data["findings"], data["memos_checked"], data["workflows_checked"]) == (
        0, [], 1, 4)


def _sql(stack: Stack, statement: str, **values: Any) -> None:
    with Session(stack.engine) as session:
        session.connection().execute(text(statement), values)
        session.commit()


async def test_a_store_row_edited_behind_the_workflow_is_drift(
        stack: Stack, tmp_path: Path, memo_id: str) -> None:
    await issued(stack, tmp_path, memo_id)
    await asyncio.to_thread(_sql, stack, "UPDATE memo SET status = 'responded' "
                            "WHERE memo_id = :memo_id", memo_id=memo_id)

    result = await stack.cli("doctor", "--memo", memo_id)
    assert result.returncode == 1, result
    assert f"memo/{memo_id}" in result.stdout and "status: store responded, workflow " \
        "awaiting_response" in result.stdout, result
    _, data = await doctor(stack, "--memo", memo_id)
    [finding] = data["findings"]
    assert {k: finding[k] for k in ("check", "memo_id", "field", "store", "workflow")} == {
        "check": "drift", "memo_id": memo_id, "field": "status", "store": "responded",
        "workflow": "awaiting_response"}

    # Unscoped, the doctor checks every memo and still names this one.
    code, everything = await doctor(stack)
    assert code == 1 and everything["memos_checked"] >= 1
    assert any(f["memo_id"] == memo_id and f["field"] == "status"
               for f in everything["findings"])


async def test_a_terminated_workflow_behind_an_open_row_is_reported(
        stack: Stack, tmp_path: Path, memo_id: str) -> None:
    await issued(stack, tmp_path, memo_id)
    await stack.handle(memo_id).terminate(reason="doctor test")

    result = await stack.cli("doctor", "--memo", memo_id)
    assert result.returncode == 1, result
    assert f"workflow memo/{memo_id} is terminated" in result.stdout, result
    _, data = await doctor(stack, "--memo", memo_id)
    assert [(f["check"], f["store"], f["workflow"]) for f in data["findings"]] == [
        ("no_workflow", "awaiting_response", "terminated")]


async def test_a_deadline_the_calendar_cannot_reach_is_reported(
        stack: Stack, memo_id: str) -> None:
    """A memo started (past the client's checks) with a due date on the calendar's last
    day: planning its overdue instant cannot succeed. Its activity retries, or the memo
    workflow sets `attention`; either way the doctor names it."""
    spec = write_memo_spec(memo_id)
    state = MemoState.issue(spec, date(2022, 11, 29)).model_copy(
        update={"response_due_on": date.max})
    await stack.client.start_workflow(
        MemoWorkflow.run, MemoStart(state=state), id=memo_workflow_id(memo_id),
        task_queue=stack.settings.task_queue, search_attributes=sa.memo_pairs(
            memo_id=memo_id, component="ICE", status=state.status.value,
            response_due_on=date(9999, 12, 30), overdue=False))

    async def reported() -> bool:
        code, data = await doctor(stack, "--memo", memo_id)
        return code == 1 and any(f["check"] in ("activity", "attention")
                                 for f in data["findings"])

    await eventually(reported, "the unreachable deadline reported", within=30)


def write_memo_spec(memo_id: str) -> MemoSpec:
    data = yaml.safe_load(ICE_MEMO.read_text(encoding="utf-8"))
    data["memo_id"] = memo_id
    return MemoSpec.model_validate(data)
