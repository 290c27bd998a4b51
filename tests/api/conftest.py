"""A real dev server + in-process worker (tests/integration/support.running_stack) and a
real uvicorn server on 127.0.0.1:<free port> serving `create_app`, in the same event
loop; httpx talks to it over TCP. One token per role, made in the store directly.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.activities.conftest import pg_schema
from tests.api.support import CBP_MEMO, ICE_MEMO, TOKEN_ROLES, Api, serving
from tests.integration.support import Stack, running_stack


@pytest.fixture(scope="session",
                params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def stack(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    """The API suite runs once per store backend: a SQLite file, then a PostgreSQL schema
    of its own (dropped afterwards). PostgreSQL unreachable is an error, never a skip."""
    home = tmp_path_factory.mktemp(f"rectrack-api-{request.param}")
    if request.param == "sqlite":
        async with running_stack(home, prefix="api") as s:
            yield s
        return
    with pg_schema("rectrack_api") as engine:
        url = engine.url.render_as_string(hide_password=False)
        async with running_stack(home, prefix="api-pg", database_url=url) as s:
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
