"""What each `rectrack` subcommand does, on top of starter.py and the store."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import signal
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import Session
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

import starter
from cli import render
from cli.db_commands import require_store
from cli.errors import BadInput, CliError
from cli.files import load_memo, load_response, validate
from domain.memo import GrantExtension, RecordResponse, Withdraw
from domain.office_time import today_in
from domain.views import MemoView
from settings import Settings, temporal_connect_config
from store.db import make_engine
from store.queries import get_memo_view, list_memo_views, list_timeline, state_view
from store.tables import EventPublic, Memo

Handler = Callable[[argparse.Namespace, Settings], Awaitable[int]]
Result = TypeVar("Result")


async def dispatch(args: argparse.Namespace) -> int:
    from cli import followup_commands

    name = f"cmd_{args.command.replace('-', '_')}"
    handler: Handler = (getattr(args, "handler", None) or globals().get(name)
                        or getattr(followup_commands, name))
    return await handler(args, Settings())


async def _client() -> Client:
    # Like worker.connect, without importing the worker module (activities, httpx, the
    # Temporal worker): that would cost every command a sixth of its start-up time.
    config = temporal_connect_config()
    address = config["target_host"]
    try:
        return await Client.connect(**config, data_converter=pydantic_data_converter)
    except RuntimeError as error:
        raise CliError(f"cannot reach Temporal at {address}: {error}. "
                       "Is `rectrack dev` running?") from None


async def _call_workflow(memo_id: str, action: Callable[[], Awaitable[Result]], *,
                         not_found: str | None = None) -> Result:
    """Run an update or query and turn Temporal's errors into one clear line.

    A validator's rejection (an ApplicationError) is bad input, exit 2; `not_found` is
    the message for a workflow that does not exist (default: an unknown memo).
    """
    try:
        return await action()
    except WorkflowUpdateFailedError as error:
        cause = error.cause
        if isinstance(cause, ApplicationError):
            raise BadInput(f"{memo_id}: {_rejection_message(cause)}") from None
        raise CliError(f"{memo_id}: update failed: {cause}") from None
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            raise BadInput(not_found or f"unknown memo {memo_id!r} (or its workflow has "
                           "finished)") from None
        raise CliError(f"{memo_id}: {error.message}") from None


def _rejection_message(cause: BaseException) -> str:
    """The validator's message; for arguments that failed to decode, the decoder's."""
    message = cause.message if isinstance(cause, ApplicationError) else str(cause)
    inner = cause.__cause__
    if "Failed decoding arguments" in message and inner is not None:
        return _rejection_message(inner)
    return one_line(message)


_PYDANTIC_HEADER = re.compile(r"^\d+ validation errors? for \w+$")


def one_line(message: str) -> str:
    """A message on one line; pydantic's "N validation errors for X / field / msg" report
    becomes "field: msg" (the first error)."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if len(lines) >= 3 and _PYDANTIC_HEADER.match(lines[0]):
        detail = lines[2].split(" [type=")[0]
        return f"{lines[1]}: {detail}"
    return " ".join(lines)


def _print_state(settings: Settings, memo_id: str, what: str) -> None:
    view = _stored_view(settings, memo_id)
    print(what)
    if view is not None:
        print(render.memo_detail(view))


def _stored_view(settings: Settings, memo_id: str) -> MemoView | None:
    engine = make_engine(settings.db_url)
    require_store(engine)
    try:
        with Session(engine) as session:
            return get_memo_view(session, memo_id=memo_id)
    finally:
        engine.dispose()


async def _wait_recorded(settings: Settings, memo_id: str, wait_seconds: float = 30.0) -> bool:
    """Poll the store (one engine, tables checked once) until the worker has recorded it."""
    engine = make_engine(settings.db_url)
    require_store(engine)
    deadline = time.monotonic() + wait_seconds
    try:
        while time.monotonic() < deadline:
            with Session(engine) as session:
                if session.get(Memo, memo_id) is not None:
                    return True
            await asyncio.sleep(0.2)
        return False
    finally:
        engine.dispose()


async def issue_file(client: Client, settings: Settings, path: Path, *, exists_ok: bool) -> int:
    spec = load_memo(path)
    try:
        await starter.issue_memo(client, spec, task_queue=settings.task_queue)
    except WorkflowAlreadyStartedError:
        if exists_ok:
            print(f"memo {spec.memo_id} was already issued; nothing changed")
            return 0
        raise BadInput(f"memo_id: memo {spec.memo_id} already exists; nothing changed") \
            from None
    if not await _wait_recorded(settings, spec.memo_id):
        print(f"issued memo {spec.memo_id}; not yet in the store: is a worker running?")
        return 0
    _print_state(settings, spec.memo_id, f"issued memo {spec.memo_id}")
    return 0


async def cmd_issue(args: argparse.Namespace, settings: Settings) -> int:
    load_memo(args.file)  # bad files fail before any connection is made
    return await issue_file(await _client(), settings, args.file, exists_ok=args.exists_ok)


def _response_from_flags(args: argparse.Namespace) -> RecordResponse:
    if args.file and (args.concur or args.partially_concur or args.non_concur):
        raise BadInput("respond: give either --file or per-recommendation flags, not both")
    if args.file:
        return load_response(args.file)
    if args.received_on is None:
        raise BadInput("respond: --received-on is required without --file")
    answers: list[dict[str, Any]] = [{"number": n, "decision": "concur"} for n in args.concur]
    for decision, items in (("partially_concur", args.partially_concur),
                            ("non_concur", args.non_concur)):
        answers += [{"number": n, "decision": decision, "rationale": r} for n, r in items]
    if not answers:
        raise BadInput("respond: name at least one recommendation "
                       "(--concur, --partially-concur, --non-concur) or give --file")
    data = {"received_on": args.received_on, "responses": answers,
            "recorded_by": args.recorded_by}
    return validate(RecordResponse, data, "response")


async def cmd_respond(args: argparse.Namespace, settings: Settings) -> int:
    cmd = _response_from_flags(args)
    if args.file and args.recorded_by:
        cmd = cmd.model_copy(update={"recorded_by": args.recorded_by})
    client = await _client()
    await _call_workflow(args.memo_id, lambda: starter.record_response(client, args.memo_id, cmd))
    _print_state(settings, args.memo_id, f"recorded response to memo {args.memo_id}")
    return 0


async def cmd_extend(args: argparse.Namespace, settings: Settings) -> int:
    cmd = validate(GrantExtension, {"to_due_on": args.to_due_on, "reason": args.reason,
                                    "approved_by": args.approved_by}, "extension")
    client = await _client()
    await _call_workflow(args.memo_id, lambda: starter.grant_extension(client, args.memo_id, cmd))
    _print_state(settings, args.memo_id,
                 f"extended memo {args.memo_id} to {cmd.to_due_on.isoformat()}")
    return 0


async def cmd_withdraw(args: argparse.Namespace, settings: Settings) -> int:
    from cli.followup_commands import stored_memo

    memo = stored_memo(settings, args.memo_id)
    cmd = validate(Withdraw, {"reason": args.reason, "on": memo.on(args.on)}, "withdrawal")
    client = await _client()
    await _call_workflow(args.memo_id, lambda: starter.withdraw_memo(client, args.memo_id, cmd))
    _print_state(settings, args.memo_id, f"withdrew memo {args.memo_id}")
    return 0


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, default=date.isoformat)


async def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    if args.live:
        client = await _client()
        state = await _call_workflow(args.memo_id,
                                     lambda: starter.live_state(client, args.memo_id))
        view: MemoView | None = state_view(state, today_in(state.spec.time_zone))
    else:
        view = _stored_view(settings, args.memo_id)
    if view is None:
        raise BadInput(f"unknown memo {args.memo_id!r}")
    if args.json:
        data = view.model_dump(mode="json")
        if args.timeline:  # the audit log is in the store, even with --live
            [events] = _stored_timelines(settings, args.memo_id, [None])
            data["timeline"] = [e.model_dump(mode="json", exclude={"id"}) for e in events]
        print(_dump(data))
        return 0
    numbers = [r.number for r in view.recommendations]
    parts = [render.memo_detail(view)]
    [everything, *timelines] = _stored_timelines(settings, args.memo_id, [None, *numbers])
    for number, events in zip(numbers, timelines, strict=True):
        parts += ["", f"recommendation {number}: timeline",
                  render.timeline(events, number=number)]
    # The memo's own events that concern no one recommendation (publication, memo hold,
    # closure of the memo), when there are any.
    memo_only = [e for e in everything if e.number is None and not e.numbers]
    if memo_only:
        parts += ["", f"memo {args.memo_id}: timeline", render.timeline(memo_only)]
    print("\n".join(parts))
    return 0


def _stored_timelines(settings: Settings, memo_id: str,
                      numbers: Sequence[int | None]) -> list[list[EventPublic]]:
    """The audit log of each recommendation in `numbers` (None: the whole memo's)."""
    engine = make_engine(settings.db_url)
    require_store(engine)
    try:
        with Session(engine) as session:
            return [list_timeline(session, memo_id=memo_id, number=n) for n in numbers]
    finally:
        engine.dispose()


async def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.db_url)
    require_store(engine)
    with Session(engine) as session:
        views = list_memo_views(session, overdue=True if args.overdue else None,
                                component=args.component, status=args.status)
    engine.dispose()
    if args.json:
        print(_dump([v.model_dump(mode="json") for v in views]))
    else:
        print(render.memo_list(views))
    return 0


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from worker import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    client = await _client()
    await run_worker(settings, client, _stop_on_signals())
    return 0


async def cmd_dev(args: argparse.Namespace, settings: Settings) -> int:
    from cli.api_commands import start_dev_api
    from cli.db_commands import upgrade_store
    from cli.devserver import DevServer, ui_address
    from worker import connect, run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for path in args.issue_example:
        load_memo(path)
    address = temporal_connect_config()["target_host"]
    settings.home.mkdir(parents=True, exist_ok=True)
    print(upgrade_store(settings))  # before the worker, the API and the examples
    stop = _stop_on_signals()
    with DevServer(db_file=settings.temporal_db_file, address=address,
                   log_file=settings.home / "temporal.log") as server:
        await server.wait_ready()
        client = await connect(address)
        worker = asyncio.create_task(run_worker(settings, client, stop))
        print(f"Temporal dev server at {address} (state in {settings.temporal_db_file})")
        print(f"Temporal UI at {ui_address(address)}/namespaces/default/workflows")
        print(f"store at {settings.db_url}")
        api = await start_dev_api(settings, client)
        for path in args.issue_example:
            await issue_file(client, settings, path, exists_ok=True)
        print("rectrack is running; press Ctrl-C to stop", flush=True)
        await worker
        if api is not None:
            await api.stop()
    print("stopped")
    return 0
