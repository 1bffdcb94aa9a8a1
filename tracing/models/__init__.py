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
    "ClosedReason",
    "Decision",
    "MatchKey",
    "MatchProfile",
    "MatchRun",
    "RejectReason",
    "Suggestion",
    "SuggestionStatus",
    "Verdict",
    "AlternateName",
    "AuditEvent",
    "AuditTag",
    "CaseEvent",
    "CaseStage",
    "Circumstances",
    "DatePrecision",
    "EventKind",
    "FailedAttempt",
    "IntakeDraft",
    "NameKind",
    "NameSource",
    "OrgKind",
    "Organization",
    "PersonRecord",
    "PfifStatus",
    "RecordKind",
    "Report",
    "Role",
    "Script",
    "Sex",
    "User",
    "UserSession",
]
