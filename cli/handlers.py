"""Which function handles each `rectrack` subcommand, and the one place the service
layer's errors become CLI errors.

`HANDLERS` is the explicit table: subcommand -> handler, named "module:function" and
imported when that subcommand runs (`handler_for`), so a command loads only its own
module: `rectrack show` and `list` (cli.read_commands) start without the write commands'
temporalio and workflows. Each handler gets the parsed arguments and one Context
(settings, one engine, the Temporal client connected on first use) made here once per
process. Subcommands with parsers of their own (token, report, doctor, api, db...)
register a `handler` default taking the settings instead.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
from collections.abc import Awaitable, Callable

from app.context import Context
from app.errors import AppError
from cli.db_commands import require_store
from cli.errors import from_app_error
from settings import Settings
from store.db import make_engine

Handler = Callable[[argparse.Namespace, Context], Awaitable[int]]
SettingsHandler = Callable[[argparse.Namespace, Settings], Awaitable[int]]

HINT = ". Is `rectrack dev` running?"  # added when the CLI cannot reach Temporal

HANDLERS: dict[str, str] = {
    "dev": "cli.commands:cmd_dev",
    "worker": "cli.commands:cmd_worker",
    "issue": "cli.commands:cmd_issue",
    "respond": "cli.commands:cmd_respond",
    "extend": "cli.commands:cmd_extend",
    "withdraw": "cli.commands:cmd_withdraw",
    "plan": "cli.followup_commands:cmd_plan",
    "review": "cli.followup_commands:cmd_review",
    "update": "cli.followup_commands:cmd_update",
    "request-extension": "cli.followup_commands:cmd_request_extension",
    "decide-extension": "cli.followup_commands:cmd_decide_extension",
    "hold": "cli.followup_commands:cmd_hold",
    "resume": "cli.followup_commands:cmd_resume",
    "close": "cli.followup_commands:cmd_close",
    "reopen": "cli.followup_commands:cmd_reopen",
    "publish": "cli.followup_commands:cmd_publish",
    "show": "cli.read_commands:cmd_show",
    "list": "cli.read_commands:cmd_list",
    "import": "cli.import_commands:cmd_import",
}


# Commands that read the store first: they check its schema revision (exit 1, one line,
# if it is not at the newest; never changing it). `dev` and `worker` upgrade it, and
# `issue` only reads it once the worker has recorded the memo; `import` checks it only
# after a file that is not a dry run has been checked.
STORE_READERS = frozenset(HANDLERS) - {"dev", "worker", "issue", "import"}


def handler_for(command: str) -> Handler:
    """The handler of `command`, its module imported now."""
    module, _, name = HANDLERS[command].partition(":")
    handler: Handler = getattr(importlib.import_module(module), name)
    return handler


async def dispatch(args: argparse.Namespace) -> int:
    settings = Settings()
    own: SettingsHandler | None = getattr(args, "handler", None)
    if own is not None:
        return await own(args, settings)
    handler = handler_for(args.command)
    engine = make_engine(settings.db_url)
    try:
        if args.command in STORE_READERS:
            await asyncio.to_thread(require_store, engine)
        return await handler(args, Context(settings, engine, unreachable_hint=HINT))
    except AppError as error:
        raise from_app_error(error) from None
    finally:
        engine.dispose()
