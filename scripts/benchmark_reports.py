"""Benchmark the manager reports (store.reports) at 100,000 recommendations.

Loads MEMOS memos x PER_MEMO recommendations of synthetic but plausible data (answers
months late, half the recommendations closed, a share on hold or overdue; the loader is
bench.loader) straight into the tables with bulk inserts, into a fresh SQLite file and,
unless --no-postgres, into a schema of its own in PostgreSQL (dropped afterwards). Then
runs each report query --repeat times and prints p50/p95 in ms per query and backend,
with the ratio to a baseline measured in the same run (`SELECT 1` and
`SELECT count(*) FROM recommendation`).

    .venv/bin/python scripts/benchmark_reports.py [--memos 10000] [--per-memo 10]
        [--repeat 50] [--postgres URL | --no-postgres] [--sqlite FILE]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

# The loader lives in bench/ (the repository root, which `python scripts/...` does not
# put on the path by itself); `make bench` loads its API row's store with it too.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.loader import TODAY, load
from store import reports
from store.db import make_engine


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
