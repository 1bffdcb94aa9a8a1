"""Closed vocabularies stored as short strings (portable across SQLite and PostgreSQL)."""

from __future__ import annotations

from enum import StrEnum


class OrgKind(StrEnum):
    NGO = "ngo"
    AGENCY = "agency"
    REGISTRY = "registry"


class Role(StrEnum):
    CASEWORKER = "caseworker"
    SUPERVISOR = "supervisor"
    ORG_ADMIN = "org_admin"
    ADMIN = "admin"


class RecordKind(StrEnum):
    SOUGHT = "sought"  # reported missing by a family
    FOUND = "found"  # located or registered somewhere


class Script(StrEnum):
    CYRILLIC = "cyrillic"
    LATIN = "latin"
    MIXED = "mixed"
    OTHER = "other"


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"


class DatePrecision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


class Circumstances(StrEnum):
    DEPORTED = "deported"
    FORCIBLY_TRANSFERRED = "forcibly_transferred"
    MISSING = "missing"
    EVACUATED = "evacuated"
    SEPARATED = "separated"
    OTHER = "other"


class NameKind(StrEnum):
    SPELLING = "spelling"  # another spelling of the same name
    FORMER = "former"  # a previous name (e.g. before an adoption)
    DIMINUTIVE = "diminutive"
    DOCUMENT = "document"  # as written in a document
    FULL_NAME = "full_name"  # PFIF full_name lines
    OTHER = "other"


class NameSource(StrEnum):
    FAMILY = "family"
    CASEWORKER = "caseworker"
    IMPORT = "import"


class CaseStage(StrEnum):
    """Where a case stands; families see only a coarse version of this."""

    REPORTED = "reported"
    UNDER_REVIEW = "under_review"
    MATCH_SUGGESTED = "match_suggested"
    MATCH_CONFIRMED = "match_confirmed"
    CONTACT_ESTABLISHED = "contact_established"
    REUNIFIED = "reunified"
    CLOSED = "closed"


class ClosedReason(StrEnum):
    LOCATED_NOT_REUNIFIABLE = "located_not_reunifiable"
    BELIEVED_DEAD = "believed_dead"
    WITHDRAWN = "withdrawn"
    DUPLICATE = "duplicate"


class PfifStatus(StrEnum):
    """PFIF 1.4 note statuses."""

    INFORMATION_SOUGHT = "information_sought"
    IS_NOTE_AUTHOR = "is_note_author"
    BELIEVED_ALIVE = "believed_alive"
    BELIEVED_MISSING = "believed_missing"
    BELIEVED_DEAD = "believed_dead"


class EventKind(StrEnum):
    NOTE = "note"
    STATUS = "status"  # a PFIF status change
    STAGE = "stage"  # a case-stage change
    FAMILY_INFO = "family_info"  # added by the family on the status page
    REPORTED = "reported"  # the record was created
    LINKED = "linked"  # confirmed to be the same person as another record
