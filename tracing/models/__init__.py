"""Typed SQLAlchemy models, one module per noun."""

from tracing.models.audit import AuditEvent, AuditTag, FailedAttempt
from tracing.models.case import CaseEvent
from tracing.models.enums import (
    CaseStage,
    Circumstances,
    DatePrecision,
    EventKind,
    NameKind,
    NameSource,
    OrgKind,
    PfifStatus,
    RecordKind,
    Role,
    Script,
    Sex,
)
from tracing.models.exchange import (
    ApiToken,
    BatchStatus,
    ImportBatch,
    ImportFormat,
    RecordLink,
    RecordRevision,
    RevisionAction,
    TokenScope,
)
from tracing.models.org import Organization, User, UserSession
from tracing.models.person import AlternateName, PersonRecord
from tracing.models.report import IntakeDraft, Report

__all__ = [
    "AlternateName",
    "ApiToken",
    "AuditEvent",
    "AuditTag",
    "BatchStatus",
    "CaseEvent",
    "CaseStage",
    "Circumstances",
    "DatePrecision",
    "EventKind",
    "FailedAttempt",
    "ImportBatch",
    "ImportFormat",
    "IntakeDraft",
    "NameKind",
    "NameSource",
    "OrgKind",
    "Organization",
    "PersonRecord",
    "PfifStatus",
    "RecordKind",
    "RecordLink",
    "RecordRevision",
    "Report",
    "RevisionAction",
    "Role",
    "Script",
    "Sex",
    "TokenScope",
    "User",
    "UserSession",
]
