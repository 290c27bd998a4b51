"""What the memo-level `rectrack` subcommands that write do (issue, respond, extend,
withdraw, worker, dev): turn the command line into plain inputs for the service layer
(app/), and its answer into output. Errors are translated by cli.handlers.

`show` and `list` only read the store and live in cli.read_commands, so that they start
without what this module loads (temporalio, the workflows, the write side of app/).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from pathlib import Path
from typing import Any

from temporalio.client import Client
from temporalio.runtime import Runtime

from app import memos, reads
from app.context import Context
from app.errors import Conflict, Unavailable
from app.logs import TEXT_FORMAT
from cli import render
from cli.errors import BadInput, CliError
from cli.files import load_memo, load_response
from cli.handlers import HINT
from settings import Settings, temporal_connect_config
from store.db import make_engine


async def _client() -> Client:
    """A Temporal client for the commands outside the service layer (`rectrack doctor`);
    one clear line (exit 1) if Temporal cannot be reached."""
    settings = Settings()
    engine = make_engine(settings.db_url)  # no connection is made: only the client is used
    try:
        return await Context(settings, engine, unreachable_hint=HINT).client()
    except Unavailable as error:
        raise CliError(str(error)) from None
    finally:
        engine.dispose()


async def print_memo(ctx: Context, memo_id: str, what: str) -> None:
    """`what` happened, then the memo as stored (if the store has it yet)."""
    print(what)
    view = await reads.stored_view(ctx, memo_id)
    if view is not None:
        print(render.memo_detail(view))


async def issue_file(ctx: Context, path: Path, *, exists_ok: bool) -> int:
    spec = load_memo(path)
    try:
        spec, view = await memos.issue(ctx, spec)
    except Conflict:
        if exists_ok:
            print(f"memo {spec.memo_id} was already issued; nothing changed")
            return 0
        raise BadInput(f"memo_id: memo {spec.memo_id} already exists; nothing changed") \
            from None
    if view is None:
        print(f"issued memo {spec.memo_id}; not yet in the store: is a worker running?")
        return 0
    print(f"issued memo {spec.memo_id}")
    print(render.memo_detail(view))
    return 0


async def cmd_issue(args: argparse.Namespace, ctx: Context) -> int:
    return await issue_file(ctx, args.file, exists_ok=args.exists_ok)


def _response_fields(args: argparse.Namespace) -> dict[str, Any]:
    if args.file and (args.concur or args.partially_concur or args.non_concur):
        raise BadInput("respond: give either --file or per-recommendation flags, not both")
    if args.file:
        cmd = load_response(args.file)
        if args.recorded_by:
            cmd = cmd.model_copy(update={"recorded_by": args.recorded_by})
        return cmd.model_dump()
    if args.received_on is None:
        raise BadInput("respond: --received-on is required without --file")
    answers: list[dict[str, Any]] = [{"number": n, "decision": "concur"} for n in args.concur]
    for decision, items in (("partially_concur", args.partially_concur),
                            ("non_concur", args.non_concur)):
        answers += [{"number": n, "decision": decision, "rationale": r} for n, r in items]
    if not answers:
        raise BadInput("respond: name at least one recommendation "
                       "(--concur, --partially-concur, --non-concur) or give --file")
    return {"received_on": args.received_on, "responses": answers,
            "recorded_by": args.recorded_by}


async def cmd_respond(args: argparse.Namespace, ctx: Context) -> int:
    fields = _response_fields(args)
    await memos.respond(ctx, args.memo_id, fields, source="response")
    await print_memo(ctx, args.memo_id, f"recorded response to memo {args.memo_id}")
    return 0


async def cmd_extend(args: argparse.Namespace, ctx: Context) -> int:
    _, cmd = await memos.extend(ctx, args.memo_id, {
        "to_due_on": args.to_due_on, "reason": args.reason, "approved_by": args.approved_by},
        source="extension")
    await print_memo(ctx, args.memo_id,
                     f"extended memo {args.memo_id} to {cmd.to_due_on.isoformat()}")
    return 0


async def cmd_withdraw(args: argparse.Namespace, ctx: Context) -> int:
    await memos.withdraw(ctx, args.memo_id, {"reason": args.reason, "on": args.on},
                         source="withdrawal")
    await print_memo(ctx, args.memo_id, f"withdrew memo {args.memo_id}")
    return 0


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


def _metrics_runtime(settings: Settings) -> Runtime | None:
    """The worker's Prometheus metrics runtime (RECTRACK_METRICS_PORT), or None; a port
    that cannot be bound is one line, exit 1."""
    from app.telemetry import MetricsPortError, metrics_address, worker_runtime

    try:
        runtime = worker_runtime(settings)
    except MetricsPortError as error:
        raise CliError(f"{error}; set RECTRACK_METRICS_PORT") from None
    if runtime is not None:
        logging.getLogger("rectrack").info("Temporal worker metrics at http://%s/metrics",
                                           metrics_address(settings))
    return runtime


async def cmd_worker(args: argparse.Namespace, ctx: Context) -> int:
    from store.reachable import StoreUnreachable
    from worker import run_worker

    logging.basicConfig(level=logging.INFO, format=TEXT_FORMAT)  # unless app.logs did
    worker_ctx = Context(ctx.settings, ctx.engine, unreachable_hint=HINT,
                         runtime=_metrics_runtime(ctx.settings))
    client = await worker_ctx.client()
    try:
        await run_worker(ctx.settings, client, _stop_on_signals())
    except StoreUnreachable as error:
        raise CliError(f"{error}; is RECTRACK_DATABASE_URL right and the database up?") \
            from None
    return 0


def ensure_dev_key(settings: Settings) -> str:
    """Without configured keys, `rectrack dev` makes RECTRACK_HOME/encryption.key (which
    every command with the same home then uses) so case data never reaches Temporal in
    clear."""
    from app.encryption import KeyRing, new_key_line

    if KeyRing.from_settings(settings) is not None:
        return "payload encryption: on (configured keys)"
    path = settings.home / "encryption.key"
    path.write_text(new_key_line("dev-1") + "\n", encoding="utf-8")
    path.chmod(0o600)
    return f"payload encryption: on (new key in {path})"


async def cmd_dev(args: argparse.Namespace, ctx: Context) -> int:
    from cli.api_commands import start_dev_api
    from cli.db_commands import upgrade_store
    from cli.devserver import DevServer, ui_address
    from worker import connect, run_worker

    logging.basicConfig(level=logging.INFO, format=TEXT_FORMAT)  # unless app.logs did
    settings = ctx.settings
    for path in args.issue_example:
        load_memo(path)
    address = temporal_connect_config()["target_host"]
    settings.home.mkdir(parents=True, exist_ok=True)
    print(ensure_dev_key(settings))  # case data is encrypted in Temporal, in dev too
    print(upgrade_store(settings))  # before the worker, the API and the examples
    stop = _stop_on_signals()
    with DevServer(db_file=settings.temporal_db_file, address=address,
                   log_file=settings.home / "temporal.log") as server:
        await server.wait_ready()
        client = await connect(address, settings=settings,
                               runtime=_metrics_runtime(settings))
        worker = asyncio.create_task(run_worker(settings, client, stop))
        print(f"Temporal dev server at {address} (state in {settings.temporal_db_file})")
        print(f"Temporal UI at {ui_address(address)}/namespaces/"
              f"{settings.temporal_namespace}/workflows")
        print(f"store at {settings.db_url}")
        api = await start_dev_api(settings, client)
        dev = Context(settings, ctx.engine, client)
        for path in args.issue_example:
            await issue_file(dev, path, exists_ok=True)
        print("rectrack is running; press Ctrl-C to stop", flush=True)
        await worker
        if api is not None:
            await api.stop()
    print("stopped")
    return 0
