"""The codec endpoint: lets the Temporal UI show encrypted payloads to office staff.

Point the UI's "codec server" at `<api>/codec` (with "include credentials" and an
`office` token as the access token). The UI posts `{"payloads": [...]}` (Temporal's JSON
form of payloads, bytes in base64) to `/codec/decode` or `/codec/encode` and gets them
back decoded or encoded with the worker's keys (app.encryption). Only an `office` token
may use it (401 without a token, 403 for another role). Browsers may call it only from
the Temporal UI's own origin (`RECTRACK_TEMPORAL_UI_URL`): CORS answers that origin, and
no other. The routes are left out of the OpenAPI document: they serve the UI, not
clients.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from google.protobuf.json_format import MessageToDict, ParseDict, ParseError
from temporalio.api.common.v1 import Payloads

from api.context import Ctx
from api.problems import ProblemError
from api.tokens import CurrentPrincipal
from store.tokens import Role

router = APIRouter(prefix="/codec", include_in_schema=False)
OPERATIONS = ("encode", "decode")


def _cors(request: Request, ctx: Ctx, response: Response) -> Response:
    """CORS headers for the Temporal UI's origin only."""
    ui = urlsplit(ctx.settings.temporal_ui_url)
    allowed = f"{ui.scheme}://{ui.netloc}"
    if request.headers.get("origin") == allowed:
        response.headers.update({
            "Access-Control-Allow-Origin": allowed, "Vary": "Origin",
            "Access-Control-Allow-Credentials": "true",
            "Access-Control-Allow-Methods": "POST, OPTIONS",
            "Access-Control-Allow-Headers": "authorization, content-type, x-namespace"})
    return response


@router.options("/{operation}")
async def preflight(request: Request, ctx: Ctx, operation: str) -> Response:
    return _cors(request, ctx, Response(status_code=204 if operation in OPERATIONS else 404))


@router.post("/{operation}")
async def run(request: Request, ctx: Ctx, operation: str, who: CurrentPrincipal) -> Response:
    if operation not in OPERATIONS:
        raise ProblemError(404, f"unknown codec operation {operation!r}")
    if who.role is not Role.OFFICE:
        raise ProblemError(403, "only an office token may decode case data",
                           slug="forbidden")
    try:
        payloads = ParseDict(await request.json(), Payloads())
    except (ParseError, ValueError) as error:
        raise ProblemError(422, f"body: not a payloads document: {error}",
                           field="body") from None
    items = list(payloads.payloads)
    codec = ctx.data_converter.payload_codec  # None: encryption is not configured
    if codec is not None:
        items = await (codec.encode(items) if operation == "encode" else codec.decode(items))
    body: dict[str, Any] = MessageToDict(Payloads(payloads=items))
    return _cors(request, ctx, JSONResponse(body))
