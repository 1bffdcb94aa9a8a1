"""Organisation API tokens: created and revoked by organisation admins, shown once.

A token is ``trc_`` and 256 random bits from :mod:`secrets`; only its SHA-256 is stored
(a fast hash is enough for a secret of that strength, as for sessions).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from tracing.db import db, utcnow
from tracing.models import ApiToken, AuditTag, TokenScope, User
from tracing.services.audit import audit
from tracing.tokens import hash_secret

PREFIX = "trc_"


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown to the admin once, never stored


def create_token(admin: User, name: str, scopes: set[TokenScope]) -> IssuedToken:
    secret = PREFIX + secrets.token_urlsafe(32)
    ordered = " ".join(s.value for s in TokenScope if s in scopes)
    token = ApiToken(
        org_id=admin.org_id,
        name=name.strip(),
        token_hash=hash_secret(secret),
        hint=secret[: len(PREFIX) + 4],
        scopes=ordered,
        created_by_id=admin.id,
    )
    db.session.add(token)
    db.session.flush()
    audit(AuditTag.TOKEN_CREATE, token, actor=admin, detail=f"scopes={ordered}")
    return IssuedToken(token=token, secret=secret)


def org_tokens(admin: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.org_id == admin.org_id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
        )
    )


def revoke_token(admin: User, token_id: int) -> ApiToken | None:
    """Revoke one of the admin's organisation's tokens (None if there is no such token)."""
    token = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.org_id == admin.org_id)
    ).first()
    if token is None or token.revoked_at is not None:
        return token
    token.revoked_at = utcnow()
    token.revoked_by_id = admin.id
    db.session.flush()
    audit(AuditTag.TOKEN_REVOKE, token, actor=admin)
    return token


def find_token(secret: str) -> ApiToken | None:
    """The token with this secret, revoked or not (the caller tells the two apart)."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    return db.session.scalars(
        sa.select(ApiToken).where(ApiToken.token_hash == hash_secret(secret))
    ).first()


def note_use(token_id: int) -> None:
    """Record that the token was used now (at most once a minute: it is written often)."""
    now = utcnow()
    db.session.execute(
        sa.update(ApiToken)
        .where(
            ApiToken.id == token_id,
            sa.or_(
                ApiToken.last_used_at.is_(None),
                ApiToken.last_used_at < now - timedelta(minutes=1),
            ),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
