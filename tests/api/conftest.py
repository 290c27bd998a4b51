"""A real dev server + in-process worker (tests/integration/support.running_stack) and a
real uvicorn server on 127.0.0.1:<free port> serving `create_app`, in the same event
loop; httpx talks to it over TCP. One token per role, made in the store directly.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.api.support import CBP_MEMO, ICE_MEMO, TOKEN_ROLES, Api, serving
from tests.integration.support import Stack, running_stack


@pytest.fixture(scope="session")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path_factory.mktemp("rectrack-api-home"), prefix="api") as s:
        yield s


@pytest.fixture(scope="session")
async def api(stack: Stack) -> AsyncIterator[Api]:
    async with serving(stack, TOKEN_ROLES) as harness:
        harness.clients["anon"] = harness.client(None)
        yield harness


@pytest.fixture(scope="session")
async def ice_memo(api: Api) -> str:
    """An ICE memo nobody changes (read-only tests)."""
    return await api.issue(ICE_MEMO)


@pytest.fixture(scope="session")
async def cbp_memo(api: Api) -> str:
    """A CBP memo nobody may change: the refusal tests check it stays as issued."""
    return await api.issue(CBP_MEMO)
