"""Case work on records: scoped lookups, the timeline, notes, statuses and stages."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracing.db import db
from tracing.models import (
    AlternateName,
    AuditTag,
    CaseEvent,
    CaseStage,
    Circumstances,
    EventKind,
    NameKind,
    NameSource,
    Organization,
    PersonRecord,
    PfifStatus,
    RecordKind,
    RecordRevision,
    RevisionAction,
    Sex,
    Suggestion,
    User,
)
from tracing.partial_dates import parse_iso
from tracing.services.audit import audit
from tracing.services.visibility import visible_to


@dataclass(frozen=True)
class RecordFilters:
    kind: RecordKind | None = None
    circumstances: Circumstances | None = None
    stage: CaseStage | None = None
    created_from: date | None = None
    created_to: date | None = None


def visible_records(user: User) -> sa.Select[PersonRecord]:
    """Records this user may see: their organisation's, and other verified organisations'
    records whose sharing consent allows it."""
    return (
        sa.select(PersonRecord)
        .join(Organization, Organization.id == PersonRecord.org_id)
        .where(visible_to(user.org_id))
    )


def list_records(
    user: User, filters: RecordFilters, *, page: int = 1, per_page: int = 50
) -> tuple[list[PersonRecord], int]:
    query = sa.select(PersonRecord).where(PersonRecord.org_id == user.org_id)
    if filters.kind:
        query = query.where(PersonRecord.kind == filters.kind)
    if filters.circumstances:
        query = query.where(PersonRecord.circumstances == filters.circumstances)
    if filters.stage:
        query = query.where(PersonRecord.case_stage == filters.stage)
    if filters.created_from:
        start = datetime.combine(filters.created_from, time.min, tzinfo=UTC)
        query = query.where(PersonRecord.created_at >= start)
    if filters.created_to:
        end = datetime.combine(filters.created_to, time.max, tzinfo=UTC)
        query = query.where(PersonRecord.created_at <= end)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(PersonRecord.created_at.desc(), PersonRecord.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    audit(AuditTag.RECORD_LIST, detail=f"page={page}")
    return list(rows), int(total)


def get_record(user: User, record_id: int) -> PersonRecord | None:
    """The record if this user may see it (None otherwise: the caller answers 404)."""
    return db.session.scalars(
        visible_records(user)
        .where(PersonRecord.id == record_id)
        .options(selectinload(PersonRecord.alternate_names), selectinload(PersonRecord.events))
    ).first()


def view_record(user: User, record_id: int) -> PersonRecord | None:
    """Fetch a record for display and write the one audit event its viewing requires."""
    record = get_record(user, record_id)
    if record is not None:
        audit(AuditTag.RECORD_VIEW, record)
    return record


def open_for_editing(record: PersonRecord) -> None:
    """The edit form shows the whole record: a view like any other, audited once."""
    audit(AuditTag.RECORD_VIEW, record, detail="edit form")


def add_note(user: User, record: PersonRecord, body: str) -> CaseEvent:
    entry = CaseEvent(
        record_id=record.id, kind=EventKind.NOTE, body=body.strip(), author_id=user.id
    )
    db.session.add(entry)
    db.session.flush()
    audit(AuditTag.RECORD_NOTE_ADD, record)
    return entry


def change_status(
    user: User, record: PersonRecord, status: PfifStatus, body: str | None = None
) -> CaseEvent:
    """Set the record's PFIF status and put the change on its timeline."""
    previous = record.pfif_status
    record.pfif_status = status
    entry = CaseEvent(
        record_id=record.id,
        kind=EventKind.STATUS,
        pfif_status=status,
        body=(body or "").strip() or None,
        author_id=user.id,
    )
    db.session.add(entry)
    db.session.flush()
    audit(AuditTag.RECORD_STATUS_CHANGE, record, detail=f"{previous}->{status}")
    return entry


class StaleRecordError(RuntimeError):
    """The record changed since the user opened it (its version moved on)."""


# What a caseworker's correction may change, as kept in the record's history.
_EDITABLE = (
    "given_name", "family_name", "patronymic", "sex", "birth_date",
    "birth_date_precision", "age_min", "age_max", "birth_place", "last_seen_place",
    "last_seen_date", "circumstances", "description", "distinguishing_marks",
    "consent_tracing", "consent_sharing",
)  # fmt: skip


def _snapshot(record: PersonRecord) -> dict[str, Any]:
    from tracing.services.exchange.writing import jsonable

    values = {name: jsonable(getattr(record, name)) for name in _EDITABLE}
    values["alternate_names"] = sorted(n.name for n in record.alternate_names)
    return values


def _apply_fields(record: PersonRecord, fields: dict[str, Any]) -> None:
    from tracing.services.linking import script_of

    for name in ("given_name", "family_name", "patronymic"):
        value = (fields.get(name) or "").strip() or None
        setattr(record, name, value if name != "given_name" else value or "")
        setattr(record, f"{name}_script", script_of(value))
    birth = parse_iso(fields["birth"]) if fields.get("birth") else None
    record.birth_date = birth.value if birth else None
    record.birth_date_precision = birth.precision if birth else None
    seen = parse_iso(fields["last_seen_date"]) if fields.get("last_seen_date") else None
    record.last_seen_date = seen.value if seen else None
    record.last_seen_date_precision = seen.precision if seen else None
    record.age_min = int(fields["age_min"]) if fields.get("age_min") else None
    record.age_max = int(fields["age_max"]) if fields.get("age_max") else None
    record.sex = Sex(fields["sex"]) if fields.get("sex") else None
    circumstances = fields.get("circumstances")
    record.circumstances = Circumstances(circumstances) if circumstances else None
    for name in ("birth_place", "last_seen_place", "description", "distinguishing_marks"):
        setattr(record, name, (fields.get(name) or "").strip() or None)
    record.consent_tracing = bool(fields.get("consent_tracing"))
    record.consent_sharing = bool(fields.get("consent_sharing"))
    wanted = [n.strip() for n in (fields.get("other_names") or "").splitlines() if n.strip()]
    kept = [
        n for n in record.alternate_names if n.name in wanted or n.source != NameSource.CASEWORKER
    ]
    have = {n.name for n in kept}
    record.alternate_names = kept + [
        AlternateName(
            name=n, script=script_of(n), kind=NameKind.SPELLING, source=NameSource.CASEWORKER
        )
        for n in dict.fromkeys(wanted)
        if n not in have
    ]


def create_record(user: User, kind: RecordKind, fields: dict[str, Any]) -> PersonRecord:
    """A record registered by a caseworker of the user's organisation (e.g. a found child)."""
    from tracing.services import linking

    record = PersonRecord(
        kind=kind,
        org_id=user.org_id,
        source_record_id=f"cw-{secrets.token_hex(8)}",
        given_name="",
    )
    _apply_fields(record, fields)
    db.session.add(record)
    db.session.flush()
    db.session.add(CaseEvent(record_id=record.id, kind=EventKind.REPORTED, author_id=user.id))
    audit(AuditTag.RECORD_CREATE, record, detail="caseworker")
    linking.records_changed([record])
    return record


def update_record(
    user: User, record: PersonRecord, fields: dict[str, Any], *, seen_version: int
) -> None:
    """Correct a record; its match keys and suggestions follow in the same transaction."""
    from sqlalchemy.orm.exc import StaleDataError

    from tracing.services import linking

    if record.version != seen_version:
        raise StaleRecordError
    access = (record.consent_tracing, record.consent_sharing)
    before = _snapshot(record)
    _apply_fields(record, fields)
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleRecordError from None
    after = _snapshot(record)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:  # the record's history, and what a later import revert must not undo
        db.session.add(
            RecordRevision(
                record_id=record.id,
                action=RevisionAction.UPDATED,
                actor_id=user.id,
                changes=changes,
            )
        )
    audit(AuditTag.RECORD_UPDATE, record)
    # a consent change alters who may be paired with whom: re-pair even if no name changed
    linking.records_changed(
        [record], force=access != (record.consent_tracing, record.consent_sharing)
    )


def override_tracing_consent(user: User, record: PersonRecord, reason: str) -> None:
    """A supervisor lets a record without tracing consent be matched; audited, and the
    record's suggestions are computed at once."""
    from tracing.services import linking

    record.tracing_override_reason = reason.strip()
    record.tracing_override_by_id = user.id
    db.session.add(
        CaseEvent(record_id=record.id, kind=EventKind.NOTE, body=reason.strip(), author_id=user.id)
    )
    db.session.flush()
    audit(AuditTag.RECORD_CONSENT_OVERRIDE, record)
    linking.records_changed([record], force=True)


def record_suggestions(user: User, record: PersonRecord) -> list[Suggestion]:
    """Suggestions about this record that the user may see, best first."""
    from tracing.services.review import visible_suggestions

    return list(
        db.session.scalars(
            visible_suggestions(user)
            .where(sa.or_(Suggestion.left_id == record.id, Suggestion.right_id == record.id))
            .order_by(Suggestion.score.desc())
        )
    )


def timeline(record: PersonRecord) -> list[CaseEvent]:
    return sorted(record.events, key=lambda e: (e.created_at, e.id), reverse=True)


def describe_filters(args: dict[str, Any]) -> RecordFilters:
    """Filters from query-string values; unknown values are ignored, not errors."""

    def pick(enum: Any, key: str) -> Any:
        value = args.get(key)
        return enum(value) if value in enum._value2member_map_ else None

    def day(key: str) -> date | None:
        try:
            return date.fromisoformat(args.get(key, ""))
        except ValueError:
            return None

    return RecordFilters(
        kind=pick(RecordKind, "kind"),
        circumstances=pick(Circumstances, "circumstances"),
        stage=pick(CaseStage, "stage"),
        created_from=day("from"),
        created_to=day("to"),
    )
