"""`rectrack token create|revoke|list`: the API's bearer tokens.

A token is printed once, when it is created; the store keeps only its SHA-256 hash.
Revocation takes effect on the API's next request.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlmodel import Session

from cli.db_commands import require_store
from cli.errors import BadInput
from settings import Settings
from store.db import make_engine
from store.tokens import ApiTokenPublic, Role, create_token, list_tokens, revoke_token


def add_token_parser(sub: Any) -> None:
    """The `token` subcommand and its own subcommands."""
    token: argparse.ArgumentParser = sub.add_parser(
        "token", help="create, revoke and list API bearer tokens")
    token.set_defaults(handler=cmd_token)
    actions = token.add_subparsers(dest="token_command", required=True,
                                   parser_class=type(token))
    create = actions.add_parser("create", help="create a token; it is printed once")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--component", help="the component an agency token is bound to "
                        "(required for --role agency)")
    create.add_argument("--name", required=True, help="who or what uses the token")
    revoke = actions.add_parser("revoke", help="revoke a token at once")
    revoke.add_argument("token_id", type=int, metavar="TOKEN_ID")
    listing = actions.add_parser("list", help="list tokens (never the tokens themselves)")
    listing.add_argument("--active", action="store_true", help="leave out revoked tokens")


@contextmanager
def _session(settings: Settings) -> Iterator[Session]:
    engine = make_engine(settings.db_url)
    require_store(engine)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def _describe(record: ApiTokenPublic) -> str:
    scope = f" for {record.component}" if record.component else ""
    state = (f"revoked {record.revoked_at:%Y-%m-%d %H:%M}Z" if record.revoked_at
             else "active")
    return (f"{record.id:>4}  {record.role:<8} {record.name}{scope}  "
            f"(created {record.created_at:%Y-%m-%d %H:%M}Z, {state})")


async def cmd_token(args: argparse.Namespace, settings: Settings) -> int:
    if args.token_command == "create":
        if args.role == Role.AGENCY.value and not (args.component or "").strip():
            raise BadInput("token create: --component is required for --role agency")
        with _session(settings) as session:
            try:
                record, token = create_token(session, name=args.name, role=args.role,
                                             component=args.component)
            except ValueError as error:
                raise BadInput(f"token create: {error}") from None
        print(f"created token {record.id} ({_describe(record).split(None, 1)[1].strip()})")
        print("token (shown once; store it now):")
        print(token)
        return 0
    if args.token_command == "revoke":
        with _session(settings) as session:
            revoked = revoke_token(session, token_id=args.token_id)
        if revoked is None:
            raise BadInput(f"token revoke: no token {args.token_id}")
        print(f"revoked token {revoked.id} ({revoked.name}); it is refused from now on")
        return 0
    with _session(settings) as session:
        records = list_tokens(session, include_revoked=not args.active)
    for record in records:
        print(_describe(record))
    if not records:
        print("no tokens")
    return 0
