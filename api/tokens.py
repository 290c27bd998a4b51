"""Bearer-token authentication and role checks, as FastAPI dependencies.

Each request looks its token up in the store (by SHA-256 hash), so a revocation takes
effect on the very next request. What each role may do:

| role      | read                          | change                                        |
|-----------|-------------------------------|-----------------------------------------------|
| `office`  | everything, reports           | everything                                    |
| `agency`  | its component's memos (others | responses, action plans, status updates and   |
|           | are 404), its reports         | extension requests, on its component's memos  |
| `manager` | everything, reports           | nothing (403)                                 |
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.context import context_of
from api.problems import ProblemError
from store.tokens import Role, authenticate, well_formed

bearer = HTTPBearer(auto_error=False, scheme_name="bearer",
                    description="A token from `rectrack token create` (office, agency or "
                                "manager)")
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="rectrack"'}


@dataclass(frozen=True)
class Principal:
    token_id: int
    name: str
    role: Role
    component: str | None

    def may_see(self, component: str) -> bool:
        return self.role is not Role.AGENCY or self.component == component


def _unauthorized(detail: str) -> ProblemError:
    return ProblemError(401, detail, slug="unauthorized", headers=CHALLENGE)


def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """Who is calling: 401 for a missing, malformed, unknown or revoked token."""
    if credentials is None:
        raise _unauthorized("missing bearer token (Authorization: Bearer <token>)")
    token = credentials.credentials.strip()
    if not well_formed(token):
        raise _unauthorized("malformed bearer token")
    with context_of(request).session() as session:
        record = authenticate(session, token=token)
    if record is None:
        raise _unauthorized("unknown or revoked bearer token")
    return Principal(token_id=record.id, name=record.name, role=Role(record.role),
                     component=record.component)


CurrentPrincipal = Annotated[Principal, Depends(principal)]


def allow(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency letting only `roles` through (403 for the others)."""
    names = " or ".join(r.value for r in roles)

    async def check(who: CurrentPrincipal) -> Principal:
        if who.role not in roles:
            raise ProblemError(403, f"a {who.role.value} token may not do this (needs "
                                    f"{names})")
        return who

    return check


def component_filter(who: Principal, component: str | None) -> str | None:
    """The component a read is limited to: an agency's own (403 if it asks for another)."""
    if who.role is not Role.AGENCY:
        return component
    if component is not None and component != who.component:
        raise ProblemError(403, f"an agency token for {who.component} may not read "
                                f"{component}'s data", field="component")
    return who.component


Readers = (Role.OFFICE, Role.MANAGER, Role.AGENCY)
Office = (Role.OFFICE,)
OfficeOrAgency = (Role.OFFICE, Role.AGENCY)
