"""A real dev server + in-process worker (tests/integration/support.running_stack) and a
real uvicorn server on 127.0.0.1:<free port> serving `create_app`, in the same event
loop; httpx talks to it over TCP. One token per role, made in the store directly.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from api.app import create_app
from api.serve import start_api
from tests.api.support import CBP_MEMO, ICE_MEMO, TOKEN_ROLES, Api
from tests.integration.support import Stack, running_stack


@pytest.fixture(scope="session")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path_factory.mktemp("rectrack-api-home"), prefix="api") as s:
        yield s


@pytest.fixture(scope="session")
async def api(stack: Stack) -> AsyncIterator[Api]:
    app = create_app(stack.settings, temporal_client=stack.client)
    running = await start_api(app, host="127.0.0.1", port=0)
    harness = Api(url=running.url, stack=stack, tokens={}, clients={})
    try:
        for who, (role, component) in TOKEN_ROLES.items():
            harness.tokens[who] = harness.new_token(role, component)[1]
            harness.clients[who] = harness.client(harness.tokens[who])
        harness.clients["anon"] = harness.client(None)
        yield harness
    finally:
        for client in harness.clients.values():
            await client.aclose()
        await running.stop()


@pytest.fixture(scope="session")
async def ice_memo(api: Api) -> str:
    """An ICE memo nobody changes (read-only tests)."""
    return await api.issue(ICE_MEMO)


@pytest.fixture(scope="session")
async def cbp_memo(api: Api) -> str:
    """A CBP memo nobody may change: the refusal tests check it stays as issued."""
    return await api.issue(CBP_MEMO)
