"""A person as one source describes them, with every other name they are known by."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracing.db import Base, utcnow
from tracing.models.enums import (
    CaseStage,
    Circumstances,
    ClosedReason,
    DatePrecision,
    NameKind,
    NameSource,
    PfifStatus,
    RecordKind,
    Script,
    Sex,
)
from tracing.models.org import Organization
from tracing.models.types import UTCDateTime, enum_column

if TYPE_CHECKING:
    from tracing.models.case import CaseEvent
    from tracing.models.exchange import ImportBatch, RecordRevision
    from tracing.models.report import Report


class PersonRecord(Base):
    """One person as one source describes them.

    Names are stored exactly as typed, each with the script it was written in; the
    matcher works on its own normalised forms and never rewrites these.
    """

    __tablename__ = "person_records"
    __table_args__ = (
        sa.UniqueConstraint("org_id", "source_record_id"),
        sa.Index("ix_person_records_org_kind_stage", "org_id", "kind", "case_stage"),
        # The exchange feed: an organisation's records by entry date (updated_at).
        sa.Index("ix_person_records_org_updated", "org_id", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RecordKind] = enum_column(RecordKind)

    given_name: Mapped[str] = mapped_column(sa.String(200))
    given_name_script: Mapped[Script | None] = enum_column(Script, nullable=True)
    family_name: Mapped[str | None] = mapped_column(sa.String(200))
    family_name_script: Mapped[Script | None] = enum_column(Script, nullable=True)
    patronymic: Mapped[str | None] = mapped_column(sa.String(200))
    patronymic_script: Mapped[Script | None] = enum_column(Script, nullable=True)

    sex: Mapped[Sex | None] = enum_column(Sex, nullable=True)
    birth_date: Mapped[date | None] = mapped_column(sa.Date)
    birth_date_precision: Mapped[DatePrecision | None] = enum_column(DatePrecision, nullable=True)
    # An age range as reported, for when no birth date is known; relative to source_date.
    age_min: Mapped[int | None] = mapped_column(sa.SmallInteger)
    age_max: Mapped[int | None] = mapped_column(sa.SmallInteger)
    birth_place: Mapped[str | None] = mapped_column(sa.String(300))

    last_seen_place: Mapped[str | None] = mapped_column(sa.String(300))
    last_seen_date: Mapped[date | None] = mapped_column(sa.Date)
    last_seen_date_precision: Mapped[DatePrecision | None] = enum_column(
        DatePrecision, nullable=True
    )
    circumstances: Mapped[Circumstances | None] = enum_column(Circumstances, nullable=True)
    description: Mapped[str | None] = mapped_column(sa.Text)
    distinguishing_marks: Mapped[str | None] = mapped_column(sa.Text)

    # Provenance: who holds this record and under which id of their own.
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    source_record_id: Mapped[str] = mapped_column(sa.String(200))
    source_date: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    report_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("reports.id", ondelete="SET NULL"), index=True
    )
    # The import that last wrote this record (its author and time are on the batch).
    import_batch_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("import_batches.id", ondelete="SET NULL"), index=True
    )
    # PFIF fields a source may send, kept so exchange loses nothing.
    source_name: Mapped[str | None] = mapped_column(sa.String(200))
    source_url: Mapped[str | None] = mapped_column(sa.String(500))
    author_name: Mapped[str | None] = mapped_column(sa.String(200))
    author_email: Mapped[str | None] = mapped_column(sa.String(254))
    author_phone: Mapped[str | None] = mapped_column(sa.String(64))
    home_street: Mapped[str | None] = mapped_column(sa.String(300))
    home_neighborhood: Mapped[str | None] = mapped_column(sa.String(200))
    home_city: Mapped[str | None] = mapped_column(sa.String(200))
    home_state: Mapped[str | None] = mapped_column(sa.String(200))
    home_postal_code: Mapped[str | None] = mapped_column(sa.String(32))
    home_country: Mapped[str | None] = mapped_column(sa.String(8))
    photo_url: Mapped[str | None] = mapped_column(sa.String(500))
    profile_urls: Mapped[str | None] = mapped_column(sa.Text)  # one URL a line
    expiry_date: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consent_tracing: Mapped[bool] = mapped_column(default=False)
    consent_sharing: Mapped[bool] = mapped_column(default=False)

    case_stage: Mapped[CaseStage] = enum_column(CaseStage, default=CaseStage.REPORTED)
    closed_reason: Mapped[ClosedReason | None] = enum_column(ClosedReason, nullable=True)
    # A supervisor may let a record without tracing consent be matched, with a reason.
    tracing_override_reason: Mapped[str | None] = mapped_column(sa.Text)
    tracing_override_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    pfif_status: Mapped[PfifStatus | None] = enum_column(PfifStatus, nullable=True)

    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship()
    report: Mapped[Report | None] = relationship(back_populates="children")
    alternate_names: Mapped[list[AlternateName]] = relationship(
        back_populates="record", cascade="all, delete-orphan", order_by="AlternateName.id"
    )
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="record",
        order_by="CaseEvent.id",
        passive_deletes=True,
        foreign_keys="CaseEvent.record_id",
    )
    import_batch: Mapped[ImportBatch | None] = relationship()
    revisions: Mapped[list[RecordRevision]] = relationship(
        order_by="RecordRevision.id", viewonly=True
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own API

    @property
    def display_name(self) -> str:
        parts = [self.family_name, self.given_name, self.patronymic]
        named = " ".join(p for p in parts if p)
        # A record imported with only a PFIF full_name keeps it as an alternate name.
        full_names = (n.name for n in self.alternate_names if n.kind is NameKind.FULL_NAME)
        return named or next(full_names, "")

    def __repr__(self) -> str:
        return f"<PersonRecord {self.id} {self.kind}>"


class AlternateName(Base):
    """Another name for a record: a spelling, a former name, a diminutive; with its source."""

    __tablename__ = "alternate_names"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        sa.ForeignKey("person_records.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(300))
    script: Mapped[Script | None] = enum_column(Script, nullable=True)
    kind: Mapped[NameKind] = enum_column(NameKind, default=NameKind.SPELLING)
    source: Mapped[NameSource] = enum_column(NameSource)

    record: Mapped[PersonRecord] = relationship(back_populates="alternate_names")
