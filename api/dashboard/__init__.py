"""The dashboard: server-rendered pages under `/dashboard` (no front-end build step).

Sign in by pasting an API token (`rectrack token create`); the token is kept in an
HttpOnly, SameSite=Strict cookie and checked against the store on every request, so a
revoked token is sent back to the sign-in page at once. Every role may read it: office
and manager tokens see every component, an agency token its own. Office staff and agency
liaisons also act through its forms (api.dashboard.action_routes), which run the service
layer like the CLI and the API.
"""

from fastapi import APIRouter

from api.dashboard.action_routes import router as action_router
from api.dashboard.evidence_routes import router as evidence_router
from api.dashboard.issue_routes import router as issue_router
from api.dashboard.routes import router as page_router

router = APIRouter()
router.include_router(page_router)
router.include_router(action_router)
router.include_router(issue_router)
router.include_router(evidence_router)

__all__ = ["router"]
