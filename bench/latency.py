"""The rows a person feels: `rectrack` commands' wall time, idle and under load.

- CLI start-up: `rectrack show MEMO` and `rectrack list` (a store of a few memos) against
  `python -c pass` of the same interpreter, interleaved, median of N.
- Latency under load: single `rectrack respond MEMO --concur N` and `rectrack show MEMO`
  commands, one after the other, while an issue burst (300 memos in a full run) goes on;
  the baseline is the same commands on the same system while it is idle, just before.
  Each respond answers one recommendation of a memo issued beforehand; afterwards every
  one of them must show in the store (the check the smoke test reads).

Commands are real subprocesses (asyncio's), so the loop that drives the burst keeps going
while they run.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from dataclasses import dataclass
from typing import Any

from bench import memos
from bench.report import Row, at_most
from bench.rounds import Sizes, issue_memos, stored_recs
from bench.stack import RECTRACK, ROOT, Stack, progress, until

CLI_TIMEOUT = 120.0


@dataclass
class Timed:
    seconds: float
    returncode: int
    stderr: str


async def timed(command: list[str], env: dict[str, str]) -> Timed:
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *command, env=env, cwd=ROOT, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE)
    try:
        _, err = await asyncio.wait_for(process.communicate(), CLI_TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return Timed(time.perf_counter() - started, process.returncode, err.decode()[-500:])


async def rectrack(stack: Stack, *args: str) -> float:
    """Seconds `rectrack ARGS` took; RuntimeError if it failed."""
    result = await timed([str(RECTRACK), *args], stack.env)
    if result.returncode != 0:
        raise RuntimeError(f"rectrack {' '.join(args)} exited {result.returncode}: "
                           f"{result.stderr}")
    return result.seconds


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)] if ordered else float("nan")


def p50(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


async def cli_startup(stack: Stack, samples: int) -> tuple[list[Row], dict[str, Any]]:
    ids = memos.memo_ids(stack.run_id, "c", 5)
    await issue_memos(stack, [memos.memo_spec(i, 10) for i in ids],
                      memos.prefix(stack.run_id, "c"), concurrency=5, within=120)
    await stack.quiet()
    python: list[float] = []
    show: list[float] = []
    listing: list[float] = []
    for _ in range(samples):
        python.append((await timed([sys.executable, "-c", "pass"], stack.env)).seconds)
        show.append(await rectrack(stack, "show", ids[0]))
        listing.append(await rectrack(stack, "list"))
    memos_stored = await stack.count("SELECT count(*) FROM memo")
    progress(f"CLI start-up: show {p50(show):.2f} s, list {p50(listing):.2f} s, "
             f"python -c pass {p50(python):.3f} s (median of {samples})")
    detail = {"samples": samples, "python": python}
    return [
        Row("CLI start-up: show", "s", p50(show), p50(python), "python -c pass",
            at_most(0.2), {**detail, "rectrack": show}),
        Row(f"CLI start-up: list ({memos_stored} memos)", "s", p50(listing), p50(python),
            "python -c pass", at_most(0.2), {**detail, "rectrack": listing}),
    ], {}


class _Pool:
    """Recommendations still awaiting an answer, handed out one per `respond`."""

    def __init__(self, ids: list[str], recs: int) -> None:
        self.items = [(memo_id, n) for memo_id in ids for n in range(1, recs + 1)]
        self.used = 0

    def take(self) -> tuple[str, int] | None:
        if self.used >= len(self.items):
            return None
        self.used += 1
        return self.items[self.used - 1]


async def _one_pair(stack: Stack, pool: _Pool, respond: list[float],
                    show: list[float]) -> bool:
    item = pool.take()
    if item is None:
        return False
    memo_id, number = item
    today = memos.office_today().isoformat()
    respond.append(await rectrack(stack, "respond", memo_id, "--received-on", today,
                                  "--concur", str(number)))
    show.append(await rectrack(stack, "show", memo_id))
    return True


async def under_load(stack: Stack, sizes: Sizes, load_memos: int,
                     samples: int) -> tuple[list[Row], dict[str, Any]]:
    recs = 10
    # Enough memos for the idle samples and for the load samples' upper bound.
    pool_ids = memos.memo_ids(stack.run_id, "p", max(2, (samples * 4 + 40) // recs))
    pool_prefix = memos.prefix(stack.run_id, "p")
    await issue_memos(stack, [memos.memo_spec(i, recs) for i in pool_ids], pool_prefix,
                      concurrency=sizes.concurrency, within=sizes.within)
    pool = _Pool(pool_ids, recs)
    await stack.quiet()
    idle_respond: list[float] = []
    idle_show: list[float] = []
    for _ in range(samples):
        await _one_pair(stack, pool, idle_respond, idle_show)
    progress(f"latency idle: respond p95 {p95(idle_respond):.2f} s, show p95 "
             f"{p95(idle_show):.2f} s ({samples} each)")

    load_ids = memos.memo_ids(stack.run_id, "l", load_memos)
    specs = [memos.memo_spec(i, sizes.recs) for i in load_ids]
    burst = asyncio.create_task(issue_memos(
        stack, specs, memos.prefix(stack.run_id, "l"), concurrency=sizes.concurrency,
        within=sizes.within))
    load_respond: list[float] = []
    load_show: list[float] = []
    while not burst.done() or not load_respond:
        if not await _one_pair(stack, pool, load_respond, load_show):
            break
    burst_seconds = await burst
    progress(f"latency under a {load_memos}-memo burst ({burst_seconds:.1f} s): respond p95 "
             f"{p95(load_respond):.2f} s, show p95 {p95(load_show):.2f} s "
             f"({len(load_respond)} each)")

    async def recorded() -> bool:
        return await stored_recs(stack, pool_prefix, responded=True) >= pool.used

    await until(recorded, f"{pool.used} single responses in the store", sizes.within)
    checks = {"responds": pool.used,
              "recorded": await stored_recs(stack, pool_prefix, responded=True)}
    detail = {"burst_memos": load_memos, "burst_seconds": burst_seconds}
    idle = "same command, idle system"
    return [
        Row("respond p50 under load", "s", p50(load_respond), p50(idle_respond), idle, None,
            {**detail, "rectrack": load_respond, "idle": idle_respond}),
        Row("respond p95 under load", "s", p95(load_respond), p95(idle_respond), idle,
            at_most(2.0), detail),
        Row("show p50 under load", "s", p50(load_show), p50(idle_show), idle, None,
            {**detail, "rectrack": load_show, "idle": idle_show}),
        Row("show p95 under load", "s", p95(load_show), p95(idle_show), idle,
            at_most(0.3), detail),
    ], {"latency": checks}
