"""Writing the audit trail inside the caller's transaction."""

from __future__ import annotations

from flask_login import current_user

from tracing.db import db
from tracing.models import ApiToken, AuditEvent, AuditTag, User


def audit(
    tag: AuditTag,
    obj: object | None = None,
    *,
    actor: User | None = None,
    token: ApiToken | None = None,
    detail: str | None = None,
) -> AuditEvent:
    """Record that ``actor`` (default: the logged-in user) or an API ``token`` did ``tag``
    to ``obj``."""
    if actor is None and token is None and current_user and current_user.is_authenticated:
        actor = current_user._get_current_object()
    org_id = actor.org_id if actor else token.org_id if token else None
    event = AuditEvent(
        tag=tag,
        actor_id=actor.id if actor else None,
        actor_org_id=org_id,
        actor_token_id=token.id if token else None,
        object_type=type(obj).__tablename__ if obj is not None else None,  # type: ignore[attr-defined]
        object_id=getattr(obj, "id", None),
        detail=detail,
    )
    db.session.add(event)
    db.session.flush()
    return event
