"""Append-only audit trail, and the failed-attempt log behind public rate limits."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracing.db import Base, utcnow
from tracing.models.types import UTCDateTime, append_only, enum_column


class AuditTag(StrEnum):
    """What happened, as `noun:verb` tags (warehouse's habit)."""

    RECORD_VIEW = "record:view"
    RECORD_CREATE = "record:create"
    RECORD_UPDATE = "record:update"
    RECORD_NOTE_ADD = "record:note:add"
    RECORD_STATUS_CHANGE = "record:status:change"
    RECORD_LIST = "record:list"
    RECORD_SEARCH = "record:search"
    RECORD_STAGE_CHANGE = "record:stage:change"
    RECORD_CONSENT_OVERRIDE = "record:consent:override"
    SUGGESTION_LIST = "suggestion:list"
    SUGGESTION_VIEW = "suggestion:view"
    SUGGESTION_DECIDE = "suggestion:decide"
    REPORT_CREATE = "report:create"
    REPORT_STATUS_VIEW = "report:status:view"
    REPORT_INFO_ADD = "report:info:add"
    USER_LOGIN = "user:login"
    USER_LOGIN_FAILED = "user:login:failed"
    USER_LOGOUT = "user:logout"
    USER_CREATE = "user:create"
    RECORD_IMPORT = "record:import"
    RECORD_EXPORT = "record:export"
    IMPORT_REVERT = "import:revert"
    TOKEN_CREATE = "token:create"  # noqa: S105 - an audit tag, not a secret
    TOKEN_REVOKE = "token:revoke"  # noqa: S105 - an audit tag, not a secret
    API_RECORD_READ = "api:record:read"
    API_RECORD_LIST = "api:record:list"
    API_SUGGESTION_LIST = "api:suggestion:list"


@append_only
class AuditEvent(Base):
    """Who did what to which object, when, and for which organisation."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    tag: Mapped[AuditTag] = enum_column(AuditTag)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    actor_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    # Set when an organisation's API token acted (the API has no signed-in user).
    actor_token_id: Mapped[int | None] = mapped_column(sa.ForeignKey("api_tokens.id"))
    object_type: Mapped[str | None] = mapped_column(sa.String(32))
    object_id: Mapped[int | None] = mapped_column()
    # Short machine-readable context; never personal data.
    detail: Mapped[str | None] = mapped_column(sa.String(500))


class FailedAttempt(Base):
    """A failed guess at a public secret, keyed by a keyed hash (never the raw value)."""

    __tablename__ = "failed_attempts"
    __table_args__ = (sa.Index("ix_failed_attempts_key_time", "key", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
