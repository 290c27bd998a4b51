"""`make bench`: rectrack against a raw-Temporal baseline, one table, three files.

    .venv/bin/python -m bench [--quick] [--only ROW,...] [--memos N] [--recs N] ...

Starts its own stack (bench.stack), then runs the row groups in this order, each
rectrack figure next to a baseline measured in the same run: CLI start-up
(bench.latency), idle scale (bench.scale), issue and response (bench.rounds, raw and
rectrack alternating per round), reminder burst, latency under load, API (bench.api_row).
Prints the table (bench.report) and writes `<out>/<YYYY-MM-DD>[-quick].json|md|png`.

Exit status 1 when a check failed: a recommendation row, a response or a notice lost,
or a notice delivered twice; a target not met is reported in the table, not an error.
Progress goes to stderr, the table to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import signal
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench import report
from bench.rounds import Sizes
from bench.stack import ROOT, levers, open_stack, progress

# In this order: the idle scale runs on a store that holds only the CLI row's 5 memos, so
# its levels are the open recommendations the worker has; the later rows then run with
# those recommendations idle beside them, as a production worker would.
GROUPS = ("cli", "scale", "issue", "burst", "latency", "api")
ALIASES = {"response": "issue", "throughput": "issue"}
# The full run's sizes fit 15 minutes on the 2-core machine (bench/README.md); the idle
# scale's 10,000 level alone takes about 10 minutes, so it is one flag away (--scale).
FULL: dict[str, Any] = dict(memos=300, recs=10, burst_memos=200, burst_recs=5, load_memos=300,
                            samples=15, scale="1000,3000", api_recs=100_000,
                            api_requests=200, rounds=1, settle=2.0)
QUICK: dict[str, Any] = dict(memos=10, recs=5, burst_memos=8, burst_recs=5, load_memos=10,
                             samples=2, scale="100,200", api_recs=2_000, api_requests=20,
                             rounds=1, settle=0.0)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts: about a minute")
    parser.add_argument("--only", help=f"comma-separated row groups: {', '.join(GROUPS)} "
                        "(issue covers issue and response)")
    parser.add_argument("--memos", type=int, help="memos per issue/response round")
    parser.add_argument("--recs", type=int, help="recommendations per memo")
    parser.add_argument("--burst-memos", type=int, help="past-due memos per burst round")
    parser.add_argument("--burst-recs", type=int, help="recommendations per past-due memo")
    parser.add_argument("--load-memos", type=int, help="memos of the burst behind the "
                        "latency-under-load row")
    parser.add_argument("--samples", type=int, help="commands timed per CLI measurement")
    parser.add_argument("--scale", help="open-recommendation levels, e.g. 1000,3000,10000")
    parser.add_argument("--api-recs", type=int, help="recommendations in the API's store")
    parser.add_argument("--api-requests", type=int, help="requests per API route")
    parser.add_argument("--rounds", type=int, help="raw/rectrack rounds per throughput row")
    parser.add_argument("--settle", type=float, help="seconds to wait, once the system is "
                        "quiet, before an idle-scale measurement")
    parser.add_argument("--concurrency", type=int, default=8, help="starts, signals and "
                        "updates in flight at once (both sides)")
    parser.add_argument("--workers", type=int, default=1, help="`rectrack worker` "
                        "processes on the task queue (a lever; the raw side keeps one)")
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="longest wait for any one round (s)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--keep", action="store_true", help="keep the run's temporary "
                        "home (always kept when the run fails)")
    args = parser.parse_args(argv)
    for key, value in (QUICK if args.quick else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    wanted = [ALIASES.get(g.strip(), g.strip()) for g in (args.only or ",".join(GROUPS))
              .split(",") if g.strip()]
    if args.workers < 1:
        parser.error(f"--workers: at least 1, got {args.workers}")
    unknown = sorted(set(wanted) - set(GROUPS))
    if unknown:
        parser.error(f"--only: unknown row group(s) {', '.join(unknown)}; "
                     f"known: {', '.join(GROUPS)}, response")
    args.groups = [g for g in GROUPS if g in wanted]
    args.levels = [int(x) for x in str(args.scale).split(",") if x.strip()]
    return args


def problems(checks: dict[str, Any]) -> list[str]:
    """What the checks say was lost or duplicated (empty: nothing)."""
    found: list[str] = []
    for name, rounds in checks.get("issue", {}).items():
        if rounds["stored_recs"] != rounds["expected_recs"]:
            found.append(f"issue {name}: {rounds}")
    for name, rounds in checks.get("response", {}).items():
        if (rounds["recorded_responses"] != rounds["expected_responses"]
                or rounds["response_events"] != rounds["expected_events"]):
            found.append(f"response {name}: {rounds}")
    raw = checks.get("raw")
    if raw and raw["completed"] != raw["expected_completed"]:
        found.append(f"raw workflows completed: {raw}")
    for name, sides in checks.get("burst", {}).items():
        for side, tally in sides.items():
            if (tally["missing"] or tally["duplicates"] or tally["unexpected"]
                    or tally["delivered_once"] != tally["expected"]):
                found.append(f"burst {name} {side}: {tally}")
    latency = checks.get("latency")
    if latency and latency["recorded"] != latency["responds"]:
        found.append(f"latency: {latency}")
    for level, counts in checks.get("scale", {}).items():
        if counts["stored_open"] != counts["expected_open"]:
            found.append(f"scale {level}: {counts}")
    api = checks.get("api")
    if api and api["failures"]:
        found.append(f"api: {api}")
    return found


async def measure(args: argparse.Namespace, home: Path) -> tuple[list[report.Row],
                                                                  dict[str, Any]]:
    from bench import api_row, latency, rounds, scale

    sizes = Sizes(memos=args.memos, recs=args.recs, burst_memos=args.burst_memos,
                  burst_recs=args.burst_recs, rounds=args.rounds,
                  concurrency=args.concurrency, within=args.timeout)
    rows: list[report.Row] = []
    checks: dict[str, Any] = {}
    # SIGTERM (and SIGINT, even where a shell ignores it) cancels the run, so that the
    # stack's `finally` stops the server and the workers instead of orphaning them.
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, task.cancel)
    async with open_stack(home, workers=args.workers) as stack:
        for group in args.groups:
            progress(f"-- {group}")
            if group == "cli":
                found = await latency.cli_startup(stack, args.samples)
            elif group == "issue":
                found = await rounds.throughput(stack, sizes)
            elif group == "burst":
                found = await rounds.burst(stack, sizes)
            elif group == "latency":
                found = await latency.under_load(stack, sizes, args.load_memos, args.samples)
            elif group == "scale":
                found = await scale.idle_scale(stack, sizes, args.levels, args.settle)
            else:
                found = await api_row.api_latency(stack, args.api_recs, args.api_requests)
            rows += found[0]
            checks.update(found[1])
    return rows, checks


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    home = Path(tempfile.mkdtemp(prefix="rectrack-bench-"))
    started = time.monotonic()
    progress(f"{'quick' if args.quick else 'full'} run of {', '.join(args.groups)}; "
             f"home {home}")
    failed = True
    try:
        rows, checks = asyncio.run(measure(args, home))
        failed = False
    except asyncio.CancelledError:
        progress("stopped by a signal")
        return 130
    finally:
        if failed or args.keep:
            progress(f"the run's state is kept in {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)
    seconds = time.monotonic() - started
    stem = date.today().isoformat() + ("-quick" if args.quick else "")
    command = "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv)
    run_levers = levers() | ({"workers": str(args.workers)} if args.workers != 1 else {})
    meta = {"date": date.today().isoformat(), "quick": args.quick, "seconds": seconds,
            "command": command.strip(), "levers": run_levers, "groups": args.groups,
            "sizes": {k: v for k, v in vars(args).items()
                      if k not in ("out", "groups", "only") and not k.startswith("_")}}
    paths = report.write(args.out, stem, rows, meta, checks)
    print(report.text_table(rows))
    found = problems(checks)
    for problem in found:
        print(f"CHECK FAILED: {problem}")
    progress(f"done in {seconds:.0f} s; wrote {', '.join(str(p) for p in paths.values())}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
