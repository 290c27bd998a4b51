"""The counts every fault phase must bring back at zero, each with its evidence.

- events lost / duplicated: each workflow counts its own events (`<memo_id>#<seq>`,
  `<memo_id>/<n>#<seq>`). The memo's counter is `event_seq` in its `state_query`; a
  recommendation's is read from its history (the `record_event` activities it scheduled,
  on top of the counter its run started from). The store's `event` table must hold
  exactly seq 1..counter per stream: a missing seq is lost, a repeat or a seq beyond the
  counter is duplicated.
- notices lost / accepted twice: every notice a workflow recorded as delivered (the
  memo's `notices`, each recommendation's `notices_query`) must have been accepted (2xx)
  by the receiver once, by its Idempotency-Key. An accepted key that no workflow recorded
  is counted as unrecorded, and one still being retried at the end (failed attempts in
  the delivery log, none delivered) as retrying.
- workflows stuck / failed: still busy after the quiescence wait, or closed badly.
- drift: the store's memo view (status, due date, counts, each recommendation's answer
  and lifecycle, the row's last seq) against the live workflows.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.client import Client

import starter
from domain.memo import MemoState, NoticeRecord, RecommendationState
from domain.office_time import today_in
from domain.views import view_of_state
from store.queries import get_memo_view
from store.tables import Recommendation
from tests.faults.quiet import Busy, retrying_notices
from tests.faults.receiver import Receiver
from tests.faults.workload import RECOMMENDATIONS

QUERY_CONCURRENCY = 8
EVIDENCE_LIMIT = 12


@dataclass
class Counts:
    events_lost: int = 0
    events_duplicated: int = 0
    notices_lost: int = 0
    notices_duplicated: int = 0
    notices_unrecorded: int = 0
    notices_retrying: int = 0
    workflows_stuck: int = 0
    workflows_failed: int = 0
    drift: int = 0
    notices: int = 0  # distinct notices accepted by the receiver
    events: int = 0  # events in the store
    attempts: dict[str, int] = field(default_factory=dict)  # delivery log rows by outcome
    # Repeats of a key explained by an earlier attempt logged `unknown` (its worker was
    # lost between the POST and the activity's completion): the README's one resend, same
    # Idempotency-Key, which a receiver dedupes. Reported, not a failure; at most one per
    # lost attempt. `notices_duplicated` counts every other repeat: a real resend.
    resent_after_lost_attempt: int = 0
    evidence: list[str] = field(default_factory=list)

    FAILURES = ("events_lost", "events_duplicated", "notices_lost", "notices_duplicated",
                "notices_unrecorded", "notices_retrying", "workflows_stuck",
                "workflows_failed", "drift")

    def failures(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.FAILURES if getattr(self, name)}

    def note(self, line: str) -> None:
        if len(self.evidence) < EVIDENCE_LIMIT:
            self.evidence.append(line)


@dataclass
class _Memo:
    state: MemoState
    recs: dict[int, RecommendationState]
    rec_seq: dict[int, int]  # each recommendation workflow's own event counter
    notice_keys: list[str]


async def _rec_counter(client: Client, memo_id: str, number: int) -> int:
    """The recommendation workflow's event counter, from its (latest run's) history."""
    history = await starter.recommendation_handle(client, memo_id, number).fetch_history()
    counter = 0
    for event in history.events:
        if event.HasField("workflow_execution_started_event_attributes"):
            start = event.workflow_execution_started_event_attributes.input.payloads[0]
            counter = max(counter, int(json.loads(start.data).get("event_seq", 0)))
        elif event.HasField("activity_task_scheduled_event_attributes"):
            scheduled = event.activity_task_scheduled_event_attributes
            if scheduled.activity_type.name == "record_event":
                record = json.loads(scheduled.input.payloads[0].data)
                counter = max(counter, int(record["seq"]))
    return counter


async def _read_memo(client: Client, memo_id: str) -> _Memo:
    state = await starter.live_state(client, memo_id)
    keys = [f"{memo_id}/{n.key}/{role}" for n in state.notices if n.delivered
            for role in n.recipients]
    recs: dict[int, RecommendationState] = {}
    seqs: dict[int, int] = {}
    for number in range(1, RECOMMENDATIONS + 1):
        handle = starter.recommendation_handle(client, memo_id, number)
        recs[number] = await handle.query("state_query", result_type=RecommendationState)
        notices = await handle.query("notices_query", result_type=list[NoticeRecord])
        keys += [f"{memo_id}/{number}/{n.key}/{role}" for n in notices if n.delivered
                 for role in n.recipients]
        seqs[number] = await _rec_counter(client, memo_id, number)
    return _Memo(state=state, recs=recs, rec_seq=seqs, notice_keys=keys)


def _stored_seqs(engine: Engine) -> dict[str, list[int]]:
    """Every stream's seqs in the store: `<memo_id>` or `<memo_id>/<n>` -> [seq, ...]."""
    streams: dict[str, list[int]] = {}
    with engine.connect() as conn:
        for (event_id,) in conn.execute(text("SELECT event_id FROM event")):
            stream, _, seq = str(event_id).rpartition("#")
            streams.setdefault(stream, []).append(int(seq))
    return streams


def _check_stream(counts: Counts, stream: str, stored: list[int], counter: int) -> None:
    expected = set(range(1, counter + 1))
    lost = sorted(expected - set(stored))
    repeats = sum(c - 1 for c in Counter(stored).values()) + len(set(stored) - expected)
    if lost:
        counts.events_lost += len(lost)
        counts.note(f"events lost: {stream} seq {lost} (workflow counter {counter})")
    if repeats:
        counts.events_duplicated += repeats
        counts.note(f"events duplicated: {stream} stored {sorted(stored)}, counter {counter}")


def _attempt_outcomes(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT outcome, count(*) FROM delivery GROUP BY outcome"))
        return {str(outcome): int(n) for outcome, n in rows}


def _attempts_logged(engine: Engine, key: str) -> list[tuple[int, str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT attempt, outcome, error FROM delivery WHERE "
                                 "idempotency_key = :k ORDER BY id"), {"k": key}).all()
    return [(a, o, e) for a, o, e in rows]


def _described(logged: list[tuple[int, str, str | None]]) -> str:
    return "; ".join(f"#{a} {o} {(e or '')[:80]}".strip() for a, o, e in logged)


def _drift(engine: Engine, memo: _Memo) -> list[str]:
    memo_id, state = memo.state.memo_id, memo.state
    with Session(engine) as session:
        stored = get_memo_view(session, memo_id=memo_id)
        rows = {n: session.get(Recommendation, (memo_id, n)) for n in memo.recs}
        row_seq = session.execute(text("SELECT last_event_seq FROM memo WHERE memo_id = :m"),
                                  {"m": memo_id}).scalar()
    if stored is None:
        return [f"{memo_id}: not in the store"]
    live = view_of_state(state, today_in(state.spec.time_zone))
    wrong = [f"{memo_id}: {name} stored {a!r}, live {b!r}" for name, a, b in (
        ("status", stored.status, live.status), ("counts", stored.counts, live.counts),
        ("response_due_on", stored.response_due_on, live.response_due_on),
        ("last_event_seq", row_seq, state.event_seq))
        if a != b]
    for number, rec in memo.recs.items():
        row = rows[number]
        mine = (row.response, row.implementation, row.closure_reason, row.last_event_seq) \
            if row else None
        theirs = (rec.response.value, rec.implementation.value,
                  rec.closure_reason.value if rec.closure_reason else None, memo.rec_seq[number])
        if mine != theirs:
            wrong.append(f"{memo_id}/{number}: stored {mine}, live {theirs}")
    return wrong


async def measure(client: Client, engine: Engine, receiver: Receiver, memo_ids: list[str],
                  busy: list[Busy]) -> Counts:
    """All counts for the phase's memos, once the phase is quiet (or timed out)."""
    counts = Counts(workflows_failed=sum(b.failed for b in busy),
                    workflows_stuck=sum(not b.failed for b in busy))
    for b in busy:
        counts.note(f"{'failed' if b.failed else 'stuck'}: {b.workflow_id}: {b.reason}")
    gate = asyncio.Semaphore(QUERY_CONCURRENCY)

    async def read(memo_id: str) -> _Memo:
        async with gate:
            return await _read_memo(client, memo_id)

    memos = await asyncio.gather(*(read(m) for m in memo_ids))
    streams = await asyncio.to_thread(_stored_seqs, engine)
    counts.events = sum(len(s) for s in streams.values())
    recorded: Counter[str] = Counter()
    for memo in memos:
        memo_id = memo.state.memo_id
        _check_stream(counts, memo_id, streams.pop(memo_id, []), memo.state.event_seq)
        for number, counter in memo.rec_seq.items():
            stream = f"{memo_id}/{number}"
            _check_stream(counts, stream, streams.pop(stream, []), counter)
        recorded.update(memo.notice_keys)
        wrong = await asyncio.to_thread(_drift, engine, memo)
        counts.drift += bool(wrong)
        for line in wrong:
            counts.note(f"drift: {line}")
    for stream, stored in streams.items():  # events of no workflow of the phase
        _check_stream(counts, stream, stored, 0)
    for key, tried in (await asyncio.to_thread(retrying_notices, engine)).items():
        counts.notices_retrying += 1
        counts.note(f"notice still retrying after {tried} logged attempts: {key}")
    counts.attempts = await asyncio.to_thread(_attempt_outcomes, engine)
    accepted = receiver.accepted_keys()
    counts.notices = len(accepted)
    for key, attempts in accepted.items():
        times = len(attempts)
        if times > 1:
            logged = await asyncio.to_thread(_attempts_logged, engine, key)
            explained = min(times - 1, sum(o == "unknown" for _, o, _ in logged))
            counts.resent_after_lost_attempt += explained
            counts.notices_duplicated += times - 1 - explained
            counts.note(f"notice accepted {times} times (attempts {', '.join(attempts)}; "
                        f"delivery log: {_described(logged)}): {key}")
        if key not in recorded:
            counts.notices_unrecorded += 1
            counts.note(f"notice accepted but recorded by no workflow: {key}")
    for key, times in recorded.items():
        if key not in accepted:
            counts.notices_lost += 1
            counts.note(f"notice recorded as delivered, never accepted: {key}")
        if times > 1:
            counts.note(f"notice recorded {times} times by its workflow: {key}")
    return counts
