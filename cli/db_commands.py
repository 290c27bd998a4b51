"""`rectrack db upgrade|current|revision`: the store's schema (store.migrate).

`upgrade` is what the worker, the API server and `rectrack dev` do at start; run it by
hand before a read command on a store that no worker has opened yet. `revision` writes a
new migration under store/migrations/versions (numbered after the newest), compared with
the models against the configured store when `--autogenerate` is given (that store must
be at head first).

`require_store` is for read paths: it checks the store's revision and never changes it.
"""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy.engine import Engine

from cli.errors import CliError
from settings import Settings
from store.db import make_engine
from store.migrate import (
    StoreOutOfDate,
    alembic_config,
    current_revision,
    head_revision,
    require_current,
    upgrade,
)


def add_db_parser(sub: Any) -> None:
    """The `db` subcommand and its own subcommands."""
    db: argparse.ArgumentParser = sub.add_parser("db", help="upgrade or inspect the store's "
                                                 "schema (Alembic migrations)")
    db.set_defaults(handler=cmd_db)
    actions = db.add_subparsers(dest="db_command", required=True, parser_class=type(db))
    actions.add_parser("upgrade", help="bring the store to the newest schema (in place)")
    actions.add_parser("current", help="print the store's revision and the newest one")
    revision = actions.add_parser("revision", help="write a new migration (developers)")
    revision.add_argument("-m", "--message", required=True)
    revision.add_argument("--autogenerate", action="store_true",
                          help="fill it from the models' differences with the store")


def require_store(engine: Engine) -> None:
    """CliError (exit 1, one line) unless the store is at the newest revision."""
    try:
        require_current(engine)
    except StoreOutOfDate as error:
        raise CliError(str(error)) from None


def upgrade_store(settings: Settings) -> str:
    """Upgrade the configured store; returns what was done, to print."""
    engine = make_engine(settings.db_url)
    try:
        return upgrade(engine).describe()
    except StoreOutOfDate as error:
        raise CliError(str(error)) from None
    finally:
        engine.dispose()


async def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    if args.db_command == "upgrade":
        print(upgrade_store(settings))
        return 0
    engine = make_engine(settings.db_url)
    try:
        if args.db_command == "current":
            with engine.connect() as conn:
                current = current_revision(conn)
            print(f"store {current or 'without a version'}, head {head_revision()}")
            return 0
        _new_revision(engine, args.message, autogenerate=args.autogenerate)
        return 0
    finally:
        engine.dispose()


def _new_revision(engine: Engine, message: str, *, autogenerate: bool) -> None:
    from alembic import command

    head = head_revision()
    with engine.begin() as conn:
        if autogenerate and current_revision(conn) != head:
            raise CliError("--autogenerate compares with the store: run `rectrack db "
                           "upgrade` first")
        config = alembic_config(conn)
        config.set_main_option("file_template", "v%%(rev)s_%%(slug)s")
        script = command.revision(config, message=message, autogenerate=autogenerate,
                                  rev_id=f"{int(head) + 1:04d}")
    path = getattr(script, "path", None)
    print(f"wrote {path}" if path else "wrote a new revision")
