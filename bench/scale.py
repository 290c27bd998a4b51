"""Idle scale: what open recommendations cost while nothing happens to them.

The row issues ordinary memos (10 recommendations each, answers due in 60 days: nothing
to send) until 1,000, 3,000 and 10,000 of its recommendations are open (it runs second,
after the CLI row's 5 memos, so these are nearly all the worker has; each row is labelled
with every open recommendation in the store), and measures at each level, once the
store has every row and the system is quiet (bench.stack) again:

- the rectrack worker's RSS (psutil), against the raw worker's with as many raw
  workflows idle-waiting on their signal (bench.raw, issued just before, same levels);
- Temporal database bytes per open recommendation, against bytes per idle raw workflow:
  the growth of the dev server's database while each side issued (pages in use, as a
  reader sees them with the WAL, so a checkpoint in between moves nothing);
- store bytes per open recommendation (growth of rectrack.db while this row issued),
  against the same count of recommendations bulk-loaded (bench.loader) into a fresh
  store of the same schema: the rows and indexes alone, without the audit log.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]  # no stubs in the dev deps

from bench import memos, raw
from bench.loader import load
from bench.report import Row, at_most
from bench.rounds import Sizes, issue_memos
from bench.stack import Stack, progress
from store.db import make_engine

RECS = 10
MIB = 1024 * 1024
KIB = 1024


def used_bytes(path: Path) -> int:
    """Bytes in use in an SQLite database (its WAL included), free pages left out."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        (pages,) = conn.execute("PRAGMA page_count").fetchone()
        (free,) = conn.execute("PRAGMA freelist_count").fetchone()
        (size,) = conn.execute("PRAGMA page_size").fetchone()
    finally:
        conn.close()
    return int((pages - free) * size)


def rss(pid: int) -> int:
    process = psutil.Process(pid)
    return int(process.memory_info().rss + sum(
        child.memory_info().rss for child in process.children(recursive=True)))


def loaded_bytes(recs: int) -> int:
    """Store bytes of `recs` bulk-loaded recommendations (10 per memo)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "loaded.db"
        engine = make_engine(f"sqlite:///{path}")
        try:
            load(engine, "bulk-loaded baseline", max(1, recs // RECS), RECS)
        finally:
            engine.dispose()
        return used_bytes(path)


async def idle_scale(stack: Stack, sizes: Sizes, levels: list[int],
                     settle: float) -> tuple[list[Row], dict[str, Any]]:
    temporal_db = stack.home / "temporal.db"
    store_db = stack.home / "rectrack.db"
    prefix = memos.prefix(stack.run_id, "s")
    raw_prefix = f"{stack.run_id}-s-"
    raw_open = rk_open = 0
    raw_db_bytes = rk_db_bytes = 0
    await stack.quiet()
    store_start = await asyncio.to_thread(used_bytes, store_db)
    rows: list[Row] = []
    checks: dict[str, Any] = {}
    per_level: dict[str, Any] = {}
    for level in levels:
        # raw first: idle workflows waiting on their signal
        before = await asyncio.to_thread(used_bytes, temporal_db)
        add = level - raw_open
        await raw.issue(stack.client, stack.raw_queue, stack.raw_db, f"{raw_prefix}{level}-",
                        add, concurrency=sizes.concurrency, within=sizes.within)
        await stack.quiet()
        await asyncio.sleep(settle)
        raw_open = level
        raw_db_bytes += await asyncio.to_thread(used_bytes, temporal_db) - before
        raw_rss = rss(stack.raw_worker.pid)

        before = await asyncio.to_thread(used_bytes, temporal_db)
        count = (level - rk_open) // RECS
        ids = memos.memo_ids(stack.run_id, "s", count, start=rk_open // RECS)
        seconds = await issue_memos(stack, [memos.memo_spec(i, RECS) for i in ids], prefix,
                                    concurrency=sizes.concurrency, within=sizes.within)
        await stack.quiet()
        await asyncio.sleep(settle)
        rk_open += count * RECS
        rk_db_bytes += await asyncio.to_thread(used_bytes, temporal_db) - before
        rk_rss = sum(rss(pid) for pid in stack.worker_pids)
        store = await asyncio.to_thread(used_bytes, store_db) - store_start
        baseline_store = await asyncio.to_thread(loaded_bytes, rk_open)
        stored = await stack.count("SELECT count(*) FROM recommendation WHERE memo_id LIKE :p "
                                   "AND implementation <> 'closed'", p=f"{prefix}%")
        everywhere = await stack.count("SELECT count(*) FROM recommendation "
                                       "WHERE implementation <> 'closed'")
        checks[str(level)] = {"expected_open": rk_open, "stored_open": stored,
                              "open_in_store": everywhere}
        per_level[str(level)] = {
            "rectrack_rss_kib_per_rec": rk_rss / KIB / rk_open,
            "raw_rss_kib_per_workflow": raw_rss / KIB / raw_open,
            "rectrack_issue_seconds": seconds}
        progress(f"idle scale {rk_open:,} open recs ({everywhere:,} in the store): worker RSS "
                 f"{rk_rss / MIB:.0f} MiB "
                 f"(raw {raw_rss / MIB:.0f}), Temporal DB {rk_db_bytes / rk_open / KIB:.1f} "
                 f"KiB/rec (raw {raw_db_bytes / raw_open / KIB:.1f}), store "
                 f"{store / rk_open / KIB:.1f} KiB/rec (bulk-loaded "
                 f"{baseline_store / rk_open / KIB:.1f})")
        label = f"{everywhere:,} open recs"
        rows += [
            Row(f"worker RSS, {label}", "MiB", rk_rss / MIB, raw_rss / MIB,
                "raw worker, as many idle workflows",
                at_most(450) if level == max(levels) and level >= 10_000 else None,
                per_level[str(level)]),
            Row(f"Temporal DB per rec, {label}", "KiB", rk_db_bytes / rk_open / KIB,
                raw_db_bytes / raw_open / KIB, "per idle raw workflow"),
            Row(f"store per rec, {label}", "KiB", store / rk_open / KIB,
                baseline_store / rk_open / KIB, "bulk-loaded rows, same schema"),
        ]
    return rows, {"scale": checks}
