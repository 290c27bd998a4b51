"""The throughput rows: issue, response and reminder burst, rectrack against raw Temporal.

Each round runs raw first and rectrack right after, on the same server and disk, and
the rows report the median of the rounds. rectrack is driven through its service layer
(`app.memos.checked_spec` + `app.temporal.start_memo` to issue, as `rectrack issue` does
without its wait; `app.memos.respond` to respond) and timed until the store shows the
result: every recommendation row present, every response recorded, every notice at the
receiver. The raw rounds are timed the same way against their own store (bench.raw).

What the checks count (lost or duplicated rows and notices) goes into the JSON that the
smoke test reads.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app import memos as service
from app.temporal import start_memo
from bench import memos, raw
from bench.report import Row, at_least
from bench.stack import Stack, each, progress, until
from domain.memo import MemoSpec


@dataclass
class Sizes:
    memos: int
    recs: int
    burst_memos: int
    burst_recs: int
    rounds: int
    concurrency: int
    within: float


@dataclass
class Samples:
    """Rates per round, and what the checks found."""

    raw: list[float] = field(default_factory=list)
    rectrack: list[float] = field(default_factory=list)
    checks: dict[str, Any] = field(default_factory=dict)


async def stored_recs(stack: Stack, prefix: str, *, responded: bool = False) -> int:
    where = " AND response <> 'awaiting'" if responded else ""
    return await stack.count("SELECT count(*) FROM recommendation WHERE memo_id LIKE :p"
                             + where, p=f"{prefix}%")


async def response_events(stack: Stack, prefix: str) -> int:
    """`response_recorded` events stored: the memo's own and each recommendation's."""
    return await stack.count("SELECT count(*) FROM event WHERE memo_id LIKE :p "
                             "AND kind = 'response_recorded'", p=f"{prefix}%")


async def issue_memos(stack: Stack, specs: Sequence[MemoSpec], prefix: str, *,
                      concurrency: int, within: float) -> float:
    """Start every memo's workflow; seconds until all their recommendation rows are stored."""
    expected = sum(len(s.recommendations) for s in specs) + await stored_recs(stack, prefix)
    started = time.perf_counter()
    await each(specs, concurrency, lambda spec: start_memo(
        stack.client, spec, task_queue=stack.task_queue))

    async def stored() -> bool:
        return await stored_recs(stack, prefix) >= expected

    await until(stored, f"{expected} recommendation rows of {prefix}*", within)
    return time.perf_counter() - started


async def respond_memos(stack: Stack, ids: Sequence[str], recs: int, prefix: str, *,
                        concurrency: int, within: float) -> float:
    """A full response to each memo; seconds until the store has every response event
    (the memo's and each recommendation's own)."""
    fields = memos.response_fields(recs)
    expected = len(ids) * (recs + 1) + await response_events(stack, prefix)
    started = time.perf_counter()
    await each(ids, concurrency, lambda memo_id: service.respond(stack.ctx, memo_id, fields))

    async def stored() -> bool:
        return await response_events(stack, prefix) >= expected

    await until(stored, f"{expected} response events of {prefix}*", within)
    return time.perf_counter() - started


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


async def phase(stack: Stack, what: str, count: int, unit: str, run: Awaitable[float],
                samples: list[float], tails: list[float]) -> None:
    """Run one timed phase on a quiet system; note its rate, and its rate counting the
    work it left running after its result showed (`tails`, for the JSON)."""
    seconds = await run
    tail = await stack.quiet()
    samples.append(count / seconds)
    tails.append(count / (seconds + tail))
    progress(f"{what}: {count} {unit} in {seconds:.1f} s ({count / seconds:.0f}/s; "
             f"quiet {tail:.1f} s later)")


async def throughput(stack: Stack, sizes: Sizes) -> tuple[list[Row], dict[str, Any]]:
    """Issue and response, raw then rectrack, `rounds` times."""
    issue, respond = Samples(), Samples()
    tails: dict[str, list[float]] = {"issue raw": [], "issue rectrack": [],
                                     "response raw": [], "response rectrack": []}
    n = sizes.memos * sizes.recs
    w, c = sizes.within, sizes.concurrency
    await stack.quiet()
    for r in range(1, sizes.rounds + 1):
        raw_prefix = f"{stack.run_id}-t{r}-"
        ids = memos.memo_ids(stack.run_id, f"t{r}", sizes.memos)
        prefix = memos.prefix(stack.run_id, f"t{r}")
        specs = [memos.memo_spec(i, sizes.recs) for i in ids]
        await phase(stack, f"round {r} issue, raw", n, "workflows", raw.issue(
            stack.client, stack.raw_queue, stack.raw_db, raw_prefix, n, concurrency=c,
            within=w), issue.raw, tails["issue raw"])
        await phase(stack, f"round {r} issue, rectrack", n, "recs", issue_memos(
            stack, specs, prefix, concurrency=c, within=w), issue.rectrack,
            tails["issue rectrack"])
        issue.checks[f"round {r}"] = {"expected_recs": n,
                                      "stored_recs": await stored_recs(stack, prefix)}
        await phase(stack, f"round {r} response, raw", n, "signals", raw.respond(
            stack.client, stack.raw_db, raw_prefix, n, concurrency=c, within=w),
            respond.raw, tails["response raw"])
        await phase(stack, f"round {r} response, rectrack", n, "recs", respond_memos(
            stack, ids, sizes.recs, prefix, concurrency=c, within=w), respond.rectrack,
            tails["response rectrack"])
        respond.checks[f"round {r}"] = {
            "expected_responses": n,
            "recorded_responses": await stored_recs(stack, prefix, responded=True),
            "expected_events": n + sizes.memos,
            "response_events": await response_events(stack, prefix)}
    total = sizes.rounds * n
    await until(lambda: _completed(stack, total), f"{total} raw workflows completed", w)
    rows = [
        Row("issue", "recs/s", _median(issue.rectrack), _median(issue.raw),
            "raw: workflow started, row stored", at_least(0.8),
            {"rectrack": issue.rectrack, "raw": issue.raw, "recs": n}),
        Row("response", "recs/s", _median(respond.rectrack), _median(respond.raw),
            "raw: signal, row stored, completed", at_least(0.8),
            {"rectrack": respond.rectrack, "raw": respond.raw, "recs": n}),
        # The same phases timed until every process is idle again: the work a phase leaves
        # running after its result shows (child workflows starting, say) counts too.
        Row("issue, until quiet", "recs/s", _median(tails["issue rectrack"]),
            _median(tails["issue raw"]), "raw, until quiet", None,
            {"rectrack": tails["issue rectrack"], "raw": tails["issue raw"]}),
        Row("response, until quiet", "recs/s", _median(tails["response rectrack"]),
            _median(tails["response raw"]), "raw, until quiet", None,
            {"rectrack": tails["response rectrack"], "raw": tails["response raw"]}),
    ]
    return rows, {"issue": issue.checks, "response": respond.checks,
                  "raw": {"expected_completed": total, "completed": await _completed_count(stack)}}


async def _completed_count(stack: Stack) -> int:
    query = f"TaskQueue = '{stack.raw_queue}' AND ExecutionStatus = 'Completed'"
    return (await stack.client.count_workflows(query)).count


async def _completed(stack: Stack, expected: int) -> bool:
    return await _completed_count(stack) >= expected


async def burst(stack: Stack, sizes: Sizes) -> tuple[list[Row], dict[str, Any]]:
    """Past-due memos whose notices are all due at once, against one raw POST each."""
    samples = Samples()
    hook = f"{stack.receiver.base_url}/hook"
    for r in range(1, sizes.rounds + 1):
        group = f"b{r}"
        ids = memos.memo_ids(stack.run_id, group, sizes.burst_memos)
        specs = [memos.memo_spec(i, sizes.burst_recs, receiver_url=hook, past_due=True)
                 for i in ids]
        expected = set().union(*(memos.expected_notices(s) for s in specs))
        raw_prefix = f"{stack.run_id}-b{r}-raw-"
        raw_keys = [f"{raw_prefix}{n:06d}" for n in range(len(expected))]
        await stack.quiet()
        started = time.perf_counter()
        await raw.burst(stack.client, stack.raw_queue, hook, raw_keys,
                        concurrency=sizes.concurrency)
        await _delivered(stack, set(raw_keys), sizes.within)
        seconds = time.perf_counter() - started
        samples.raw.append(len(raw_keys) / seconds)
        progress(f"round {r} burst: raw {len(raw_keys)} POSTs in {seconds:.1f} s")

        await stack.quiet()
        started = time.perf_counter()
        await each(specs, sizes.concurrency, lambda spec: start_memo(
            stack.client, spec, task_queue=stack.task_queue))
        await _delivered(stack, expected, sizes.within)
        seconds = time.perf_counter() - started
        samples.rectrack.append(len(expected) / seconds)
        progress(f"round {r} burst: rectrack {len(ids)} past-due memos x {sizes.burst_recs}, "
                 f"{len(expected)} notices in {seconds:.1f} s")
        await stack.quiet()  # late duplicates or unexpected notices would land by now
        samples.checks[f"round {r}"] = {
            "rectrack": stack.receiver.tally(expected, memos.prefix(stack.run_id, group)),
            "raw": stack.receiver.tally(set(raw_keys), raw_prefix)}
    return [Row("reminder burst", "notices/s", _median(samples.rectrack),
                _median(samples.raw), "raw: one workflow per notice, one POST",
                at_least(0.8), {"rectrack": samples.rectrack, "raw": samples.raw,
                                "memos": sizes.burst_memos, "recs": sizes.burst_recs})], \
        {"burst": samples.checks}


async def _delivered(stack: Stack, keys: set[str], within: float) -> None:
    async def done() -> bool:
        stack.check_alive()
        return stack.receiver.count(keys) >= len(keys)

    await until(done, f"{len(keys)} notices at the receiver", within)
