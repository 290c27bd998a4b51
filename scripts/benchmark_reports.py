"""Benchmark the manager reports (store.reports) at 100,000 recommendations.

Loads MEMOS memos x PER_MEMO recommendations of synthetic but plausible data (answers
months late, half the recommendations closed, a share on hold or overdue) straight into
the tables with bulk inserts, into a fresh SQLite file and, unless --no-postgres, into a
schema of its own in PostgreSQL (dropped afterwards). Then runs each report query
--repeat times and prints p50/p95 in ms per query and backend, with the ratio to a
baseline measured in the same run (`SELECT 1` and `SELECT count(*) FROM recommendation`).

    .venv/bin/python scripts/benchmark_reports.py [--memos 10000] [--per-memo 10]
        [--repeat 50] [--postgres URL | --no-postgres] [--sqlite FILE]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from store import reports
from store.db import make_engine
from store.migrate import upgrade
from store.tables import Memo, Recommendation

TODAY = date(2025, 6, 30)
COMPONENTS = ("ICE", "CBP", "TSA", "FEMA", "USCIS", "CISA", "USSS", "USCG", "FLETC", "S&T",
              "I&A", "OBIM")
OFFICERS = tuple(f"Officer {n:02d}" for n in range(1, 21))
CHUNK = 5_000
NOW = datetime.now(UTC)


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high))


def _recommendation(rng: random.Random, memo: dict[str, Any], number: int,
                    received_on: date | None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "memo_id": memo["memo_id"], "number": number, "text": f"Recommendation {number}",
        "kind": "recommendation", "priority": False, "response": "awaiting",
        "implementation": "open", "resolution": "unresolved", "on_hold": False,
        "evidence_count": 0, "last_event_seq": 1, "component": memo["component"],
        "issued_on": memo["issued_on"], "case_officer": memo["case_officer"],
        "received_on": None, "closure_reason": None, "closed_on": None, "ended_on": None,
        "resolved_on": None, "action_plan_due_on": None, "revision_due_on": None,
        "status_update_due_on": None, "target_completion_on": None, "days_to_response": None,
    }
    if memo["status"] == "withdrawn":
        row.update(implementation="closed", closure_reason="withdrawn",
                   ended_on=memo["issued_on"] + _days(rng, 30, 200))
        return row
    if received_on is None:
        return row
    response = rng.choices(("concurred", "partially_concurred", "non_concurred"),
                           (60, 15, 25))[0]
    row.update(response=response, received_on=received_on,
               days_to_response=(received_on - memo["issued_on"]).days)
    fate = rng.random()
    if fate < 0.5:  # closed
        closed_on = min(received_on + _days(rng, 20, 900), TODAY)
        reason = ("not_implemented" if response == "non_concurred"
                  else rng.choice(("implemented", "implemented", "alternate_action",
                                   "superseded", "no_longer_applicable")))
        row.update(implementation="closed", closure_reason=reason, closed_on=closed_on,
                   ended_on=closed_on, resolution="resolved", resolved_on=closed_on,
                   status_update_due_on=closed_on + timedelta(days=90))
    elif fate < 0.8 and response != "non_concurred":  # in progress
        resolved_on = received_on + _days(rng, 10, 120)
        row.update(implementation="in_progress", resolution="resolved", resolved_on=resolved_on,
                   status_update_due_on=TODAY + _days(rng, -300, 90),
                   target_completion_on=resolved_on + _days(rng, 120, 900))
    elif response == "non_concurred" or rng.random() < 0.3:  # disputed
        row["revision_due_on"] = received_on + _days(rng, 30, 400)
    else:
        row["action_plan_due_on"] = received_on + timedelta(days=30)
    row["on_hold"] = row["implementation"] != "closed" and rng.random() < 0.03
    return row


def generate(memos: int, per_memo: int, seed: int = 4) -> Iterator[tuple[dict[str, Any],
                                                                           list[dict[str, Any]]]]:
    rng = random.Random(seed)
    for m in range(memos):
        issued_on = TODAY - _days(rng, 0, 10 * 365)
        due_on = issued_on + timedelta(days=60)
        status = rng.choices(("awaiting_response", "responded", "withdrawn"), (12, 86, 2))[0]
        if status == "awaiting_response" and due_on < TODAY - timedelta(days=700):
            status = "responded"  # very old memos have been answered
        received = (min(issued_on + _days(rng, 20, 600), TODAY)
                    if status == "responded" else None)
        memo = {"memo_id": f"BENCH-{m:06d}", "title": f"Memo {m}",
                "component": rng.choice(COMPONENTS), "kind": "recommendation",
                "issued_on": issued_on, "response_due_on": due_on,
                "time_zone": "America/New_York", "status": status,
                "case_officer": rng.choice(OFFICERS), "on_hold": rng.random() < 0.01,
                "last_event_seq": 1, "created_at": NOW, "updated_at": NOW}
        recs = [_recommendation(rng, memo, n, received) for n in range(1, per_memo + 1)]
        if recs and all(r["implementation"] == "closed" for r in recs) and status == "responded":
            memo["status"] = "closed"
        yield memo, recs


def load(engine: Engine, label: str, memos: int, per_memo: int) -> None:
    upgrade(engine)
    memo_rows: list[dict[str, Any]] = []
    rec_rows: list[dict[str, Any]] = []
    total, done, started = memos * per_memo, 0, time.perf_counter()

    def flush() -> None:
        nonlocal done
        with engine.begin() as conn:
            conn.execute(insert(Memo.metadata.tables["memo"]), memo_rows)
            conn.execute(insert(Recommendation.metadata.tables["recommendation"]), rec_rows)
        done += len(rec_rows)
        memo_rows.clear()
        rec_rows.clear()
        print(f"  {label}: {done:,}/{total:,} recommendations loaded "
              f"({time.perf_counter() - started:.1f} s)", file=sys.stderr, flush=True)

    for memo, recs in generate(memos, per_memo):
        memo_rows.append(memo)
        rec_rows.extend(recs)
        if len(rec_rows) >= CHUNK * 2:
            flush()
    if rec_rows:
        flush()
    # Table statistics (and, on PostgreSQL, the visibility map that index-only scans need),
    # as a production database has them from autovacuum.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE" if engine.dialect.name == "sqlite" else "VACUUM ANALYZE"))


def queries(session: Session) -> dict[str, Callable[[], Any]]:
    s = session
    return {
        "baseline: SELECT 1": lambda: s.connection().execute(text("SELECT 1")).all(),
        "baseline: count(*)": lambda: s.connection().execute(
            text("SELECT count(*) FROM recommendation")).all(),
        "overdue (first 100)": lambda: reports.overdue_items(s, today=TODAY),
        "overdue, component": lambda: reports.overdue_items(s, today=TODAY, component="CBP"),
        "overdue, case officer": lambda: reports.overdue_items(s, today=TODAY,
                                                       case_officer="Officer 07"),
        "overdue, offset 5000": lambda: reports.overdue_items(s, today=TODAY, offset=5000),
        "due-soon 30 days": lambda: reports.due_soon(s, within_days=30, today=TODAY),
        "aging": lambda: reports.aging_buckets(s, today=TODAY),
        "aging, component": lambda: reports.aging_buckets(s, today=TODAY, component="CBP"),
        "concurrence": lambda: reports.concurrence_rates(s),
        "concurrence, 1 year": lambda: reports.concurrence_rates(
            s, date_from=TODAY - timedelta(days=365), date_to=TODAY),
        "time-to-response": lambda: reports.time_to_response(s),
        "open-over-a-year": lambda: reports.open_over_a_year(s, today=TODAY),
        "period (half year, 100 listed)": lambda: reports.period_report(
            s, date_from=date(2024, 7, 1), date_to=date(2024, 12, 31), limit=100),
        "period (half year, all listed)": lambda: reports.period_report(
            s, date_from=date(2024, 7, 1), date_to=date(2024, 12, 31)),
    }


def measure(engine: Engine, repeat: int) -> dict[str, tuple[float, float]]:
    results: dict[str, tuple[float, float]] = {}
    with Session(engine) as session:
        for name, run in queries(session).items():
            run()  # warm-up
            samples = []
            for _ in range(repeat):
                started = time.perf_counter()
                run()
                samples.append((time.perf_counter() - started) * 1000)
            samples.sort()
            p95 = samples[max(0, -(-95 * len(samples) // 100) - 1)]  # nearest rank
            results[name] = (statistics.median(samples), p95)
    return results


def print_table(label: str, results: dict[str, tuple[float, float]]) -> None:
    one, count = results["baseline: SELECT 1"][0], results["baseline: count(*)"][0]
    print(f"\n{label}")
    print(f"{'query':<32} {'p50 ms':>8} {'p95 ms':>8} {'p50/SELECT 1':>13} {'p50/count(*)':>13}")
    for name, (p50, p95) in results.items():
        print(f"{name:<32} {p50:8.2f} {p95:8.2f} {p50 / one:13.1f} {p50 / count:13.2f}")


def run_backend(engine: Engine, label: str, args: argparse.Namespace) -> None:
    """Load one backend, measure its queries and print the table; disposes of `engine`."""
    try:
        load(engine, label, args.memos, args.per_memo)
        print_table(f"{label} ({args.memos * args.per_memo:,} recommendations)",
                    measure(engine, args.repeat))
    finally:
        engine.dispose()


def run_postgres(url: str, args: argparse.Namespace) -> None:
    schema = f"rectrack_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    engine = make_engine(scoped.render_as_string(hide_password=False))
    try:
        run_backend(engine, "postgresql", args)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memos", type=int, default=10_000)
    parser.add_argument("--per-memo", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--sqlite", type=Path, help="SQLite file (default: a temporary one)")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print(f"today is taken as {TODAY}; {args.repeat} runs per query", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.sqlite or Path(tmp) / "bench.db"
        if path.exists():
            sys.exit(f"{path} exists: give a new file")
        run_backend(make_engine(f"sqlite:///{path}"), "sqlite", args)
    if not args.no_postgres:
        run_postgres(args.postgres, args)


if __name__ == "__main__":
    main()
