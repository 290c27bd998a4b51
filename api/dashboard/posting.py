"""Reading a posted dashboard form: refused unless this site's own, for this session.

A form comes urlencoded or, when it carries an evidence file, as multipart/form-data (at
most one file, `app.evidence_files.MAX_EVIDENCE_BYTES`; the API's body limit lets these
through, see api.limits). Either way its text fields are returned as a dict (first value
per name); the file, if any, waits in the request for `upload_of`. Too large is a 413
page; a missing or wrong CSRF token or a foreign Origin a 403 page (api.dashboard.csrf),
before any action runs.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from api.dashboard.csrf import refusal
from api.dashboard.session import error_page
from api.tokens import Principal
from app.errors import AppError
from app.evidence_files import FIELD as FILE_FIELD
from app.evidence_files import MAX_EVIDENCE_BYTES

MAX_FORM_BYTES = 64 * 1024
UPLOAD_FIELDS = (FILE_FIELD, "memo_file")  # an evidence file; a memo file to issue
MAX_FIELDS = 500


async def posted_form(request: Request, who: Principal) -> dict[str, str] | Response:
    """The posted form's text fields, or the page refusing it."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=MAX_FIELDS)
        fields: dict[str, str] = {}
        try:
            for name, value in form.multi_items():
                if isinstance(value, UploadFile):
                    if name in UPLOAD_FIELDS and value.filename:
                        data = await value.read(MAX_EVIDENCE_BYTES + 1)
                        request.state.upload = (value.filename, data)
                else:
                    fields.setdefault(name, value)
        finally:
            await form.close()  # the spooled temporary files
    else:
        body = await request.body()
        if len(body) > MAX_FORM_BYTES:
            return error_page(who, 413, f"the form is larger than {MAX_FORM_BYTES} bytes")
        parsed = parse_qs(body.decode("utf-8", errors="replace"), max_num_fields=MAX_FIELDS)
        fields = {name: values[0] for name, values in parsed.items()}
    refused = refusal(request, fields)
    return error_page(who, 403, refused) if refused else fields


def upload_of(request: Request) -> tuple[str, bytes] | None:
    """The file posted with the form (its name and bytes), if any."""
    upload: tuple[str, bytes] | None = getattr(request.state, "upload", None)
    return upload


def status_of(error: AppError) -> int:
    """The HTTP status a refused form is shown with."""
    return {"Conflict": 409, "NotFound": 404, "Unavailable": 503}.get(
        type(error).__name__, 422)
