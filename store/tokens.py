"""API bearer tokens: the `api_token` table and its keyword-only CRUD.

A token is shown once, when it is created; the store keeps only its SHA-256 hash, so a
leaked database gives no usable token. A revoked token stays in the table (with
`revoked_at`) for the record; `authenticate` refuses it from the moment it is revoked.

Roles: `office` (everything), `agency` (bound to one component), `manager` (read only).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime
from enum import StrEnum

from sqlmodel import Field, Session, SQLModel, col, select

from store.db import UTCDateTime

TOKEN_PREFIX = "rectrack_"
TOKEN_PATTERN = re.compile(r"^rectrack_[A-Za-z0-9_-]{43}$")


class Role(StrEnum):
    OFFICE = "office"
    AGENCY = "agency"
    MANAGER = "manager"


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ApiTokenBase(SQLModel):
    name: str = Field(max_length=200)
    role: str = Field(max_length=16)  # Role
    component: str | None = Field(default=None, max_length=200)  # agency tokens only
    created_at: datetime = Field(default_factory=_utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ApiToken(ApiTokenBase, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)


class ApiTokenPublic(ApiTokenBase):
    """A token as listed: never its hash, never the token itself."""

    id: int

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def well_formed(token: str) -> bool:
    return TOKEN_PATTERN.fullmatch(token) is not None


def create_token(session: Session, *, name: str, role: Role | str,
                 component: str | None = None) -> tuple[ApiTokenPublic, str]:
    """Store a new token; returns its record and the token itself (shown once).

    Raises ValueError naming the field for a bad role, a missing name, an agency token
    without a component or another role with one.
    """
    try:
        role = Role(role)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise ValueError(f"role: must be one of {roles}, not {role!r}") from None
    name = name.strip()
    if not name:
        raise ValueError("name: must not be empty")
    component = component.strip() if component is not None else None
    if role is Role.AGENCY and not component:
        raise ValueError("component: an agency token must be bound to a component")
    if role is not Role.AGENCY and component:
        raise ValueError(f"component: only agency tokens are bound to a component, "
                         f"not {role.value} tokens")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(name=name, role=role.value, component=component or None,
                   token_hash=hash_token(token))
    session.add(row)
    session.commit()
    session.refresh(row)
    return ApiTokenPublic.model_validate(row), token


def revoke_token(session: Session, *, token_id: int) -> ApiTokenPublic | None:
    """Revoke a token at once; None if there is no such token. Revoking twice keeps the
    first revocation time."""
    row = session.get(ApiToken, token_id)
    if row is None:
        return None
    if row.revoked_at is None:
        row.revoked_at = _utcnow()
        session.add(row)
        session.commit()
        session.refresh(row)
    return ApiTokenPublic.model_validate(row)


def list_tokens(session: Session, *, include_revoked: bool = True) -> list[ApiTokenPublic]:
    query = select(ApiToken).order_by(col(ApiToken.id))
    if not include_revoked:
        query = query.where(col(ApiToken.revoked_at).is_(None))
    return [ApiTokenPublic.model_validate(row) for row in session.exec(query)]


def authenticate(session: Session, *, token: str) -> ApiTokenPublic | None:
    """The active token record for `token`; None if malformed, unknown or revoked."""
    if not well_formed(token):
        return None
    row = session.exec(
        select(ApiToken).where(ApiToken.token_hash == hash_token(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    return ApiTokenPublic.model_validate(row)
