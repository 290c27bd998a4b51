"""Forged-request protection for the dashboard's forms.

Every form carries a token derived from the signed-in session: an HMAC-SHA256 of a fixed
label keyed by the session cookie's value. A page of this site can put it in the form;
another site can neither read the HttpOnly, SameSite=Strict cookie nor compute the
token. A POST must also prove it comes from this origin (its `Origin`, or without one its
`Referer`). Either check failing refuses the request with 403, before any field is read
into an action, so nothing changes.
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request

from api.dashboard.session import COOKIE, proven_same_origin

FIELD = "csrf_token"
_LABEL = b"rectrack-dashboard-form-v1"


def csrf_token(request: Request) -> str:
    """The form token of the request's session ("" when not signed in)."""
    session = request.cookies.get(COOKIE, "")
    if not session:
        return ""
    return hmac.new(session.encode("utf-8"), _LABEL, hashlib.sha256).hexdigest()


def refusal(request: Request, fields: dict[str, str]) -> str | None:
    """Why a form POST is refused, or None when it is this site's own, for this session."""
    if not proven_same_origin(request):
        return ("refused: the form must be sent from this site (an Origin or Referer "
                "header of this origin)")
    expected = csrf_token(request)
    if not expected or not hmac.compare_digest(fields.get(FIELD, ""), expected):
        return "refused: the form's security token is missing or does not match your session"
    return None
