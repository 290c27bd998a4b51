"""`rectrack temporal setup`: make a Temporal cluster ready for rectrack, from the code.

A production cluster (docker-compose.yml's one-shot `rectrack-setup` job, or any cluster
an operator runs) needs, before the first worker polls: the namespace, and every search
attribute the workflows upsert, with its type. The list of those attributes lives once,
in `workflows.search_attributes.CLI_TYPES`; this command registers exactly that list
through the Temporal client's operator service, so no deployment file keeps a copy that
could drift from the code. It then upgrades the store (`rectrack db upgrade`), so one
job prepares everything a new release needs before its workers start.

Idempotent: an existing namespace is left as it is (its retention is reported, never
changed), attributes already registered with the right type are left alone. A name
registered with another type cannot be fixed by registering again (Temporal never
changes an attribute's type), so it is an error naming both types (exit 1), and nothing
is registered. While Temporal comes up, the command says what it waits for, for at most
`--wait` seconds.

Temporal's modules (and the workflows' CLI_TYPES, which import them) are imported by the
functions that use them: cli.main builds every subcommand's parser, and `rectrack show`
or `list` should not load temporalio for this one.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import re
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from cli.errors import CliError
from settings import Settings, temporal_connect_config

if TYPE_CHECKING:
    from temporalio.api.enums.v1 import IndexedValueType
    from temporalio.client import Client

T = TypeVar("T")
RETRY_PAUSE_SECONDS = 2.0
CALL_TIMEOUT = timedelta(seconds=10)
# A namespace just created reaches every frontend with its next namespace-cache refresh
# (10 s by default): how long to wait for that, after Temporal answered.
NAMESPACE_WAIT_SECONDS = 60.0
DAY_SECONDS = 24 * 3600


@functools.cache
def indexed_types() -> dict[str, IndexedValueType.ValueType]:
    """The `temporal` CLI's spelling of each type (as in CLI_TYPES) -> the API's enum value."""
    from temporalio.api.enums.v1 import IndexedValueType

    return {
        "Text": IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
        "Keyword": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
        "Int": IndexedValueType.INDEXED_VALUE_TYPE_INT,
        "Double": IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
        "Bool": IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
        "Datetime": IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
        "KeywordList": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
    }


def _days(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= 3650:
        raise argparse.ArgumentTypeError(f"expected a number of days from 1 to 3650, "
                                         f"got {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"expected seconds from 0 to 3600, got {text!r}")
    return value


def add_temporal_parser(sub: Any) -> None:
    """The `temporal` subcommand and its own subcommands."""
    temporal: argparse.ArgumentParser = sub.add_parser(
        "temporal", help="prepare a Temporal cluster for rectrack (namespace, search "
        "attributes)")
    temporal.set_defaults(handler=cmd_temporal)
    actions = temporal.add_subparsers(dest="temporal_command", required=True,
                                      parser_class=type(temporal))
    setup = actions.add_parser(
        "setup", help="create the namespace if missing, register the search attributes "
        "rectrack uses, then upgrade the store (idempotent)")
    setup.add_argument("--namespace", help="default: TEMPORAL_NAMESPACE, else 'default'")
    setup.add_argument("--retention-days", type=_days, default=30, metavar="DAYS",
                       help="history retention of a namespace this creates (default 30)")
    setup.add_argument("--wait", type=_seconds, default=120.0, metavar="SECONDS",
                       help="how long to wait for Temporal to come up (default 120)")
    setup.add_argument("--skip-db-upgrade", action="store_true",
                       help="prepare Temporal only; leave the store as it is")


async def cmd_temporal(args: argparse.Namespace, settings: Settings) -> int:
    from cli.db_commands import upgrade_store

    wanted = wanted_attributes()  # a bad list in code fails before any call
    namespace = args.namespace or settings.temporal_namespace
    client = await connect_when_up(temporal_connect_config(), time.monotonic() + args.wait)
    print(await ensure_namespace(client, namespace, args.retention_days), flush=True)
    deadline = time.monotonic() + NAMESPACE_WAIT_SECONDS
    for line in await ensure_search_attributes(client, namespace, wanted, deadline):
        print(line, flush=True)
    if not args.skip_db_upgrade:
        try:
            print(await asyncio.to_thread(upgrade_store, settings), flush=True)
        except SQLAlchemyError as error:
            raise CliError(f"store upgrade failed: {_reason(error)}") from None
    return 0


def wanted_attributes() -> dict[str, IndexedValueType.ValueType]:
    """CLI_TYPES as the operator service spells the types."""
    from workflows.search_attributes import CLI_TYPES

    known = indexed_types()
    unknown = {name: kind for name, kind in CLI_TYPES.items() if kind not in known}
    if unknown:
        raise CliError(f"workflows.search_attributes.CLI_TYPES: unknown type(s) {unknown}; "
                       f"known: {', '.join(known)}")
    return {name: known[kind] for name, kind in CLI_TYPES.items()}


def type_name(value: IndexedValueType.ValueType) -> str:
    from temporalio.api.enums.v1 import IndexedValueType

    for name, known in indexed_types().items():
        if known == value:
            return name
    return IndexedValueType.Name(value).removeprefix("INDEXED_VALUE_TYPE_").title()


def _reason(error: BaseException) -> str:
    """One short line: the innermost explanation of the SDK's nested transport errors
    (`... message: "Connection refused" }`), else the error's first line."""
    text = str(error).strip()
    inner: list[str] = re.findall(r'(?:message|error): "([^"]+)"', text)
    if inner:
        return inner[-1][:200]
    return (text.splitlines()[0][:200] if text else "") or type(error).__name__


async def connect_when_up(config: dict[str, Any], deadline: float) -> Client:
    """A client once Temporal answers its health check; CliError at the deadline."""
    from temporalio.client import Client
    from temporalio.service import RPCError

    address = config.get("target_host", "?")
    attempt = 0
    while True:
        attempt += 1
        try:
            client = await asyncio.wait_for(Client.connect(**config), 15)
            if await client.service_client.check_health(timeout=CALL_TIMEOUT):
                print(f"Temporal at {address} answers", flush=True)
                return client
            reason = "it reports itself not serving yet"
        except (RuntimeError, RPCError, OSError, TimeoutError) as error:
            reason = _reason(error)
        left = deadline - time.monotonic()
        if left <= 0:
            raise CliError(f"Temporal at {address} did not come up in time (attempt "
                           f"{attempt}: {reason}); check the `temporal` service and "
                           "TEMPORAL_ADDRESS, or give more --wait")
        print(f"waiting for Temporal at {address} (attempt {attempt}, up to {left:.0f} s "
              f"more): {reason}", flush=True)
        await asyncio.sleep(min(RETRY_PAUSE_SECONDS, left))


async def ensure_namespace(client: Client, namespace: str, retention_days: int) -> str:
    """Create `namespace` unless it exists; returns what was done, to print."""
    from google.protobuf.duration_pb2 import Duration
    from temporalio.api.workflowservice.v1 import (
        DescribeNamespaceRequest,
        RegisterNamespaceRequest,
    )
    from temporalio.service import RPCError, RPCStatusCode

    service = client.workflow_service
    try:
        described = await service.describe_namespace(
            DescribeNamespaceRequest(namespace=namespace), timeout=CALL_TIMEOUT)
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise CliError(f"cannot describe namespace {namespace}: {error.message}") from None
    else:
        ttl = described.config.workflow_execution_retention_ttl.ToTimedelta()
        days = ttl.total_seconds() / DAY_SECONDS
        note = "" if days == retention_days else (
            f"; --retention-days {retention_days} is not applied to an existing namespace "
            "(change it with `temporal operator namespace update --retention`)")
        return f"namespace {namespace}: exists (retention {days:g} d){note}"
    request = RegisterNamespaceRequest(
        namespace=namespace, description="rectrack",
        workflow_execution_retention_period=Duration(seconds=retention_days * DAY_SECONDS))
    try:
        await service.register_namespace(request, timeout=CALL_TIMEOUT)
    except RPCError as refused:
        if refused.status == RPCStatusCode.ALREADY_EXISTS:  # another setup run was quicker
            return f"namespace {namespace}: exists"
        raise CliError(f"cannot create namespace {namespace}: {refused.message}") from None
    return f"namespace {namespace}: created (retention {retention_days} d)"


async def registered_attributes(client: Client,
                                namespace: str) -> dict[str, IndexedValueType.ValueType]:
    """The custom search attributes `namespace` has, with their types."""
    from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest

    response = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace), timeout=CALL_TIMEOUT)
    return dict(response.custom_attributes)


async def _until_namespace_known(call: Callable[[], Awaitable[T]], namespace: str,
                                 deadline: float) -> T:
    """Run `call`, retrying while the server does not know the namespace yet."""
    from temporalio.service import RPCError, RPCStatusCode

    told = False
    while True:
        try:
            return await call()
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND or time.monotonic() > deadline:
                raise CliError(f"search attributes of namespace {namespace}: "
                               f"{error.message}") from None
            if not told:
                print(f"waiting for the server to know namespace {namespace}", flush=True)
                told = True
            await asyncio.sleep(RETRY_PAUSE_SECONDS / 4)


async def ensure_search_attributes(client: Client, namespace: str,
                                   wanted: dict[str, IndexedValueType.ValueType],
                                   deadline: float) -> list[str]:
    """Register the missing ones of `wanted`; returns one line per attribute, to print.
    CliError, registering nothing, if any name has another type."""
    from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest

    have = await _until_namespace_known(
        lambda: registered_attributes(client, namespace), namespace, deadline)
    conflicts = [f"{name} is {type_name(have[name])}, rectrack needs {type_name(kind)}"
                 for name, kind in wanted.items() if name in have and have[name] != kind]
    if conflicts:
        raise CliError(
            f"namespace {namespace} has search attributes of the wrong type: "
            f"{'; '.join(conflicts)}. Temporal cannot change a registered attribute's "
            "type: remove it (`temporal operator search-attribute remove --name NAME`) "
            "if no workflow needs it, or use another namespace")
    missing = {name: kind for name, kind in wanted.items() if name not in have}
    if missing:
        request = AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        await _until_namespace_known(
            lambda: client.operator_service.add_search_attributes(
                request, timeout=CALL_TIMEOUT), namespace, deadline)
        await _until_listed(client, namespace, missing, deadline)
    return [f"search attribute {name} ({type_name(kind)}): "
            f"{'registered' if name in missing else 'already registered'}"
            for name, kind in wanted.items()]


async def _until_listed(client: Client, namespace: str,
                        added: dict[str, IndexedValueType.ValueType], deadline: float) -> None:
    """Wait until the server lists what was just added, with the right types."""
    while True:
        have = await _until_namespace_known(
            lambda: registered_attributes(client, namespace), namespace, deadline)
        absent = [name for name, kind in added.items() if have.get(name) != kind]
        if not absent:
            return
        if time.monotonic() > deadline:
            raise CliError(f"namespace {namespace}: Temporal accepted the search "
                           f"attributes but does not list {', '.join(absent)}")
        await asyncio.sleep(RETRY_PAUSE_SECONDS / 4)
