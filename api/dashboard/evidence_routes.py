"""Downloading an uploaded evidence file: `GET /dashboard/evidence/{sha256}`.

Only a signed-in role that may see one of the memos the file was uploaded for gets it
(office and manager: all; an agency: its own component's); anyone else, like an unknown
file, gets 404. It is always an attachment with a plain file name, its type as its bytes
showed it when stored, `nosniff` and a sandboxing CSP: never rendered inline as a page.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.context import context_of
from api.dashboard.session import PREFIX, error_page, signed_in, to_login
from app import evidence_files
from store.tables import Memo

router = APIRouter(prefix=PREFIX, include_in_schema=False)


@router.get("/evidence/{sha256}")
def download(request: Request, sha256: str) -> Response:
    who = signed_in(request)
    if who is None:
        return to_login(request)
    ctx = context_of(request)
    stored = evidence_files.find(ctx.settings.home, sha256)
    visible = False
    if stored is not None:
        with ctx.session() as session:
            components = {row.component for memo_id in stored.memo_ids
                          if (row := session.get(Memo, memo_id)) is not None}
        visible = any(who.may_see(component) for component in components)
    if stored is None or not visible:
        return error_page(who, 404, "no such evidence file")
    return Response(evidence_files.content(ctx.settings.home, sha256),
                    media_type=stored.content_type, headers={
                        "Content-Disposition": f'attachment; filename="{stored.name}"',
                        "X-Content-Type-Options": "nosniff",
                        "Content-Security-Policy": "sandbox; default-src 'none'",
                        "Cache-Control": "private, no-store"})


