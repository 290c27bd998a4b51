"""The bulk loader of synthetic recommendations, shared by `make bench` (the API row) and
scripts/benchmark_reports.py (the report queries).

It writes MEMOS memos x PER_MEMO recommendations of synthetic but plausible data (answers
months late, half the recommendations closed, a share on hold or overdue) straight into
the store's tables with bulk inserts: no workflow, no audit log, so 100,000
recommendations load in seconds. Memo ids are `BENCH-000000`, `BENCH-000001`, ...; the
data is dated around TODAY, which report queries should be given as their `today`.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine

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
