"""`rectrack show` and `rectrack list` show the attention state: `attention` at memo level
and per recommendation in `show --json`, a NEEDS ATTENTION line and list column."""

from __future__ import annotations

from pathlib import Path

from tests.integration.attention_support import flag_attention
from tests.integration.support import Stack, eventually, write_memo

REASON = "no reminder date: the due date is past the end of the calendar"


async def test_show_and_list_name_what_needs_attention(
        stack: Stack, tmp_path: Path, memo_id: str) -> None:
    await stack.issue(write_memo(tmp_path, memo_id))
    calm = await stack.show(memo_id)
    assert (calm["attention"], calm["needs_attention"]) == (None, False)
    assert [r["attention"] for r in calm["recommendations"]] == [None, None, None]

    await flag_attention(stack, memo_id, REASON, number=2)

    async def flagged() -> bool:
        return bool((await stack.show(memo_id))["needs_attention"])

    await eventually(flagged, "the attention in the store")
    shown = await stack.show(memo_id)
    assert shown["attention"] is None
    assert [r["attention"] for r in shown["recommendations"]] == [None, REASON, None]

    table = await stack.cli("show", memo_id)
    assert table.returncode == 0, table
    assert f"  NEEDS ATTENTION #2: {REASON}" in table.stdout.splitlines(), table

    listed = await stack.cli("list", "--component", "ICE")
    assert listed.returncode == 0, listed
    header, *rows = listed.stdout.splitlines()
    assert header.split()[-1] == "ATTENTION"
    [row] = [line for line in rows if line.startswith(memo_id)]
    assert row.endswith("NEEDS ATTENTION"), row
    [item] = [v for v in (await stack.cli("list", "--component", "ICE", "--json")).json()
              if v["memo_id"] == memo_id]
    assert item["needs_attention"] is True
