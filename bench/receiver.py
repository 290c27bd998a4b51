"""A real webhook receiver on 127.0.0.1 for the reminder-burst row.

rectrack's notices and the raw baseline's POSTs both land here, and both are counted by
their `Idempotency-Key` header: a key POSTed twice is a notice delivered twice, an
expected key never POSTed is a notice lost. Every POST is answered 200 at once.

It is the standard library's threading HTTP server in a daemon thread, so it needs no
event loop and keeps answering while the benchmark's loop waits. (The fault suite has a
receiver that misbehaves on purpose, tests/faults/receiver.py; the benchmark does not
import tests, and needs only the counting.)
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


class Receiver:
    """Counts POSTs by Idempotency-Key; a context manager that stops its server."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.posts: Counter[str] = Counter()
        self.last_post = time.monotonic()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name=f"bench-receiver-{self.port}", daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def count(self, keys: Iterable[str]) -> int:
        """How many of `keys` arrived at least once."""
        with self.lock:
            return sum(1 for key in keys if self.posts[key] > 0)

    def tally(self, expected: set[str], prefix: str) -> dict[str, int]:
        """Expected, delivered once, duplicated, missing, and unexpected keys (those that
        start with `prefix` but were not expected)."""
        with self.lock:
            seen = {k: n for k, n in self.posts.items() if k.startswith(prefix)}
        return {
            "expected": len(expected),
            "delivered_once": sum(1 for k in expected if seen.get(k) == 1),
            "duplicates": sum(n - 1 for k, n in seen.items() if n > 1),
            "missing": sum(1 for k in expected if k not in seen),
            "unexpected": sum(1 for k in seen if k not in expected),
        }

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(10)

    def __enter__(self) -> Receiver:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            key = self.headers.get("Idempotency-Key") or "<none>"
            with receiver.lock:
                receiver.posts[key] += 1
                receiver.last_post = time.monotonic()
            body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: the counts are the record

    return Handler
