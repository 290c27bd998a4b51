"""`rectrack token create|list|revoke` and `rectrack api`, as subprocesses against the
session's store and Temporal server."""

from __future__ import annotations

import asyncio
import hashlib
import signal

import httpx
from sqlmodel import Session, select

from store.tokens import ApiToken
from tests.api.support import Api, assert_problem
from tests.integration.support import RECTRACK, ROOT, free_address


async def test_token_create_list_revoke(api: Api, ice_memo: str) -> None:
    cli = api.stack.cli
    refusals = [
        (("--role", "agency", "--name", "ICE liaison"), "--component"),
        (("--role", "office", "--component", "ICE", "--name", "x"), "component"),
        (("--role", "boss", "--name", "x"), "--role"),
    ]
    results = await asyncio.gather(*(cli("token", "create", *args) for args, _ in refusals))
    for (_, needle), refused in zip(refusals, results, strict=True):
        assert refused.returncode == 2, refused
        assert len(refused.stderr_lines) == 1 and needle in refused.stderr, refused
    created = await cli("token", "create", "--role", "agency", "--component", "ICE",
                        "--name", "ICE liaison")
    assert created.returncode == 0, created
    token = created.stdout.split()[-1]
    token_id = int(created.stdout.split()[2])
    async with api.client(token) as client:
        assert (await client.get(f"/memos/{ice_memo}")).status_code == 200
        with Session(api.stack.engine) as session:  # stored only as its SHA-256 hash
            row = session.exec(select(ApiToken).where(ApiToken.id == token_id)).one()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        revoked = await cli("token", "revoke", str(token_id))
        assert revoked.returncode == 0, revoked
        assert_problem(await client.get(f"/memos/{ice_memo}"), 401)
    listed, active, refused = await asyncio.gather(
        cli("token", "list"), cli("token", "list", "--active"),
        cli("token", "revoke", "999999"))
    assert listed.returncode == 0 and token not in listed.stdout
    [line] = [ln for ln in listed.stdout.splitlines() if ln.split()[0] == str(token_id)]
    assert "agency" in line and "ICE liaison for ICE" in line and "revoked" in line
    assert str(token_id) not in {ln.split()[0] for ln in active.stdout.splitlines()}
    assert refused.returncode == 2 and refused.stderr_lines == [
        "rectrack: token revoke: no token 999999"], refused


async def test_rectrack_api_serves_until_interrupted(api: Api, ice_memo: str) -> None:
    port = free_address().rsplit(":", 1)[1]
    process = await asyncio.create_subprocess_exec(
        str(RECTRACK), "api", "--port", port, env=api.stack.env, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        assert f"rectrack API at http://127.0.0.1:{port}" in line.decode(), line
        headers = {"Authorization": f"Bearer {api.tokens['office']}"}
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}",
                                     headers=headers, timeout=30) as client:
            assert (await client.get("/openapi.json")).status_code == 200
            live = await client.get(f"/memos/{ice_memo}/live")  # connects to Temporal
            assert live.status_code == 200, live.text
            assert live.json()["memo"]["memo_id"] == ice_memo
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
