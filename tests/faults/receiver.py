"""A real webhook receiver on 127.0.0.1 that the fault suite can misbehave on purpose.

Every POST is logged by its `Idempotency-Key`; the ones answered 2xx are the notices the
receiver *accepted*, and a key accepted twice is a notice delivered twice. The mode can
be switched while workers are delivering:

- `ok`: answer 200;
- `fail`: answer 500 (with `Retry-After: 2`, which the product honours);
- `hang`: read the request and never answer; the handler closes the connection without a
  response once the mode changes or the receiver stops (the client times out first);
- `refuse`: close the listening socket, so connections are refused;
- back to `ok` reopens the same port.

It is the standard library's threading HTTP server in a thread, so it needs no event
loop and keeps answering while the test's loop is busy.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

HANG_LIMIT_SECONDS = 120.0  # a hung request never outlives this (bounded, always)


class Mode(StrEnum):
    OK = "ok"
    FAIL = "fail"
    HANG = "hang"
    REFUSE = "refuse"


class Receiver:
    """The receiver's state and its server thread; a context manager that stops it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.mode = Mode.OK
        # Idempotency-Key -> the `Rectrack-Attempt` header of each POST answered 2xx.
        self.accepted: dict[str, list[str]] = defaultdict(list)
        self.answers: dict[str, int] = defaultdict(int)  # how many POSTs got which answer
        self.in_flight = 0
        self.last_post = time.monotonic()
        self._release = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self._open()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- modes ----------------------------------------------------------------------------

    def set_mode(self, mode: Mode) -> None:
        with self.lock:
            previous, self.mode = self.mode, mode
        if previous is Mode.HANG:
            self._release.set()  # hung handlers give up their connections now
        if mode is Mode.HANG:
            self._release = threading.Event()
        if mode is Mode.REFUSE and previous is not Mode.REFUSE:
            self._close()
        elif mode is not Mode.REFUSE and previous is Mode.REFUSE:
            self._open(self.port)

    def snapshot(self) -> tuple[int, int]:
        """(accepted POSTs, POSTs in flight): what quiescence watches."""
        with self.lock:
            return sum(len(v) for v in self.accepted.values()), self.in_flight

    def accepted_keys(self) -> dict[str, list[str]]:
        with self.lock:
            return {key: list(attempts) for key, attempts in self.accepted.items()}

    # -- the server -------------------------------------------------------------------------

    def _open(self, port: int = 0) -> None:
        httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        httpd.daemon_threads = True
        self.port = httpd.server_address[1]
        thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                  name=f"receiver-{self.port}", daemon=True)
        thread.start()
        self._httpd, self._thread = httpd, thread

    def _close(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(10)
        self._httpd = self._thread = None

    def stop(self) -> None:
        self._release.set()
        self._close()

    def __enter__(self) -> Receiver:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            key = self.headers.get("Idempotency-Key") or "<none>"
            attempt = self.headers.get("Rectrack-Attempt") or "?"
            with receiver.lock:
                mode = receiver.mode
                receiver.in_flight += 1
                receiver.last_post = time.monotonic()
                release = receiver._release
            try:
                self._answer(mode, key, attempt, release)
            finally:
                with receiver.lock:
                    receiver.in_flight -= 1

        def _answer(self, mode: Mode, key: str, attempt: str,
                    release: threading.Event) -> None:
            if mode is Mode.HANG:
                release.wait(HANG_LIMIT_SECONDS)
                with receiver.lock:
                    receiver.answers["hung"] += 1
                self.close_connection = True  # no response at all
                return
            code = 500 if mode is Mode.FAIL else 200
            with receiver.lock:
                receiver.answers[str(code)] += 1
                if code == 200:
                    receiver.accepted[key].append(attempt)
            body = b'{"ok": true}' if code == 200 else b'{"error": "injected"}'
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            if code == 500:
                self.send_header("Retry-After", "2")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: the counts are the record

    return Handler
