"""`rectrack api`: serve the HTTP API with uvicorn; and the API `rectrack dev` serves."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from typing import TYPE_CHECKING, Any

from cli.errors import BadInput, CliError
from settings import Settings

if TYPE_CHECKING:  # imported by the handlers: building the parser stays cheap
    from temporalio.client import Client

    from api.serve import RunningApi


def add_api_parser(sub: Any) -> None:
    api: argparse.ArgumentParser = sub.add_parser(
        "api", help="serve the HTTP API (OpenAPI docs at /docs)")
    api.set_defaults(handler=cmd_api)
    api.add_argument("--host", default="127.0.0.1", help="address to listen on "
                     "(default 127.0.0.1)")
    api.add_argument("--port", type=int, default=8000, help="port (default 8000)")


async def cmd_api(args: argparse.Namespace, settings: Settings) -> int:
    from api.app import create_app
    from api.serve import start_api

    if not 0 <= args.port <= 65535:
        raise BadInput(f"api: --port must be 0-65535, not {args.port}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        running = await start_api(create_app(settings), host=args.host, port=args.port,
                                  log_level="info", access_log=True)
    except OSError as error:
        raise CliError(f"api: cannot listen on {args.host}:{args.port}: "
                       f"{error.strerror}") from None
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: setattr(running.server, "should_exit", True))
    print(f"rectrack API at {running.url} (OpenAPI docs at {running.url}/docs)", flush=True)
    await running.task
    print("stopped")
    return 0


async def start_dev_api(settings: Settings, client: Client) -> RunningApi | None:
    """The API `rectrack dev` serves beside its worker (on RECTRACK_API_PORT), or None
    if the port is taken: the rest of the stack still runs."""
    from api.app import create_app
    from api.serve import start_api

    try:
        running = await start_api(create_app(settings, temporal_client=client),
                                  port=settings.api_port)
    except OSError as error:
        print(f"API not started: cannot listen on 127.0.0.1:{settings.api_port} "
              f"({error.strerror}); set RECTRACK_API_PORT")
        return None
    print(f"rectrack API at {running.url} (OpenAPI docs at {running.url}/docs)")
    return running
