"""Writing checked records: create or update by the organisation's own id.

A record is updated only by a newer ``source_date`` (an older or equally old version is
kept as stored); every write leaves a revision with the fields it changed, so history
and reverts need nothing else. Notes are added once each, by their source note id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracing.db import db, utcnow
from tracing.exchange.validation import NoteData, RecordData
from tracing.models import (
    AlternateName,
    ApiToken,
    AuditTag,
    CaseEvent,
    EventKind,
    ImportBatch,
    NameKind,
    NameSource,
    Organization,
    PersonRecord,
    RecordKind,
    RecordLink,
    RecordRevision,
    RevisionAction,
    User,
)
from tracing.models.types import UTCDateTime
from tracing.services import linking
from tracing.services.audit import audit
from tracing.services.linking import script_of

_CHUNK = 500
_NAME_FIELDS = ("given_name", "family_name", "patronymic")


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class Writer:
    """Who writes, through what, and the defaults for what a file does not say."""

    org: Organization
    actor: User | None = None
    token: ApiToken | None = None
    batch: ImportBatch | None = None
    kind: RecordKind = RecordKind.SOUGHT
    consent_tracing: bool = False
    consent_sharing: bool = False

    @property
    def label(self) -> str:
        if self.batch is not None:
            return f"import #{self.batch.id}"
        return f"API: {self.token.name}" if self.token else self.org.name


@dataclass
class Plan:
    outcome: Outcome
    changes: dict[str, list[Any]] = field(default_factory=dict)
    new_notes: list[NoteData] = field(default_factory=list)
    # The stored version is as new or newer, and differs: the row was not applied.
    stale: bool = False

    @property
    def consent_changed(self) -> bool:
        """Who may be paired with the record changed: its pairs are recomputed."""
        return bool(self.changes.keys() & {"consent_tracing", "consent_sharing"})


def find_records(org_id: int, source_ids: list[str]) -> dict[str, PersonRecord]:
    found: dict[str, PersonRecord] = {}
    unique = sorted(set(source_ids))
    for start in range(0, len(unique), _CHUNK):
        rows = db.session.scalars(
            sa.select(PersonRecord)
            .where(
                PersonRecord.org_id == org_id,
                PersonRecord.source_record_id.in_(unique[start : start + _CHUNK]),
            )
            .options(selectinload(PersonRecord.alternate_names))
        )
        found.update({r.source_record_id: r for r in rows})
    return found


def own_note_id(event_id: int) -> str:
    """The note id under which this system exports a status change of its own."""
    return f"note.{event_id}"


def known_note_ids(record_ids: list[int]) -> set[tuple[int, str]]:
    """(record, note id) of every note already on these records, imported or our own."""
    known: set[tuple[int, str]] = set()
    for start in range(0, len(record_ids), _CHUNK):
        rows = db.session.execute(
            sa.select(CaseEvent.record_id, CaseEvent.source_note_id, CaseEvent.id).where(
                CaseEvent.record_id.in_(record_ids[start : start + _CHUNK]),
                sa.or_(CaseEvent.source_note_id.is_not(None), CaseEvent.kind == EventKind.STATUS),
            )
        )
        known.update((record, note or own_note_id(event)) for record, note, event in rows)
    return known


def jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _names(record: PersonRecord, *, full: bool) -> list[str]:
    if full:
        return [n.name for n in record.alternate_names if n.kind is NameKind.FULL_NAME]
    return [
        n.name
        for n in record.alternate_names
        if n.kind is not NameKind.FULL_NAME and n.source is NameSource.IMPORT
    ]


def _wanted_alternates(record: PersonRecord, names: list[str]) -> list[str]:
    """Imported other names, less those the family or a caseworker already gave."""
    others = {
        n.name
        for n in record.alternate_names
        if n.kind is not NameKind.FULL_NAME and n.source is not NameSource.IMPORT
    }
    return [name for name in names if name not in others]


def _changes(data: RecordData, record: PersonRecord) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for attribute, new in data.values.items():
        old = getattr(record, attribute)
        if attribute != "source_date" and old != new:
            changes[attribute] = [jsonable(old), jsonable(new)]
    if data.full_names is not None and _names(record, full=True) != data.full_names:
        changes["full_name"] = [_names(record, full=True), data.full_names]
    if data.alternate_names is not None:
        wanted = _wanted_alternates(record, data.alternate_names)
        if _names(record, full=False) != wanted:
            changes["alternate_names"] = [_names(record, full=False), wanted]
    return changes


def plan(
    data: RecordData, existing: PersonRecord | None, known_notes: set[tuple[int, str]]
) -> Plan:
    """What writing ``data`` would do, without doing it."""
    if existing is None:
        return Plan(Outcome.CREATED, new_notes=list(data.notes))
    new_notes = [n for n in data.notes if (existing.id, n.note_record_id) not in known_notes]
    if data.note_only:
        return Plan(Outcome.UNCHANGED, new_notes=new_notes)
    changes = _changes(data, existing)
    incoming = data.values.get("source_date") or utcnow()
    if changes and incoming <= existing.source_date:
        return Plan(Outcome.UNCHANGED, new_notes=new_notes, stale=True)
    return Plan(Outcome.UPDATED if changes else Outcome.UNCHANGED, changes, new_notes)


def _set_names(record: PersonRecord, kind: NameKind, names: list[str], *, full: bool) -> None:
    keep = [
        n
        for n in record.alternate_names
        if not (
            (n.kind is NameKind.FULL_NAME)
            if full
            else (n.kind is not NameKind.FULL_NAME and n.source is NameSource.IMPORT)
        )
    ]
    added = [
        AlternateName(name=name, script=script_of(name), kind=kind, source=NameSource.IMPORT)
        for name in names
    ]
    record.alternate_names = keep + added


def _apply_values(record: PersonRecord, data: RecordData) -> None:
    for attribute, value in data.values.items():
        if attribute != "source_date":
            setattr(record, attribute, value)
    for name in _NAME_FIELDS:
        if name in data.values:
            setattr(record, f"{name}_script", script_of(getattr(record, name)))
    if data.full_names is not None:
        _set_names(record, NameKind.FULL_NAME, data.full_names, full=True)
    if data.alternate_names is not None:
        wanted = _wanted_alternates(record, data.alternate_names)
        _set_names(record, NameKind.SPELLING, wanted, full=False)


def _revision(
    record: PersonRecord, action: RevisionAction, changes: dict[str, Any], writer: Writer
) -> None:
    db.session.add(
        RecordRevision(
            record_id=record.id,
            action=action,
            batch_id=writer.batch.id if writer.batch else None,
            token_id=writer.token.id if writer.token else None,
            actor_id=writer.actor.id if writer.actor else None,
            changes=changes,
        )
    )


def _create(data: RecordData, writer: Writer) -> PersonRecord:
    record = PersonRecord(
        org_id=writer.org.id,
        source_record_id=data.source_record_id,
        kind=writer.kind,
        given_name="",
        consent_tracing=writer.consent_tracing,
        consent_sharing=writer.consent_sharing,
        import_batch_id=writer.batch.id if writer.batch else None,
        alternate_names=[],
    )
    _apply_values(record, data)
    record.source_date = data.values.get("source_date") or utcnow()
    db.session.add(record)
    db.session.flush()
    db.session.add(
        CaseEvent(
            record_id=record.id,
            kind=EventKind.REPORTED,
            author_label=writer.label,
            import_batch_id=writer.batch.id if writer.batch else None,
        )
    )
    return record


def _add_notes(record: PersonRecord, notes: list[NoteData], writer: Writer) -> None:
    batch_id = writer.batch.id if writer.batch else None
    for note in notes:
        db.session.add(
            CaseEvent(
                record_id=record.id,
                kind=EventKind.STATUS if note.status else EventKind.NOTE,
                body=note.text or None,
                pfif_status=note.status,
                author_label=note.author_name,
                source_note_id=note.note_record_id,
                source_date=note.source_date or utcnow(),
                import_batch_id=batch_id,
                pfif_details=note.details or None,
            )
        )
        linked = note.details.get("linked_person_record_id")
        if linked and linked != record.source_record_id:
            exists = db.session.scalar(
                sa.select(RecordLink.id).where(
                    RecordLink.record_id == record.id,
                    RecordLink.linked_source_record_id == linked,
                )
            )
            if exists is None:
                db.session.add(
                    RecordLink(
                        record_id=record.id,
                        linked_source_record_id=linked,
                        source_note_id=note.note_record_id,
                        batch_id=batch_id,
                    )
                )
    db.session.flush()


def latest_status(record: PersonRecord) -> Any:
    """The status of the newest timeline entry that has one (by the source's date)."""
    when = sa.func.coalesce(CaseEvent.source_date, CaseEvent.created_at)
    return db.session.scalar(
        sa.select(CaseEvent.pfif_status)
        .where(CaseEvent.record_id == record.id, CaseEvent.pfif_status.is_not(None))
        .order_by(when.desc(), CaseEvent.id.desc())
        .limit(1)
    )


def resolve_links(org_id: int) -> None:
    """Point links at the records they name, once those records exist, and treat each
    resolved link as PFIF means it: the same person. The two records join one linked
    group (both kept), so suggestions consider them once."""
    linking_record = sa.orm.aliased(PersonRecord)
    pending = db.session.execute(
        sa.select(RecordLink.id, RecordLink.record_id, PersonRecord.id.label("target"))
        .join(linking_record, linking_record.id == RecordLink.record_id)
        .join(
            PersonRecord,
            sa.and_(
                PersonRecord.org_id == org_id,
                PersonRecord.source_record_id == RecordLink.linked_source_record_id,
            ),
        )
        .where(RecordLink.linked_record_id.is_(None), linking_record.org_id == org_id)
    ).all()
    for link_id, record_id, target in pending:
        db.session.execute(
            sa.update(RecordLink)
            .where(RecordLink.id == link_id)
            .values(linked_record_id=target)
            .execution_options(synchronize_session=False)
        )
        left, right = db.session.get(PersonRecord, record_id), db.session.get(PersonRecord, target)
        if left is not None and right is not None and left.id != right.id:
            linking.link_as_one_person(left, right)
            for record, other in ((left, right), (right, left)):
                db.session.add(
                    CaseEvent(
                        record_id=record.id,
                        kind=EventKind.LINKED,
                        related_record_id=other.id,
                        author_label="import",
                    )
                )


def write(
    data: RecordData,
    existing: PersonRecord | None,
    writer: Writer,
    known_notes: set[tuple[int, str]],
) -> tuple[Plan, PersonRecord | None]:
    """Apply ``data``; the plan says what happened. Links are resolved by the caller."""
    step = plan(data, existing, known_notes)
    record = existing
    if step.outcome is Outcome.CREATED:
        record = _create(data, writer)
    elif step.outcome is Outcome.UPDATED and record is not None:
        step.changes["source_date"] = [
            jsonable(record.source_date),
            jsonable(data.values.get("source_date") or utcnow()),
        ]
        if writer.batch is not None and record.import_batch_id != writer.batch.id:
            step.changes["import_batch_id"] = [record.import_batch_id, writer.batch.id]
            record.import_batch_id = writer.batch.id
        _apply_values(record, data)
        record.source_date = data.values.get("source_date") or utcnow()
    if record is None:
        return step, None
    _add_notes(record, step.new_notes, writer)
    status = latest_status(record)
    if status is not None and status != record.pfif_status:
        step.changes["status"] = [jsonable(record.pfif_status), jsonable(status)]
        record.pfif_status = status
        if step.outcome is Outcome.UNCHANGED:
            step.outcome = Outcome.UPDATED
    db.session.flush()
    if step.outcome is Outcome.CREATED:
        created = {
            key: [None, jsonable(value)]
            for key, value in data.values.items()
            if value not in (None, "")
        }
        if data.full_names:
            created["full_name"] = [None, data.full_names]
        if data.alternate_names:
            created["alternate_names"] = [None, _names(record, full=False)]
        if "status" in step.changes:
            created["status"] = step.changes["status"]
        _revision(record, RevisionAction.CREATED, created, writer)
    elif step.outcome is Outcome.UPDATED:
        _revision(record, RevisionAction.UPDATED, step.changes, writer)
    if writer.batch is None and step.outcome is not Outcome.UNCHANGED:
        tag = AuditTag.RECORD_CREATE if step.outcome is Outcome.CREATED else AuditTag.RECORD_UPDATE
        audit(tag, record, actor=writer.actor, token=writer.token, detail="api")
    db.session.flush()
    return step, record


def _from_json(attribute: str, value: Any) -> Any:
    if value is None:
        return None
    column_type = PersonRecord.__table__.c[attribute].type
    enum_class = getattr(column_type, "enum_class", None)
    if enum_class is not None:
        return enum_class(value)
    if isinstance(column_type, sa.Date):
        return date.fromisoformat(value)
    if isinstance(column_type, UTCDateTime):
        return datetime.fromisoformat(value)
    return value


def restore_fields(record: PersonRecord, changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Put back the "before" side of a revision; returns the changes this makes."""
    undone: dict[str, list[Any]] = {}
    for name, (before, after) in changes.items():
        if name == "status":
            continue  # recomputed from the timeline by the caller
        if name == "full_name":
            _set_names(record, NameKind.FULL_NAME, before or [], full=True)
        elif name == "alternate_names":
            _set_names(record, NameKind.SPELLING, before or [], full=False)
        else:
            setattr(record, name, _from_json(name, before))
            if name in _NAME_FIELDS:
                setattr(record, f"{name}_script", script_of(getattr(record, name)))
        undone[name] = [after, before]
    return undone
