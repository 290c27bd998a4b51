"""The service layer (app/) against the real dev server and store: each failure is one
class of the app.errors family, matched by type (never by message), with the field at
fault when the rule knows it; a rejected action changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from app import memos, reads, recommendations
from app.context import Context
from app.errors import Conflict, Invalid, NotFound, Unavailable
from domain.memo import MemoSpec
from settings import Settings
from store.db import make_engine
from tests.integration.support import ICE_MEMO, Stack, run_cli, unique_id


@pytest.fixture
async def ctx(stack: Stack) -> Context:
    return Context(stack.settings, stack.engine, stack.client)


@pytest.fixture
async def issued(ctx: Context) -> AsyncIterator[str]:
    data: dict[str, Any] = yaml.safe_load(ICE_MEMO.read_text(encoding="utf-8"))
    data["memo_id"] = unique_id("APP")
    spec, view = await memos.issue(ctx, MemoSpec.model_validate(data))
    assert view is not None
    yield spec.memo_id


async def test_unknown_memo_and_number_are_not_found(ctx: Context, issued: str) -> None:
    with pytest.raises(NotFound) as memo:
        await memos.withdraw(ctx, unique_id("NONE"), {"reason": "x"})
    assert memo.value.field == "memo_id"
    with pytest.raises(NotFound) as number:
        await recommendations.hold(ctx, issued, 99, {"reason": "x"})
    assert number.value.field == "number"
    with pytest.raises(NotFound):
        await reads.show(ctx, unique_id("NONE"))


async def test_an_illegal_action_is_a_conflict(ctx: Context, issued: str) -> None:
    with pytest.raises(Conflict):  # no response yet: InvalidTransition in the workflow
        await recommendations.review(ctx, issued, 1, {"decision": "accept"})
    with pytest.raises(Conflict):
        await memos.resume(ctx, issued, None)  # not on hold
    data: dict[str, Any] = yaml.safe_load(ICE_MEMO.read_text(encoding="utf-8"))
    data["memo_id"] = issued
    with pytest.raises(Conflict) as again:
        await memos.issue(ctx, MemoSpec.model_validate(data))
    assert again.value.field == "memo_id"


async def test_rule_rejections_are_invalid_naming_the_field(ctx: Context, issued: str) -> None:
    before = await reads.show(ctx, issued)
    with pytest.raises(Invalid) as early:
        await memos.extend(ctx, issued, {"to_due_on": "2022-11-01", "reason": "x",
                                         "approved_by": "y"})
    assert early.value.field == "to_due_on"  # from the rejection's details
    with pytest.raises(Invalid) as before_issue:
        await recommendations.close(ctx, issued, 2, {
            "reason": "superseded", "justification": "newer", "closed_on": "2001-01-01"})
    assert before_issue.value.field == "closed_on"
    with pytest.raises(Invalid) as blank:
        await recommendations.close(ctx, issued, 2, {"reason": "superseded",
                                                     "justification": " "})
    assert blank.value.field == "justification"
    with pytest.raises(Invalid) as malformed:  # the command's own validation, before sending
        await memos.hold(ctx, issued, {"reason": "x", "on": "2023-02-30"}, source="hold")
    assert malformed.value.field == "on"
    assert str(malformed.value).startswith("hold: on: ")
    assert await reads.show(ctx, issued) == before


async def test_temporal_down_is_unavailable(stack: Stack, issued: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPORAL_ADDRESS", "127.0.0.1:9")  # nothing listens on port 9
    down = Context(stack.settings, stack.engine)  # no client: connects on first use
    with pytest.raises(Unavailable):
        await memos.withdraw(down, issued, {"reason": "x"})


async def test_the_cli_says_temporal_is_down_in_one_line_and_exits_1(
        stack: Stack, issued: str) -> None:
    result = await run_cli("withdraw", issued, "--reason", "x",
                           env={**stack.env, "TEMPORAL_ADDRESS": "127.0.0.1:9"})
    assert result.returncode == 1, result
    [line] = result.stderr_lines
    assert "cannot reach Temporal at 127.0.0.1:9" in line and "rectrack dev" in line, line
    assert "Traceback" not in result.stderr


async def test_a_store_without_tables_is_unavailable(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    engine = make_engine(settings.db_url)
    try:
        with pytest.raises(Unavailable) as empty:
            await reads.list_memos(Context(settings, engine))
        assert "no tables" in str(empty.value)
    finally:
        engine.dispose()
