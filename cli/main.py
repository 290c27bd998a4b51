"""`rectrack` argument parsing and dispatch. Exit codes: 0 ok, 1 failure, 2 bad input."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from cli import commands
from cli.errors import BadInput, CliError
from domain.vocabulary import MemoStatus


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def numbered_rationale(text: str) -> tuple[int, str]:
    number, sep, rationale = text.partition(":")
    if not number.strip().isdigit() or not sep or not rationale.strip():
        raise argparse.ArgumentTypeError(f"expected NUMBER:RATIONALE, got {text!r}")
    return int(number), rationale.strip()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line and exit 2, like every other bad input.
        raise BadInput(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rectrack", description="Track oversight recommendations "
                     "from memo to closure.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    dev = sub.add_parser("dev", help="run the local stack: Temporal dev server + worker")
    dev.add_argument("--issue-example", type=Path, action="append", default=[],
                     metavar="FILE", help="issue this memo file once the stack is up "
                     "(skipped if already issued)")
    sub.add_parser("worker", help="run a worker against TEMPORAL_ADDRESS")

    issue = sub.add_parser("issue", help="issue a memo from a YAML or JSON file")
    issue.add_argument("file", type=Path)
    issue.add_argument("--exists-ok", action="store_true",
                       help="do nothing (exit 0) if the memo was already issued")

    respond = sub.add_parser("respond", help="record the component's response")
    respond.add_argument("memo_id")
    respond.add_argument("--file", type=Path, help="response file (YAML or JSON)")
    respond.add_argument("--received-on", type=iso_date,
                         help="date the response was received (with the flags below)")
    respond.add_argument("--concur", type=int, action="append", default=[], metavar="N")
    respond.add_argument("--partially-concur", type=numbered_rationale, action="append",
                         default=[], metavar="N:RATIONALE")
    respond.add_argument("--non-concur", type=numbered_rationale, action="append",
                         default=[], metavar="N:RATIONALE")
    respond.add_argument("--recorded-by", help="who entered the response")

    extend = sub.add_parser("extend", help="grant an extension of the response deadline")
    extend.add_argument("memo_id")
    extend.add_argument("--to", type=iso_date, required=True, dest="to_due_on")
    extend.add_argument("--reason", required=True)
    extend.add_argument("--approved-by", required=True)

    withdraw = sub.add_parser("withdraw", help="withdraw a memo")
    withdraw.add_argument("memo_id")
    withdraw.add_argument("--reason", required=True)

    show = sub.add_parser("show", help="show one memo (from the store)")
    show.add_argument("memo_id")
    show.add_argument("--json", action="store_true")
    show.add_argument("--live", action="store_true", help="ask the workflow, not the store")
    show.add_argument("--timeline", action="store_true", help="with --json: add the audit log")

    listing = sub.add_parser("list", help="list memos (from the store)")
    listing.add_argument("--overdue", action="store_true")
    listing.add_argument("--component")
    listing.add_argument("--status", choices=[s.value for s in MemoStatus])
    listing.add_argument("--json", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return asyncio.run(commands.dispatch(args))
    except CliError as error:
        print(f"rectrack: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        return 141
