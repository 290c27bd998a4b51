"""Which function handles each `rectrack` subcommand, and the one place the service
layer's errors become CLI errors.

`HANDLERS` is the explicit table: subcommand -> handler. Each handler gets the parsed
arguments and one Context (settings, one engine, the Temporal client connected on
first use) made here once per process. Subcommands with parsers of their own (token,
report, doctor, api, db...) register a `handler` default taking the settings instead.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable

from app.context import Context
from app.errors import AppError
from cli import commands, followup_commands, import_commands
from cli.commands import HINT
from cli.db_commands import require_store
from cli.errors import from_app_error
from settings import Settings
from store.db import make_engine

Handler = Callable[[argparse.Namespace, Context], Awaitable[int]]
SettingsHandler = Callable[[argparse.Namespace, Settings], Awaitable[int]]

HANDLERS: dict[str, Handler] = {
    "dev": commands.cmd_dev,
    "worker": commands.cmd_worker,
    "issue": commands.cmd_issue,
    "respond": commands.cmd_respond,
    "extend": commands.cmd_extend,
    "withdraw": commands.cmd_withdraw,
    "plan": followup_commands.cmd_plan,
    "review": followup_commands.cmd_review,
    "update": followup_commands.cmd_update,
    "request-extension": followup_commands.cmd_request_extension,
    "decide-extension": followup_commands.cmd_decide_extension,
    "hold": followup_commands.cmd_hold,
    "resume": followup_commands.cmd_resume,
    "close": followup_commands.cmd_close,
    "reopen": followup_commands.cmd_reopen,
    "publish": followup_commands.cmd_publish,
    "show": commands.cmd_show,
    "list": commands.cmd_list,
    "import": import_commands.cmd_import,
}


# Commands that read the store first: they check its schema revision (exit 1, one line,
# if it is not at the newest; never changing it). `dev` and `worker` upgrade it, and
# `issue` only reads it once the worker has recorded the memo; `import` checks it only
# after a file that is not a dry run has been checked.
STORE_READERS = frozenset(HANDLERS) - {"dev", "worker", "issue", "import"}


async def dispatch(args: argparse.Namespace) -> int:
    settings = Settings()
    own: SettingsHandler | None = getattr(args, "handler", None)
    if own is not None:
        return await own(args, settings)
    handler = HANDLERS[args.command]
    engine = make_engine(settings.db_url)
    try:
        if args.command in STORE_READERS:
            await asyncio.to_thread(require_store, engine)
        return await handler(args, Context(settings, engine, unreachable_hint=HINT))
    except AppError as error:
        raise from_app_error(error) from None
    finally:
        engine.dispose()
