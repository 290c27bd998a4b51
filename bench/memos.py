"""The benchmark's memos, generated in code, and the notices the system promises for them.

Ids are `BENCH-<run>-<group>-<n>` (the group names the row that issued them, so each
row counts its own rows in the store with one LIKE; SQLite's LIKE ignores case, so no
two groups may differ by case alone). An ordinary memo is issued today
with the default 60-day window: no ladder step falls before its answer, so it sends
nothing. A past-due memo (the reminder burst) was issued 40 days ago and was due 7 days
ago, on a ladder whose overdue notice and escalation to `manager` are both dated today:
with the worker's notice hour at 00:00 (bench.stack) both are due at once. The missed
reminders before them are not caught up: README "Deadlines, reminders, escalation" (a
catch-up waits for the next business day's notice hour and is dropped when a regular step
of its sort falls due by then).

`expected_notices` asks the product's own planner (`activities.deadlines.deadline_plan`)
which notices are due by now, and builds their Idempotency-Keys the way the memo workflow
does (`<memo_id>/<step key>/<role>`): the set the receiver must see, each exactly once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from activities.deadlines import deadline_plan
from activities.models import PlanRequest
from app.memos import checked_spec
from domain.memo import DEFAULT_TIME_ZONE, MemoSpec
from domain.office_time import today_in

TIME_ZONE = DEFAULT_TIME_ZONE
BURST_ROLES = ("component", "manager", "director")
BURST_LADDER: dict[str, Any] = {
    "days_before": [7, 1], "on_due_date": True, "overdue_every_days": 7,
    "escalations": [{"days_overdue": 7, "to": "manager"}, {"days_overdue": 60, "to": "director"}],
}


def office_today() -> date:
    return today_in(TIME_ZONE)


def memo_ids(run_id: str, group: str, count: int, start: int = 0) -> list[str]:
    return [f"BENCH-{run_id}-{group}-{n:05d}" for n in range(start, start + count)]


def prefix(run_id: str, group: str) -> str:
    return f"BENCH-{run_id}-{group}-"


def memo_spec(memo_id: str, recs: int, *, today: date | None = None,
              receiver_url: str | None = None, past_due: bool = False) -> MemoSpec:
    """One memo of `recs` recommendations, checked as `rectrack issue` checks it."""
    today = today or office_today()
    data: dict[str, Any] = {
        "memo_id": memo_id, "title": f"Benchmark memo {memo_id}", "office": "BENCH",
        "component": "BENCH", "issued_on": today, "time_zone": TIME_ZONE,
        "contacts": {"component": {"name": "Component liaison"},
                     "case_officer": {"name": "Case officer"}},
        "recommendations": [
            {"number": n, "text": f"Recommendation {n}: keep a written record of every "
                                  "decision and review a sample of it each year."}
            for n in range(1, recs + 1)],
    }
    if past_due:
        data.update(issued_on=today - timedelta(days=40),
                    response_due_on=today - timedelta(days=7), ladder=BURST_LADDER)
    if receiver_url is not None:
        data["contacts"] = {role: {"name": role, "webhook": f"{receiver_url}/{memo_id}/{role}"}
                            for role in BURST_ROLES}
    return checked_spec(MemoSpec.model_validate(data))


def expected_notices(spec: MemoSpec, now: datetime | None = None,
                     notice_hour: int = 0) -> set[str]:
    """Idempotency-Keys of the response-deadline notices due by `now`."""
    assert spec.response_due_on is not None
    plan = deadline_plan(PlanRequest(
        due_on=spec.response_due_on, time_zone=spec.time_zone, ladder=spec.ladder,
        now=now or datetime.now(UTC), issued_on=spec.issued_on, notice_hour=notice_hour))
    due = [n for n in plan.notices if n.at <= (now or datetime.now(UTC))]
    return {f"{spec.memo_id}/{n.step.key}/{n.step.escalate_to or 'component'}" for n in due}


def response_fields(recs: int, today: date | None = None) -> dict[str, Any]:
    """A full response: every recommendation concurred, received today."""
    return {"received_on": (today or office_today()).isoformat(),
            "responses": [{"number": n, "decision": "concur"} for n in range(1, recs + 1)]}
