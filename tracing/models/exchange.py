"""Record exchange: organisation API tokens, import batches, revisions and duplicate links."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracing.db import Base, utcnow
from tracing.models.org import Organization, User
from tracing.models.types import UTCDateTime, append_only, enum_column


class TokenScope(StrEnum):
    READ = "read"  # read records, the changed-since feed, suggestions, redacted exports
    WRITE = "write"  # create or update records, import files
    EXPORT = "export"  # contact details and exact locations in reads and exports


class ImportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"
    PFIF = "pfif"


class BatchStatus(StrEnum):
    PREVIEW = "preview"  # uploaded and dry-run in the admin UI, not imported yet
    QUEUED = "queued"  # too large for one request: `flask exchange run-pending` imports it
    DONE = "done"
    FAILED = "failed"
    REVERTED = "reverted"


class RevisionAction(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    REVERTED = "reverted"


class ApiToken(Base):
    """An organisation's key to the API. Only the SHA-256 of the secret is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The first characters of the token, so an admin can tell which one a client uses.
    hint: Mapped[str] = mapped_column(sa.String(16))
    # Space-separated TokenScope values.
    scopes: Mapped[str] = mapped_column(sa.String(64))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    organization: Mapped[Organization] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def scope_set(self) -> frozenset[TokenScope]:
        return frozenset(TokenScope(s) for s in self.scopes.split())

    def allows(self, scope: TokenScope) -> bool:
        return scope in self.scope_set

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.scopes}>"


class ImportBatch(Base):
    """One imported file: who sent it, what it changed, and (until imported) its bytes.

    ``active_sha256`` holds the file's hash while its import stands (queued or done), so
    the same file cannot be imported twice at once; previews and reverted batches
    release it (NULLs never clash in a unique constraint).
    """

    __tablename__ = "import_batches"
    __table_args__ = (sa.UniqueConstraint("org_id", "active_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    format: Mapped[ImportFormat] = enum_column(ImportFormat)
    filename: Mapped[str | None] = mapped_column(sa.String(255))
    file_sha256: Mapped[str] = mapped_column(sa.String(64))
    active_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    size_bytes: Mapped[int] = mapped_column(default=0)
    status: Mapped[BatchStatus] = enum_column(BatchStatus)
    # Defaults for values a file may not carry: kind, consent_tracing, consent_sharing.
    options: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # The file itself, kept only until it is imported (or the preview is abandoned).
    payload: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    row_count: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    unchanged_count: Mapped[int] = mapped_column(default=0)
    note_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    token_id: Mapped[int | None] = mapped_column(sa.ForeignKey("api_tokens.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reverted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reverted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Why a background import failed (a code, never a value from the file).
    error: Mapped[str | None] = mapped_column(sa.String(200))

    organization: Mapped[Organization] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    token: Mapped[ApiToken | None] = relationship()

    @property
    def author_label(self) -> str:
        """Who imported it: a user's name, or the API token's name."""
        if self.created_by is not None:
            return self.created_by.name
        return f"API: {self.token.name}" if self.token is not None else ""

    def __repr__(self) -> str:
        return f"<ImportBatch {self.id} {self.status}>"


@append_only
class RecordRevision(Base):
    """What one write changed on a record: ``{field: [before, after]}``."""

    __tablename__ = "record_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        sa.ForeignKey("person_records.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[RevisionAction] = enum_column(RevisionAction)
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("import_batches.id"), index=True)
    token_id: Mapped[int | None] = mapped_column(sa.ForeignKey("api_tokens.id"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    batch: Mapped[ImportBatch | None] = relationship()
    token: Mapped[ApiToken | None] = relationship()
    actor: Mapped[User | None] = relationship()


class RecordLink(Base):
    """A source's statement that two records describe the same person (PFIF's
    ``linked_person_record_id``). The target is named by its source id, and resolved to
    a record of the same organisation when that record exists; duplicate handling reads
    resolved links."""

    __tablename__ = "record_links"
    __table_args__ = (sa.UniqueConstraint("record_id", "linked_source_record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        sa.ForeignKey("person_records.id", ondelete="CASCADE"), index=True
    )
    linked_source_record_id: Mapped[str] = mapped_column(sa.String(200))
    linked_record_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person_records.id", ondelete="SET NULL"), index=True
    )
    source_note_id: Mapped[str | None] = mapped_column(sa.String(200))
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("import_batches.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
