"""`rectrack audit verify [MEMO_ID]`: check the audit log's hash chains (store.audit_chain).

Exit codes: 0 every chain intact; 1 a chain is broken (the first broken event is named,
for each broken memo), or the store cannot be read; 2 an unknown memo id.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from sqlmodel import Session

from cli.db_commands import require_store
from cli.errors import BadInput
from settings import Settings
from store.audit_chain import memo_ids, verify_memo
from store.db import make_engine


def add_audit_parser(sub: Any) -> None:
    audit: argparse.ArgumentParser = sub.add_parser(
        "audit", help="check the tamper-evident audit log")
    audit.set_defaults(handler=cmd_audit_verify)  # `verify` is its only verb
    verbs = audit.add_subparsers(dest="audit_command", required=True,
                                 parser_class=type(audit))
    verify = verbs.add_parser("verify", help="verify every memo's hash chain (or one memo's)")
    verify.add_argument("memo_id", nargs="?")
    verify.set_defaults(handler=cmd_audit_verify)


async def cmd_audit_verify(args: argparse.Namespace, settings: Settings) -> int:
    return await asyncio.to_thread(_verify, args.memo_id, settings)


def _verify(memo_id: str | None, settings: Settings) -> int:
    engine = make_engine(settings.db_url)
    try:
        require_store(engine)
        with Session(engine) as session:
            ids = [memo_id] if memo_id else memo_ids(session)
            results = [(m, *verify_memo(session, m)) for m in ids]
    finally:
        engine.dispose()
    if memo_id and results[0][1] == 0:
        raise BadInput(f"no audit events for memo {memo_id!r}")
    broken = [found for _, _, found in results if found is not None]
    for found in broken:
        print(f"broken: {found}")
    events = sum(count for _, count, _ in results)
    if broken:
        print(f"{len(broken)} of {len(results)} memo chains broken ({events} events checked)")
        return 1
    print(f"audit log intact: {events} events in {len(results)} memo chains")
    return 0
