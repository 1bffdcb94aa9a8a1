"""A family's report (one or more children sought) and unfinished drafts of one."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracing.db import Base, utcnow
from tracing.models.types import UTCDateTime

if TYPE_CHECKING:
    from tracing.models.person import PersonRecord


class Report(Base):
    """A family's submission. The reference is public; the access code is stored hashed."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(32), unique=True)
    access_code_hash: Mapped[str] = mapped_column(sa.String(64))
    reporter_name: Mapped[str] = mapped_column(sa.String(200))
    relationship_to_child: Mapped[str | None] = mapped_column(sa.String(100))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(64))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_other: Mapped[str | None] = mapped_column(sa.String(300))
    preferred_language: Mapped[str] = mapped_column(sa.String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    children: Mapped[list[PersonRecord]] = relationship(
        back_populates="report", order_by="PersonRecord.id"
    )


class IntakeDraft(Base):
    """The answers of a report still being filled in, kept on the server, not in a cookie.

    The browser holds only the random token; drafts expire (DRAFT_TTL_HOURS) and are
    deleted when the report is sent or the family uses the quick exit.
    """

    __tablename__ = "intake_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )
