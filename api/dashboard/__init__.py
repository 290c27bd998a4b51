"""The dashboard: server-rendered pages under `/dashboard` (no front-end build step).

Sign in by pasting an API token (`rectrack token create`); the token is kept in an
HttpOnly, SameSite=Strict cookie and checked against the store on every request, so a
revoked token is sent back to the sign-in page at once. Every role may use it, and it
only reads: office and manager tokens see every component, an agency token its own.
"""

from api.dashboard.routes import router

__all__ = ["router"]
