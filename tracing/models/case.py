"""The append-only timeline of a record: notes, status and stage changes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracing.db import Base, utcnow
from tracing.models.enums import CaseStage, EventKind, PfifStatus
from tracing.models.org import User
from tracing.models.types import UTCDateTime, append_only, enum_column

if TYPE_CHECKING:
    from tracing.models.person import PersonRecord


@append_only
class CaseEvent(Base):
    """One entry on a record's timeline. Never updated, never deleted."""

    __tablename__ = "case_events"
    # An imported PFIF note is added once per record, however often its file comes.
    __table_args__ = (sa.UniqueConstraint("record_id", "source_note_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        sa.ForeignKey("person_records.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EventKind] = enum_column(EventKind)
    body: Mapped[str | None] = mapped_column(sa.Text)
    pfif_status: Mapped[PfifStatus | None] = enum_column(PfifStatus, nullable=True)
    stage: Mapped[CaseStage | None] = enum_column(CaseStage, nullable=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # For "linked" entries: the other record confirmed to be the same person.
    related_record_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person_records.id", ondelete="SET NULL")
    )
    # Who wrote it when not a user: "family", or an importing organisation's author name.
    author_label: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Imported notes: the source's note id and date, the batch, and the PFIF note fields
    # with no column of their own (contacts, location, photo, author_made_contact, link).
    source_note_id: Mapped[str | None] = mapped_column(sa.String(200))
    source_date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    import_batch_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("import_batches.id"), index=True
    )
    pfif_details: Mapped[dict[str, str] | None] = mapped_column(sa.JSON)

    record: Mapped[PersonRecord] = relationship(back_populates="events", foreign_keys=[record_id])
    author: Mapped[User | None] = relationship()
