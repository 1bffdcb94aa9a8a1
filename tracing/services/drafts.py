"""Unfinished family reports, kept server-side under a random token held in the session."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from tracing.db import db, utcnow
from tracing.models import IntakeDraft
from tracing.tokens import hash_secret


def new_draft() -> tuple[str, IntakeDraft]:
    token = secrets.token_urlsafe(32)
    draft = IntakeDraft(token_hash=hash_secret(token), data={"reporter": {}, "children": []})
    db.session.add(draft)
    db.session.flush()
    return token, draft


def find_draft(token: str | None, ttl_hours: int) -> IntakeDraft | None:
    if not token:
        return None
    draft = db.session.scalars(
        sa.select(IntakeDraft).where(IntakeDraft.token_hash == hash_secret(token))
    ).first()
    if draft is None or utcnow() - draft.updated_at > timedelta(hours=ttl_hours):
        return None
    return draft


def save_draft(draft: IntakeDraft, data: dict[str, Any]) -> None:
    # A new dict object, so SQLAlchemy sees the JSON column change.
    draft.data = dict(data)
    draft.updated_at = utcnow()
    db.session.flush()


def discard_draft(token: str | None) -> None:
    if token:
        db.session.execute(
            sa.delete(IntakeDraft).where(IntakeDraft.token_hash == hash_secret(token))
        )


def purge_expired_drafts(ttl_hours: int) -> int:
    """Delete unfinished reports nobody touched for ``ttl_hours``: a family's contacts and
    a child's details are not kept longer than the form can use them."""
    cutoff = utcnow() - timedelta(hours=ttl_hours)
    result = db.session.execute(sa.delete(IntakeDraft).where(IntakeDraft.updated_at < cutoff))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
