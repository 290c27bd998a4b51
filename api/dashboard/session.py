"""Sign-in by cookie, page rendering and the headers every dashboard response carries."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from api.context import context_of
from api.tokens import Principal
from settings import Settings
from store.tokens import Role, authenticate

PREFIX = "/dashboard"
LOGIN = f"{PREFIX}/login"
COOKIE = "rectrack_dashboard"
HERE = Path(__file__).resolve().parent
MAX_FORM_BYTES = 4096
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def secured(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    return response


def page(name: str, status: int = 200, **context: Any) -> Response:
    """The template `name` rendered (autoescaped) as an HTML response."""
    html = templates.get_template(name).render(prefix=PREFIX, **context)
    return secured(HTMLResponse(html, status_code=status))


def error_page(who: Principal | None, status: int, detail: str) -> Response:
    return page("error.html", status, who=who, code=status, detail=detail)


def workflow_url(workflow_id: str) -> str:
    """The workflow's page in the Temporal UI (RECTRACK_TEMPORAL_UI_URL, and the namespace
    of RECTRACK_TEMPORAL_NAMESPACE or TEMPORAL_NAMESPACE; see settings.Settings)."""
    settings = Settings()
    return (f"{settings.temporal_ui_url.rstrip('/')}/namespaces/"
            f"{quote(settings.temporal_namespace, safe='')}/workflows/"
            f"{quote(workflow_id, safe='')}")


# -- who is signed in ---------------------------------------------------------------------


def principal_of(request: Request, token: str) -> Principal | None:
    """The active token's principal, read from the store now (so revocation is immediate)."""
    with context_of(request).session() as session:
        record = authenticate(session, token=token.strip())
    if record is None:
        return None
    return Principal(token_id=record.id, name=record.name, role=Role(record.role),
                     component=record.component)


def signed_in(request: Request) -> Principal | None:
    token = request.cookies.get(COOKIE)
    return principal_of(request, token) if token else None


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a dashboard path of this site, else the dashboard."""
    if not target or len(target) > 2000:
        return PREFIX
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//") or "\\" in target:
        return PREFIX
    if parts.path != PREFIX and not parts.path.startswith(PREFIX + "/"):
        return PREFIX
    if parts.path in (LOGIN, f"{PREFIX}/logout"):
        return PREFIX
    return target


def to_login(request: Request) -> Response:
    """Back to the sign-in page, forgetting any (stale) cookie; GETs come back after."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = LOGIN
    if request.method == "GET" and safe_next(target) != PREFIX:
        location += "?next=" + quote(target, safe="")
    response = RedirectResponse(location, status_code=303)
    forget(response)
    return secured(response)


def remember(request: Request, response: Response, token: str) -> None:
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path=PREFIX,
                        secure=request.url.scheme == "https")


def forget(response: Response) -> None:
    response.delete_cookie(COOKIE, path=PREFIX, httponly=True, samesite="strict")


def same_origin(request: Request) -> bool:
    """A form POST from this site (or one without an Origin header, as old clients send)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    parts = urlsplit(origin)
    return parts.netloc == host and parts.scheme in ("http", "https")


def own_origin(request: Request) -> str:
    """This request's own origin, `scheme://host[:port]`, as a browser would send it."""
    return f"{request.url.scheme}://{request.headers.get('host', '')}"


def proven_same_origin(request: Request) -> bool:
    """A request that proves it comes from this site: its `Origin` header is the
    request's own origin or, without one, its `Referer` is a page of this origin.
    Neither header, `Origin: null` or another site's: not proven (sign-in needs it)."""
    mine = own_origin(request)
    origin = request.headers.get("origin")
    if origin is not None:
        return origin == mine
    referer = request.headers.get("referer")
    return referer is not None and (referer == mine or referer.startswith(mine + "/"))


async def form_fields(request: Request) -> dict[str, str]:
    """An application/x-www-form-urlencoded body (small) as its first value per name."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    fields = parse_qs(body.decode("utf-8", errors="replace"), max_num_fields=10)
    return {name: values[0] for name, values in fields.items()}
