"""The request body limit: a body larger than the domain's document limit is refused (413).

Everything a request carries goes on to Temporal, which refuses payloads over 2 MB as a
server error; the API would then answer 503 for what is the client's mistake. So bodies
are limited to `domain.limits.MAX_DOCUMENT_BYTES`, checked before anything is parsed:
from `Content-Length` when the client sends one, and by counting the bytes as they
stream in (a chunked body has no length).

The one exception is a dashboard form that carries an evidence file (multipart under
`/dashboard/`): the file is stored on disk, never sent to Temporal, so such a body may be
as large as `UPLOAD_MAX_BYTES` (the file's own limit plus room for the form).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem_response
from app.evidence_files import MAX_EVIDENCE_BYTES
from domain.limits import MAX_DOCUMENT_BYTES

UPLOAD_MAX_BYTES = MAX_EVIDENCE_BYTES + 256 * 1024


def too_large_detail(limit: int) -> str:
    return f"request body larger than the limit of {limit} bytes ({limit // 1024} KiB)"


class BodyLimit:
    """ASGI middleware: 413 problem+json for a request body over `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_DOCUMENT_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        limit = self.max_bytes
        if scope["path"].startswith("/dashboard/") and headers.get(
                b"content-type", b"").startswith(b"multipart/form-data"):
            limit = max(limit, UPLOAD_MAX_BYTES)
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                response = problem_response(400, "Content-Length is not a number")
                await response(scope, receive, send)
                return
            if int(declared) > limit:
                response = problem_response(413, too_large_detail(limit),
                                            field="body")
                await response(scope, receive, send)
                return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Handled by the app's problem handlers like any HTTP error.
                    raise HTTPException(413, too_large_detail(limit))
            return message

        await self.app(scope, counting_receive, send)
