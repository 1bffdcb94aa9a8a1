"""Typed SQLAlchemy models, one module per noun."""

from tracing.models.audit import AuditEvent, AuditTag, FailedAttempt
from tracing.models.case import CaseEvent
from tracing.models.enums import (
    CaseStage,
    Circumstances,
    ClosedReason,
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
from tracing.models.linkage import (
    QUEUE_STATUSES,
    Decision,
    MatchKey,
    MatchProfile,
    MatchRun,
    RejectReason,
    Suggestion,
    SuggestionStatus,
    Verdict,
)
from tracing.models.org import Organization, User, UserSession
from tracing.models.person import AlternateName, PersonRecord
from tracing.models.report import IntakeDraft, Report

__all__ = [
    "QUEUE_STATUSES",
    "AlternateName",
    "AuditEvent",
    "AuditTag",
    "CaseEvent",
    "CaseStage",
    "Circumstances",
    "ClosedReason",
    "DatePrecision",
    "Decision",
    "EventKind",
    "FailedAttempt",
    "IntakeDraft",
    "MatchKey",
    "MatchProfile",
    "MatchRun",
    "NameKind",
    "NameSource",
    "OrgKind",
    "Organization",
    "PersonRecord",
    "PfifStatus",
    "RecordKind",
    "RejectReason",
    "Report",
    "Role",
    "Script",
    "Sex",
    "Suggestion",
    "SuggestionStatus",
    "User",
    "UserSession",
    "Verdict",
]
