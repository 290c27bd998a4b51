"""`rectrack temporal setup` against a real Temporal dev server that starts bare.

The production stack's `rectrack-setup` job runs this command on a cluster that has no
rectrack namespace or search attributes yet. The server here is `temporal server
start-dev` started WITHOUT `--search-attribute` (unlike `rectrack dev`'s), so the command
alone must register them; each test uses a namespace of its own on the shared server.
The expected types come from the typed keys the workflows upsert (`ALL_KEYS`), not from
the command's own table.
"""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from google.protobuf.duration_pb2 import Duration
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, RegisterNamespaceRequest
from temporalio.client import Client

from cli.main import run
from tests.helpers import TEMPORAL_BIN
from tests.integration.support import CliResult, cli_env, free_address, run_cli
from workflows.search_attributes import ALL_KEYS, CLI_TYPES

EXPECTED = {key.name: int(key.indexed_value_type) for key in ALL_KEYS}


@dataclass
class BareServer:
    address: str
    client: Client


def _spawn(address: str, log: Path) -> subprocess.Popen[bytes]:
    """`temporal server start-dev` in memory, headless, WITHOUT `--search-attribute`."""
    host, _, port = address.rpartition(":")
    with log.open("ab") as out:
        return subprocess.Popen([str(TEMPORAL_BIN), "server", "start-dev", "--ip", host,
                                 "--port", port, "--headless", "--log-level", "warn"],
                                stdout=out, stderr=out)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def _start_bare(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A bare dev server that answered, on a free port (retried if the port got taken)."""
    for _ in range(3):
        address = free_address()
        process = _spawn(address, log)
        for _ in range(300):
            if process.poll() is not None:
                break  # a port taken meanwhile: try another address
            try:
                client = await Client.connect(address)
                await client.count_workflows()
                return process, address
            except Exception:
                await asyncio.sleep(0.1)
        _stop(process)
    raise RuntimeError(f"the bare Temporal dev server did not start: see {log}")


@pytest.fixture(scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BareServer]:
    log = tmp_path_factory.mktemp("bare-temporal") / "temporal.log"
    process, address = await _start_bare(log)
    try:
        yield BareServer(address, await Client.connect(address))
    finally:
        _stop(process)


def fresh_namespace() -> str:
    return f"rectrack-it-{uuid.uuid4().hex[:8]}"


async def attributes(server: BareServer, namespace: str) -> dict[str, int]:
    response = await server.client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace))
    return {name: int(kind) for name, kind in response.custom_attributes.items()}


async def setup(server: BareServer, home: Path, *args: str) -> CliResult:
    return await run_cli("temporal", "setup", *args, env=cli_env(home, server.address))


def test_the_command_registers_the_list_in_code() -> None:
    assert set(CLI_TYPES) == set(EXPECTED)


async def test_setup_registers_every_attribute_then_a_second_run_changes_nothing(
    server: BareServer, tmp_path: Path,
) -> None:
    assert not set(EXPECTED) & set(await attributes(server, "default"))  # truly bare

    first = await setup(server, tmp_path)
    assert first.returncode == 0, first
    # the dev server's own namespace keeps its retention: said, never changed
    assert "namespace default: exists (retention 1 d); --retention-days 30 is not " \
        "applied" in first.stdout
    for name in CLI_TYPES:
        assert f"search attribute {name} ({CLI_TYPES[name]}): registered" in first.stdout
    assert (tmp_path / "rectrack.db").is_file()  # then `rectrack db upgrade` ran
    registered = await attributes(server, "default")
    assert {name: registered.get(name) for name in EXPECTED} == EXPECTED

    second = await setup(server, tmp_path)
    assert second.returncode == 0, second
    assert second.stdout.count("already registered") == len(CLI_TYPES), second.stdout
    assert ": registered" not in second.stdout
    assert await attributes(server, "default") == registered


async def test_setup_creates_a_missing_namespace_with_the_retention_asked(
    server: BareServer, tmp_path: Path,
) -> None:
    namespace = fresh_namespace()
    result = await setup(server, tmp_path, "--namespace", namespace, "--retention-days", "3",
                         "--skip-db-upgrade")
    assert result.returncode == 0, result
    assert f"namespace {namespace}: created (retention 3 d)" in result.stdout
    assert not (tmp_path / "rectrack.db").exists()  # --skip-db-upgrade
    described = await server.client.workflow_service.describe_namespace(
        DescribeNamespaceRequest(namespace=namespace))
    assert described.config.workflow_execution_retention_ttl.ToTimedelta() == timedelta(days=3)
    registered = await attributes(server, namespace)
    assert {name: registered.get(name) for name in EXPECTED} == EXPECTED


async def test_a_name_registered_with_another_type_exits_1_and_registers_nothing(
    server: BareServer, tmp_path: Path,
) -> None:
    namespace = fresh_namespace()
    await server.client.workflow_service.register_namespace(RegisterNamespaceRequest(
        namespace=namespace, workflow_execution_retention_period=Duration(seconds=86400)))
    await server.client.operator_service.add_search_attributes(AddSearchAttributesRequest(
        namespace=namespace,
        search_attributes={"RectrackOverdue": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD}))

    result = await setup(server, tmp_path, "--namespace", namespace)
    assert result.returncode == 1, result
    (line,) = result.stderr_lines
    assert "RectrackOverdue is Keyword, rectrack needs Bool" in line
    assert "cannot change a registered attribute's type" in line
    assert await attributes(server, namespace) == {
        "RectrackOverdue": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD}
    assert not (tmp_path / "rectrack.db").exists()  # stopped before the store


async def test_setup_says_it_waits_for_temporal_then_gives_up_with_exit_1(
    tmp_path: Path,
) -> None:
    nowhere = free_address()  # nothing listens there
    # The wait counts from the command's start: on a busy machine importing the client
    # alone has taken over a second, so 1 s could end before a second attempt.
    result = await run_cli("temporal", "setup", "--wait", "3",
                           env=cli_env(tmp_path, nowhere))
    assert result.returncode == 1, result
    assert f"waiting for Temporal at {nowhere} (attempt 1" in result.stdout
    (line,) = result.stderr_lines
    assert f"Temporal at {nowhere} did not come up in time" in line


@pytest.mark.parametrize("args", [["--retention-days", "0"], ["--retention-days", "x"],
                                  ["--wait", "-1"], []])
def test_bad_arguments_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["temporal", "setup", *args] if args else ["temporal"]
    assert run(argv) == 2
    assert capsys.readouterr().err.startswith("rectrack: rectrack temporal")
