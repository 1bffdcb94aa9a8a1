"""Family reports: turning a finished draft into a report and its children's records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from tracing.db import db
from tracing.models import (
    AlternateName,
    AuditTag,
    CaseEvent,
    Circumstances,
    EventKind,
    NameKind,
    NameSource,
    Organization,
    PersonRecord,
    RecordKind,
    Report,
    Sex,
)
from tracing.partial_dates import parse_parts
from tracing.services import linking
from tracing.services.audit import audit
from tracing.services.linking import script_of
from tracing.tokens import (
    canonical_code,
    hash_secret,
    new_access_code,
    new_reference,
    secrets_equal,
)


class IntakeError(RuntimeError):
    """The service cannot take reports (e.g. no intake organisation is configured)."""


@dataclass(frozen=True)
class FiledReport:
    report: Report
    access_code: str  # shown to the family once, never stored in clear


def _text(value: Any) -> str | None:
    text = (value or "").strip() if isinstance(value, str) else None
    return text or None


def _other_names(raw: str | None) -> list[str]:
    seen: list[str] = []
    for line in (raw or "").replace(",", "\n").replace(";", "\n").splitlines():
        name = line.strip()
        if name and name not in seen:
            seen.append(name)
    return seen


def child_record(child: dict[str, Any], *, org: Organization, source_id: str) -> PersonRecord:
    """A sought-person record from one child's answers (already validated by the forms)."""
    birth = parse_parts(
        child.get("dob_day", ""), child.get("dob_month", ""), child.get("dob_year", "")
    )
    seen = parse_parts(
        child.get("seen_day", ""), child.get("seen_month", ""), child.get("seen_year", "")
    )
    given = _text(child.get("given_name")) or ""
    family = _text(child.get("family_name"))
    patronymic = _text(child.get("patronymic"))
    sex = str(child.get("sex"))
    circumstances = str(child.get("circumstances"))
    record = PersonRecord(
        kind=RecordKind.SOUGHT,
        given_name=given,
        given_name_script=script_of(given),
        family_name=family,
        family_name_script=script_of(family),
        patronymic=patronymic,
        patronymic_script=script_of(patronymic),
        sex=Sex(sex) if sex in Sex._value2member_map_ else None,
        birth_date=birth.value if birth else None,
        birth_date_precision=birth.precision if birth else None,
        age_min=int(child["age_min"]) if not birth and child.get("age_min") else None,
        age_max=int(child["age_max"]) if not birth and child.get("age_max") else None,
        birth_place=_text(child.get("birth_place")),
        last_seen_place=_text(child.get("last_seen_place")),
        last_seen_date=seen.value if seen else None,
        last_seen_date_precision=seen.precision if seen else None,
        circumstances=(
            Circumstances(circumstances)
            if circumstances in Circumstances._value2member_map_
            else None
        ),
        description=_text(child.get("description")),
        distinguishing_marks=_text(child.get("distinguishing_marks")),
        org_id=org.id,
        source_record_id=source_id,
    )
    for name in _other_names(child.get("other_names")):
        record.alternate_names.append(
            AlternateName(
                name=name, script=script_of(name), kind=NameKind.SPELLING, source=NameSource.FAMILY
            )
        )
    return record


def _unused_reference() -> str:
    while True:
        reference = new_reference()
        taken = db.session.scalar(sa.select(Report.id).where(Report.reference == reference))
        if taken is None:
            return reference


def open_report(answers: dict[str, Any], *, language: str, org: Organization) -> FiledReport:
    """File a family's report: one Report, one sought record per child, timeline and audit."""
    reporter = answers["reporter"]
    consent = answers.get("consent", {})
    code = new_access_code()
    report = Report(
        reference=_unused_reference(),
        access_code_hash=hash_secret(canonical_code(code)),
        reporter_name=reporter["name"].strip(),
        relationship_to_child=_text(reporter.get("relationship")),
        contact_phone=_text(reporter.get("phone")),
        contact_email=_text(reporter.get("email")),
        contact_other=_text(reporter.get("other_contact")),
        preferred_language=reporter.get("language") or language,
    )
    db.session.add(report)
    db.session.flush()
    for number, child in enumerate(answers["children"], start=1):
        record = child_record(child, org=org, source_id=f"{report.reference}/{number}")
        record.report_id = report.id
        record.consent_tracing = bool(consent.get("tracing"))
        record.consent_sharing = bool(consent.get("sharing"))
        db.session.add(record)
        db.session.flush()
        db.session.add(
            CaseEvent(record_id=record.id, kind=EventKind.REPORTED, author_label="family")
        )
        audit(AuditTag.RECORD_CREATE, record, detail="family report")
    audit(AuditTag.REPORT_CREATE, report)
    linking.records_changed(list(report.children))
    return FiledReport(report=report, access_code=code)


def find_report(reference: str, code: str) -> Report | None:
    """The report if both the reference and its code are right; None otherwise (same answer)."""
    report = db.session.scalars(sa.select(Report).where(Report.reference == reference)).first()
    expected = report.access_code_hash if report else hash_secret("no such report")
    matches = secrets_equal(hash_secret(canonical_code(code)), expected)
    return report if report is not None and matches else None


def add_family_information(report: Report, record: PersonRecord, text: str) -> CaseEvent:
    if record.report_id != report.id:
        raise IntakeError("record does not belong to this report")
    entry = CaseEvent(
        record_id=record.id, kind=EventKind.FAMILY_INFO, body=text.strip(), author_label="family"
    )
    db.session.add(entry)
    db.session.flush()
    audit(AuditTag.REPORT_INFO_ADD, record)
    return entry
