"""A notice accepted by the receiver is never posted again, whatever the store does.

The receiver breaks the store (a trigger makes every insert into the delivery log fail)
the moment it accepts a notice, and mends it a few seconds later: writing the delivery
row fails and is retried meanwhile. Before `notice-once-v1` that retry posted the
notice a second time; now the outcome is in workflow history before the store is
touched. (`tests/faults` does the same with real SQLite write locks held for longer than
the busy timeout.)
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from store.tables import Delivery
from tests.helpers import http_server
from tests.integration.support import Stack, eventually, write_memo

STORE_AWAY_SECONDS = 4.0
ZONES = ("Pacific/Kiritimati", "Asia/Tokyo", "Europe/Berlin", "America/New_York",
         "America/Los_Angeles", "Pacific/Honolulu")


class Receiver:
    """Counts accepted POSTs per Idempotency-Key; on the first one, breaks the store."""

    def __init__(self, store_file: Path) -> None:
        self.store_file = store_file
        self.accepted: dict[str, int] = {}
        self.store_back = threading.Event()
        self._lock = threading.Lock()

    def accept(self, key: str) -> None:
        with self._lock:
            first = not self.accepted
            self.accepted[key] = self.accepted.get(key, 0) + 1
        if first:
            self._execute("CREATE TRIGGER store_down BEFORE INSERT ON delivery "
                          "BEGIN SELECT RAISE(ABORT, 'the store is down'); END")
            threading.Timer(STORE_AWAY_SECONDS, self._mend).start()

    def _mend(self) -> None:
        self._execute("DROP TRIGGER store_down")
        self.store_back.set()

    def _execute(self, statement: str) -> None:
        with sqlite3.connect(self.store_file, timeout=30) as conn:
            conn.execute(statement)


@pytest.fixture
def receiver(stack: Stack) -> Iterator[tuple[Receiver, str]]:
    store_file = Path(stack.settings.db_url.removeprefix("sqlite:///"))
    receiver = Receiver(store_file)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            receiver.accept(self.headers["Idempotency-Key"])
            body = json.dumps({"ok": True}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    try:
        with http_server(Handler) as server:
            yield receiver, f"http://127.0.0.1:{server.server_address[1]}/notices"
    finally:
        receiver.store_back.wait(STORE_AWAY_SECONDS + 5)


def zone_past_notice_hour() -> tuple[str, datetime]:
    """An office time zone where today's 09:00 notice hour has passed (there always is)."""
    now = datetime.now(UTC)
    for zone in ZONES:
        local = now.astimezone(ZoneInfo(zone))
        if 10 <= local.hour <= 22:
            return zone, local
    raise AssertionError(f"no zone among {ZONES} is between 10:00 and 22:59 at {now}")


async def test_a_notice_accepted_while_the_store_fails_is_posted_once(
        stack: Stack, tmp_path: Path, memo_id: str,
        receiver: tuple[Receiver, str]) -> None:
    hub, url = receiver
    zone, local = zone_past_notice_hour()
    today = local.date()
    path = write_memo(
        tmp_path, memo_id, issued_on=today.isoformat(),
        response_due_on=(today + timedelta(days=1)).isoformat(), time_zone=zone,
        ladder={"days_before": [1]},
        contacts={"component": {"name": "Liaison", "webhook": url}})
    await stack.issue(path)
    key = f"{memo_id}/reminder:{today.isoformat()}/component"

    async def notice_recorded() -> bool:
        state = await stack.live_state(memo_id)
        return any(n.key == f"reminder:{today.isoformat()}" for n in state.notices)

    await eventually(notice_recorded, "the reminder recorded in the memo's state",
                     within=STORE_AWAY_SECONDS + 30)
    assert hub.store_back.is_set()
    assert hub.accepted == {key: 1}
    with Session(stack.engine) as session:
        rows = session.exec(select(Delivery).where(Delivery.idempotency_key == key)).all()
    assert [(r.attempt, r.outcome, r.status_code, r.attempt_key) for r in rows] == [
        (1, "delivered", 200, f"{key}#1")]

    # The memo's state holds the notice before its notice_sent event reaches the store
    # (the workflow adopts a change, then records it): wait for the event, then count.
    async def event_recorded() -> bool:
        return any(e.kind == "notice_sent" for e in stack.events(memo_id))

    await eventually(event_recorded, "the notice_sent event in the store", within=30)
    sent = [e for e in stack.events(memo_id) if e.kind == "notice_sent"]
    assert len(sent) == 1 and sent[0].data["delivered"] is True
