"""`rectrack dev` serves the API beside its worker, on RECTRACK_API_PORT."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlmodel import Session

from settings import Settings
from store.db import make_engine
from store.migrate import upgrade
from store.tokens import create_token
from tests.integration.support import cli_env, free_address, unique_id, write_memo
from tests.integration.test_dev_command import rectrack_dev, stop_cleanly


def manager_token(home: Path) -> str:
    engine = make_engine(Settings(home=home).db_url)
    try:
        upgrade(engine)
        with Session(engine) as session:
            return create_token(session, name="dev manager", role="manager")[1]
    finally:
        engine.dispose()


async def test_dev_serves_the_api(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    port = free_address().rsplit(":", 1)[1]
    env = {**cli_env(home, free_address()), "RECTRACK_API_PORT": port}
    memo_id = unique_id("DEV")
    token = manager_token(home)
    async with rectrack_dev(env, "--issue-example", write_memo(tmp_path, memo_id)) as run:
        url = f"http://127.0.0.1:{port}"
        assert any(f"rectrack API at {url}" in line for line in run.output), run.output
        async with httpx.AsyncClient(base_url=url, timeout=30, headers={
                "Authorization": f"Bearer {token}"}) as client:
            listed = (await client.get("/memos")).json()
            assert [m["memo_id"] for m in listed["items"]] == [memo_id]
            live = await client.get(f"/memos/{memo_id}/live")
            assert live.status_code == 200 and live.json()["memo"]["memo_id"] == memo_id
        await stop_cleanly(run, home)
