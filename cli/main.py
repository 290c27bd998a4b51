"""`rectrack` argument parsing and dispatch. Exit codes: 0 ok, 1 failure, 2 bad input."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from app.telemetry import observed_process
from cli import handlers
from cli.api_commands import add_api_parser
from cli.audit_commands import add_audit_parser
from cli.cluster_commands import add_temporal_parser
from cli.db_commands import add_db_parser
from cli.doctor import add_doctor_parser
from cli.errors import BadInput, CliError
from cli.import_commands import add_import_parser
from cli.report_commands import add_report_parser
from cli.token_commands import add_token_parser
from domain.dates import strict_date
from domain.recommendation import NON_CONCURRENCE_CLOSURES
from domain.vocabulary import ClosureReason, MemoStatus, PublicationKind


def iso_date(text: str) -> date:
    """A business date on the command line: as strict as in a file (YYYY-MM-DD only)."""
    try:
        return strict_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date: {error}") from None


def numbered_rationale(text: str) -> tuple[int, str]:
    number, sep, rationale = text.partition(":")
    if not number.strip().isdigit() or not sep or not rationale.strip():
        raise argparse.ArgumentTypeError(f"expected NUMBER:RATIONALE, got {text!r}")
    return int(number), rationale.strip()


def evidence(text: str) -> dict[str, str]:
    """TITLE|URI or TITLE|URI|SHA256 (the digest is checked with the command)."""
    parts = [part.strip() for part in text.split("|")]
    if len(parts) not in (2, 3) or not all(parts):
        raise argparse.ArgumentTypeError(f"expected TITLE|URI[|SHA256], got {text!r}")
    return dict(zip(("title", "uri", "sha256"), parts, strict=False))


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
    withdraw.add_argument("--on", type=iso_date,
                          help="date of the withdrawal (default: today in the office)")

    _add_followup_parsers(sub)

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

    add_token_parser(sub)
    add_api_parser(sub)
    add_report_parser(sub)
    add_doctor_parser(sub)
    add_import_parser(sub)
    add_audit_parser(sub)
    add_db_parser(sub)
    add_temporal_parser(sub)
    return parser


def _add_followup_parsers(sub: Any) -> None:
    """Follow-up commands; every date defaults to today in the memo's office time zone."""

    def command(name: str, summary: str, *, number: str = "required") -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = sub.add_parser(name, help=summary)
        parser.add_argument("memo_id")
        if number == "required":
            parser.add_argument("number", type=int, metavar="N", help="recommendation number")
        elif number == "optional":
            parser.add_argument("number", type=int, metavar="N", nargs="?",
                                help="recommendation number (default: the whole memo)")
        return parser

    def on(parser: argparse.ArgumentParser, flag: str = "--on") -> None:
        parser.add_argument(flag, type=iso_date, metavar="D",
                            help="business date of the action (default: today, office time)")

    def evidence_flag(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--evidence", type=evidence, action="append", default=[],
                            metavar="TITLE|URI[|SHA256]", help="evidence reference (repeatable)")

    plan = command("plan", "record a recommendation's action plan")
    plan.add_argument("--file", type=Path, required=True,
                      help="YAML or JSON: responsible_official, target_completion_on, "
                      "milestones [{title, target_on}]")
    on(plan, "--received-on")

    review = command("review", "accept or dispute a recommendation's response or plan")
    decision = review.add_mutually_exclusive_group(required=True)
    decision.add_argument("--accept", action="store_true")
    decision.add_argument("--dispute", action="store_true")
    review.add_argument("--reason", help="why the office disputes")
    review.add_argument("--closure-reason", choices=[r.value for r in NON_CONCURRENCE_CLOSURES],
                        help="accepting a non-concurrence closes it for this reason")
    review.add_argument("--justification", help="why a non-concurrence is accepted")
    on(review)

    update = command("update", "record a status update on an accepted action plan")
    source = update.add_mutually_exclusive_group(required=True)
    source.add_argument("--file", type=Path, help="YAML or JSON status update")
    source.add_argument("--progress", help="what was done")
    update.add_argument("--percent", type=int, metavar="P", help="percent complete (0-100)")
    update.add_argument("--milestone-done", action="append", default=[], metavar="TITLE")
    evidence_flag(update)
    on(update, "--received-on")

    request = command("request-extension", "record the component's request to move a due date")
    request.add_argument("--clock", required=True,
                         help="action_plan, revision, status_update, target_completion or "
                         "milestone:TITLE")
    request.add_argument("--to", type=iso_date, required=True, dest="to_date", metavar="DATE")
    request.add_argument("--reason", required=True)
    on(request)

    decide = command("decide-extension", "approve or deny a pending extension request")
    decide.add_argument("--request", type=int, required=True, metavar="ID")
    verdict = decide.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--approve", action="store_true")
    verdict.add_argument("--deny", action="store_true")
    decide.add_argument("--by", required=True, dest="decided_by", metavar="NAME")
    decide.add_argument("--reason")
    on(decide)

    hold = command("hold", "put a recommendation, or the whole memo, on hold",
                   number="optional")
    hold.add_argument("--reason", required=True)
    on(hold)
    resume = command("resume", "lift a hold; open due dates move by the days on hold",
                     number="optional")
    on(resume)

    close = command("close", "close a recommendation for a reason")
    close.add_argument("--reason", required=True, choices=[r.value for r in ClosureReason])
    close.add_argument("--justification", required=True)
    evidence_flag(close)
    on(close)

    reopen = command("reopen", "reopen a closed recommendation")
    reopen.add_argument("--reason", required=True)
    on(reopen)

    publish = command("publish", "record a publication of the memo", number="none")
    publish.add_argument("--kind", required=True, choices=[k.value for k in PublicationKind])
    publish.add_argument("--uri", required=True)
    on(publish)


def main() -> NoReturn:
    """The console script: run the command line, then leave at once.

    Exit without interpreter finalization: the Temporal client's Rust threads may still
    call into Python while it finalizes, and CPython then aborts the process
    ("PyGILState_Release: thread state ... must be current", exit 134 instead of the
    command's code; temporalio/sdk-python#300). Nothing is left to clean up here.
    """
    code = run()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def run(argv: Sequence[str] | None = None) -> int:
    """Parse `argv` (default: the command line), run the command, return its exit code."""
    try:
        args = build_parser().parse_args(argv)
        with observed_process(args.command):  # logs set up, spans flushed (app.telemetry)
            return asyncio.run(handlers.dispatch(args))
    except CliError as error:
        print(f"rectrack: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        return 141
