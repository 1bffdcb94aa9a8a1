"""Record linkage: match keys and profiles, suggested pairs, and human decisions on them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracing.db import Base, utcnow
from tracing.models.org import User
from tracing.models.types import UTCDateTime, append_only, enum_column

if TYPE_CHECKING:
    from tracing.models.person import PersonRecord


class MatchKey(Base):
    """One blocking key of a record, as a 64-bit hash: candidates share at least one.

    Looked up only by key: a record's own keys are listed in its profile
    (``MatchProfile.key_hashes``), so the table has no index by record, nor the foreign
    key whose deletes would need one. Each would be a second tree to write per row, and a
    rebuild writes 34 million rows at a million records: without them its key writes took
    301 s instead of 437 s. ``linking`` keeps the two in step, and the rebuild mends them.
    """

    __tablename__ = "match_keys"
    # Lookups go key → records, so the key leads the primary key and answers them from the
    # index alone; SQLite stores the table as that index (WITHOUT ROWID), not beside it.
    __table_args__ = ({"sqlite_with_rowid": False},)

    key_hash: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    record_id: Mapped[int] = mapped_column(primary_key=True)


class MatchProfile(Base):
    """What the matcher sees of a record, kept in step with it in the same transaction.

    ``material_hash`` changes only when a field the matcher uses changes, which is what
    "changed materially" means for rejected pairs. ``group_id`` is the smallest record id
    among records confirmed to be the same person, so a linked group is considered once.
    """

    __tablename__ = "match_profiles"

    record_id: Mapped[int] = mapped_column(
        sa.ForeignKey("person_records.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(index=True)
    matcher_version: Mapped[str] = mapped_column(sa.String(32))
    material_hash: Mapped[str] = mapped_column(sa.String(32))
    profile: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    # the record's rows in match_keys (linking.pack_keys): found here, not by a scan
    key_hashes: Mapped[bytes] = mapped_column(sa.LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class SuggestionStatus(StrEnum):
    OPEN = "open"
    UNSURE = "unsure"  # looked at, undecided: stays in the queue
    AWAITING_SECOND = "awaiting_second"  # confirmed once; a second caseworker must approve
    DISPUTED = "disputed"  # the second caseworker disagreed: back in the queue
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


QUEUE_STATUSES = (
    SuggestionStatus.OPEN,
    SuggestionStatus.UNSURE,
    SuggestionStatus.AWAITING_SECOND,
    SuggestionStatus.DISPUTED,
)


class Suggestion(Base):
    """A pair of records the matcher thinks may be one person, with its evidence."""

    __tablename__ = "suggestions"
    __table_args__ = (
        sa.UniqueConstraint("left_id", "right_id"),
        sa.CheckConstraint("left_id < right_id", name="ordered_pair"),
        sa.Index("ix_suggestions_queue", "status", "is_child", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    left_id: Mapped[int] = mapped_column(
        sa.ForeignKey("person_records.id", ondelete="CASCADE"), index=True
    )
    right_id: Mapped[int] = mapped_column(
        sa.ForeignKey("person_records.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column(sa.Float)
    band: Mapped[str] = mapped_column(sa.String(16))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    matcher_version: Mapped[str] = mapped_column(sa.String(32))
    status: Mapped[SuggestionStatus] = enum_column(SuggestionStatus, default=SuggestionStatus.OPEN)
    # The records' material state when last scored: a rejection holds while these hold.
    left_hash: Mapped[str] = mapped_column(sa.String(32))
    right_hash: Mapped[str] = mapped_column(sa.String(32))
    # Urgency: children first, then the longest-waiting report.
    is_child: Mapped[bool] = mapped_column(default=False)
    waiting_since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    left: Mapped[PersonRecord] = relationship(foreign_keys=[left_id])
    right: Mapped[PersonRecord] = relationship(foreign_keys=[right_id])
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="suggestion", order_by="Decision.id", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own API

    def other(self, record_id: int) -> PersonRecord:
        return self.right if record_id == self.left_id else self.left


class Verdict(StrEnum):
    CONFIRM = "confirm"
    REJECT = "reject"
    UNSURE = "unsure"
    APPROVE = "approve"  # the second caseworker agrees with a confirmation
    DISAGREE = "disagree"  # the second caseworker does not
    UNDO = "undo"


class RejectReason(StrEnum):
    DIFFERENT_BIRTH_DATE = "different_birth_date"
    DIFFERENT_PARENTS = "different_parents"
    SIBLING = "sibling"
    NAMESAKE = "namesake"
    OTHER = "other"


@append_only
class Decision(Base):
    """One caseworker's judgement on a suggestion; the history is never rewritten."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("suggestions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    verdict: Mapped[Verdict] = enum_column(Verdict)
    reason: Mapped[RejectReason | None] = enum_column(RejectReason, nullable=True)
    note: Mapped[str | None] = mapped_column(sa.Text)
    # The status the suggestion had before this decision (what an undo goes back to).
    previous_status: Mapped[SuggestionStatus] = enum_column(SuggestionStatus)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    suggestion: Mapped[Suggestion] = relationship(back_populates="decisions")
    user: Mapped[User] = relationship()


class MatchRun(Base):
    """Progress of a `match rebuild`, so an interrupted run resumes where it stopped."""

    __tablename__ = "match_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    matcher_version: Mapped[str] = mapped_column(sa.String(32))
    phase: Mapped[str] = mapped_column(sa.String(16))  # "keys", "pairs", "done"
    last_record_id: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
