"""Bulk imports: a dry run that reports every problem by row, then one all-or-nothing write.

Every import is a batch (who, when, which file, what it changed) that can be reverted as a
whole. The same file is never imported twice: a batch holds its file's SHA-256 in a
column that is unique per organisation while the import stands, so two requests racing
with the same file cannot both write it (the loser's transaction fails and nothing of it
stays); records are unique by (organisation, source id) as a second guard.

Small files are written in the request. Larger ones are queued on their batch and written
by ``flask --app tracing exchange run-pending`` (run it from cron or a systemd timer):
a queued batch survives restarts, works the same with any number of web workers, and
still lands in one transaction.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from tracing.db import db, utcnow
from tracing.exchange import csv_format, jsonl, pfif
from tracing.exchange.decoding import FileRejected, check_bytes, decode_text
from tracing.exchange.fields import RawRow
from tracing.exchange.validation import Issue, RecordData, check_rows
from tracing.models import (
    ApiToken,
    AuditTag,
    BatchStatus,
    CaseEvent,
    Decision,
    ImportBatch,
    ImportFormat,
    Organization,
    PersonRecord,
    RecordKind,
    RecordLink,
    RecordRevision,
    RevisionAction,
    Suggestion,
    User,
)
from tracing.services import linking
from tracing.services.audit import audit
from tracing.services.exchange import pfif_ids
from tracing.services.exchange.writing import (
    Outcome,
    Writer,
    find_records,
    jsonable,
    known_note_ids,
    latest_status,
    plan,
    resolve_links,
    restore_fields,
    write,
)


@dataclass(frozen=True)
class ImportOptions:
    """Defaults for what a file does not say (PFIF has no kind and no consent)."""

    kind: RecordKind = RecordKind.SOUGHT
    consent_tracing: bool = False
    consent_sharing: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "consent_tracing": self.consent_tracing,
            "consent_sharing": self.consent_sharing,
        }

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ImportOptions:
        return cls(
            kind=RecordKind(values.get("kind", RecordKind.SOUGHT.value)),
            consent_tracing=bool(values.get("consent_tracing")),
            consent_sharing=bool(values.get("consent_sharing")),
        )


@dataclass
class ImportReport:
    """What an import would do (dry run) or did, and every problem by row."""

    format: ImportFormat
    file_sha256: str
    encoding: str | None = None
    rows: int = 0
    issues: list[Issue] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    # The batch that already imported this very file, if one stands.
    duplicate_of: int | None = None
    batch_id: int | None = None
    queued: bool = False

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changes_anything(self) -> bool:
        return bool(self.counts["created"] or self.counts["updated"] or self.counts["notes"])


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_rows(fmt: ImportFormat, data: bytes) -> tuple[list[RawRow], str]:
    """Rows from a file; FileRejected when the file as a whole cannot be read."""
    config = current_app.config
    check_bytes(data, max_bytes=config["EXCHANGE_MAX_IMPORT_BYTES"])
    max_line = config["EXCHANGE_MAX_LINE_CHARS"]
    if fmt is ImportFormat.PFIF:
        rows, encoding = pfif.read_pfif(data), "xml"
    else:
        text, encoding = decode_text(data)
        reader = csv_format.read_csv if fmt is ImportFormat.CSV else jsonl.read_jsonl
        rows = reader(text, max_line_chars=max_line)
    if len(rows) > config["EXCHANGE_MAX_ROWS"]:
        raise FileRejected("too_many_rows", limit=config["EXCHANGE_MAX_ROWS"])
    return rows, encoding


def _standing_batch(org: Organization, sha: str) -> int | None:
    return db.session.scalar(
        sa.select(ImportBatch.id).where(
            ImportBatch.org_id == org.id, ImportBatch.active_sha256 == sha
        )
    )


def _checked(
    org: Organization, fmt: ImportFormat, data: bytes
) -> tuple[ImportReport, list[RecordData]]:
    report = ImportReport(format=fmt, file_sha256=file_hash(data))
    try:
        rows, report.encoding = read_rows(fmt, data)
    except FileRejected as exc:
        report.issues.append(Issue(exc.params.get("line", 0), "error", exc.code, None, exc.params))
        return report, []
    checked = check_rows(rows)
    report.rows = len(rows)
    report.issues.extend(checked.issues)
    for record in checked.records:
        record.source_record_id = pfif_ids.from_exchange(org, record.source_record_id)
        for note in record.notes:
            note.person_record_id = pfif_ids.from_exchange(org, note.person_record_id)
            linked = note.details.get("linked_person_record_id")
            if linked:
                note.details["linked_person_record_id"] = pfif_ids.from_exchange(org, linked)
    return report, checked.records


def dry_run(org: Organization, fmt: ImportFormat, data: bytes) -> ImportReport:
    """Read and check the file, and count what importing it would do; writes nothing."""
    report, records = _checked(org, fmt, data)
    report.duplicate_of = _standing_batch(org, report.file_sha256)
    if records:
        _plan_all(org, records, report)
    return report


def _plan_all(org: Organization, records: list[RecordData], report: ImportReport) -> None:
    existing = find_records(org.id, [r.source_record_id for r in records])
    known = known_note_ids([r.id for r in existing.values()])
    in_file = {r.source_record_id for r in records if not r.note_only}
    for record in records:
        stored = existing.get(record.source_record_id)
        if record.note_only and stored is None and record.source_record_id not in in_file:
            report.issues.append(
                Issue(record.row, "error", "unknown_person", "person_record_id", {})
            )
            continue
        if record.note_only and stored is None:
            report.counts["notes"] += len(record.notes)
            continue
        step = plan(record, stored, known)
        report.counts[step.outcome.value] += 1
        report.counts["notes"] += len(step.new_notes)
        if step.stale:
            report.issues.append(Issue(record.row, "warning", "stale", "source_date", {}))


def _write_all(
    org: Organization, records: list[RecordData], writer: Writer, report: ImportReport
) -> None:
    existing = find_records(org.id, [r.source_record_id for r in records])
    known = known_note_ids([r.id for r in existing.values()])
    changed: dict[int, PersonRecord] = {}
    consent_changed: dict[int, PersonRecord] = {}
    counts: Counter[str] = Counter()
    # People first, then notes that stand on their own (they may name a person above).
    for record in sorted(records, key=lambda r: r.note_only):
        stored = existing.get(record.source_record_id)
        step, written = write(record, stored, writer, known)
        if written is None:
            continue
        existing[written.source_record_id] = written
        if not record.note_only:
            counts[step.outcome.value] += 1
        counts["notes"] += len(step.new_notes)
        if step.consent_changed:
            consent_changed[written.id] = written
        elif step.outcome is not Outcome.UNCHANGED or step.new_notes:
            changed[written.id] = written
    report.counts = counts
    linking.records_changed(list(changed.values()))
    if consent_changed:
        linking.records_changed(list(consent_changed.values()), force=True)
    # After matching, so a pair the source itself links is settled rather than suggested.
    resolve_links(org.id)


def _finish(batch: ImportBatch, report: ImportReport) -> None:
    batch.status = BatchStatus.DONE
    batch.finished_at = utcnow()
    batch.payload = None
    batch.row_count = report.rows
    batch.created_count = report.counts["created"]
    batch.updated_count = report.counts["updated"]
    batch.unchanged_count = report.counts["unchanged"]
    batch.note_count = report.counts["notes"]
    report.batch_id = batch.id
    audit(
        AuditTag.RECORD_IMPORT,
        batch,
        actor=batch.created_by,
        token=batch.token,
        detail=(
            f"format={batch.format};created={batch.created_count};"
            f"updated={batch.updated_count};notes={batch.note_count}"
        ),
    )


def _writer(batch: ImportBatch, actor: User | None, token: ApiToken | None) -> Writer:
    options = ImportOptions.from_dict(batch.options or {})
    return Writer(
        org=batch.organization,
        actor=actor,
        token=token,
        batch=batch,
        kind=options.kind,
        consent_tracing=options.consent_tracing,
        consent_sharing=options.consent_sharing,
    )


def inline_limit() -> int:
    return int(current_app.config["EXCHANGE_INLINE_MAX_ROWS"])


def import_file(
    org: Organization,
    fmt: ImportFormat,
    data: bytes,
    options: ImportOptions,
    *,
    actor: User | None = None,
    token: ApiToken | None = None,
    filename: str | None = None,
) -> ImportReport:
    """Check, then write the whole file in the caller's transaction, or nothing.

    Nothing is written when any row has an error, or when nothing would change (the same
    file again). A file with more rows than EXCHANGE_INLINE_MAX_ROWS is queued instead.
    """
    report = dry_run(org, fmt, data)
    if not report.ok or not report.changes_anything:
        return report
    batch = ImportBatch(
        org_id=org.id,
        organization=org,
        format=fmt,
        filename=(filename or "")[:255] or None,
        file_sha256=report.file_sha256,
        active_sha256=report.file_sha256,
        size_bytes=len(data),
        status=BatchStatus.DONE,
        options=options.as_dict(),
        created_by=actor,
        token=token,
    )
    db.session.add(batch)
    db.session.flush()  # the unique file hash: a racing import of this file stops here
    if report.rows > inline_limit():
        _queue(batch, data, report)
        return report
    _, records = _checked(org, fmt, data)
    _write_all(org, records, _writer(batch, actor, token), report)
    _finish(batch, report)
    return report


def _queue(batch: ImportBatch, data: bytes, report: ImportReport) -> None:
    batch.status = BatchStatus.QUEUED
    batch.payload = data
    report.batch_id = batch.id
    report.queued = True
    db.session.flush()


def stage_preview(
    org: Organization,
    fmt: ImportFormat,
    data: bytes,
    options: ImportOptions,
    *,
    actor: User,
    filename: str | None,
) -> tuple[ImportReport, ImportBatch]:
    """The admin UI's first step: the dry run, and the file kept for the second step."""
    report = dry_run(org, fmt, data)
    db.session.execute(  # this admin's earlier previews are abandoned
        sa.delete(ImportBatch).where(
            ImportBatch.org_id == org.id,
            ImportBatch.created_by_id == actor.id,
            ImportBatch.status == BatchStatus.PREVIEW,
        )
    )
    batch = ImportBatch(
        org_id=org.id,
        format=fmt,
        filename=(filename or "")[:255] or None,
        file_sha256=report.file_sha256,
        size_bytes=len(data),
        status=BatchStatus.PREVIEW,
        options=options.as_dict(),
        payload=data,
        created_by_id=actor.id,
        row_count=report.rows,
    )
    db.session.add(batch)
    db.session.flush()
    return report, batch


def commit_preview(batch: ImportBatch, actor: User) -> ImportReport:
    """The admin UI's second step: import the previewed file, or queue it if large."""
    data = batch.payload or b""
    report = dry_run(batch.organization, batch.format, data)
    if not report.ok or not report.changes_anything:
        return report
    batch.active_sha256 = report.file_sha256
    batch.created_at = utcnow()
    db.session.flush()  # the unique file hash, as in import_file
    if report.rows > inline_limit():
        _queue(batch, data, report)
        return report
    _, records = _checked(batch.organization, batch.format, data)
    _write_all(batch.organization, records, _writer(batch, actor, None), report)
    _finish(batch, report)
    return report


def run_queued(batch: ImportBatch) -> ImportReport:
    """Import a queued batch (the background step); on errors the batch fails whole.

    The batch is claimed by a conditional update inside the import's transaction, so a
    second runner started at the same time waits, then finds it done and skips it.
    """
    claimed = db.session.execute(
        sa.update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.status == BatchStatus.QUEUED)
        .values(error=None)
    )
    db.session.refresh(batch)
    if not claimed.rowcount or batch.status is not BatchStatus.QUEUED:  # type: ignore[attr-defined]
        return ImportReport(format=batch.format, file_sha256=batch.file_sha256)
    data = batch.payload or b""
    report, records = _checked(batch.organization, batch.format, data)
    if records:
        _plan_all(batch.organization, records, report)
    if not report.ok:
        batch.status = BatchStatus.FAILED
        batch.active_sha256 = None
        batch.error = report.errors[0].code
        batch.finished_at = utcnow()
        batch.payload = None  # nothing was imported: the file is not kept
        return report
    _write_all(batch.organization, records, _writer(batch, batch.created_by, batch.token), report)
    _finish(batch, report)
    return report


def purge_abandoned_previews(ttl_hours: int) -> int:
    """Delete previewed files nobody imported within ``ttl_hours`` (with their contents)."""
    cutoff = utcnow() - timedelta(hours=ttl_hours)
    result = db.session.execute(
        sa.delete(ImportBatch).where(
            ImportBatch.status == BatchStatus.PREVIEW, ImportBatch.created_at < cutoff
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def pending_batch_ids() -> list[int]:
    return list(
        db.session.scalars(
            sa.select(ImportBatch.id)
            .where(ImportBatch.status == BatchStatus.QUEUED)
            .order_by(ImportBatch.id)
        )
    )


class RevertRefused(RuntimeError):
    """A batch cannot be reverted; ``code`` says why (for a message)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def revert(batch: ImportBatch, actor: User) -> None:
    """Undo a whole import: remove what it created, restore what it changed.

    Refused when anything touched those records after it (a later import or API write,
    a caseworker's note, a decision on a suggestion): reverting would throw away work.
    """
    if batch.status is not BatchStatus.DONE:
        raise RevertRefused("not_done")
    revisions = list(
        db.session.scalars(
            sa.select(RecordRevision)
            .where(RecordRevision.batch_id == batch.id)
            .order_by(RecordRevision.id)
        )
    )
    record_ids = [r.record_id for r in revisions]
    if record_ids and _touched_since(batch, record_ids, revisions[0].id):
        raise RevertRefused("changed_since")
    created = [r.record_id for r in revisions if r.action is RevisionAction.CREATED]
    # Changes to records created by this very batch go with them.
    updated = [
        (r.record_id, r.changes)
        for r in revisions
        if r.action is RevisionAction.UPDATED and r.record_id not in created
    ]
    db.session.execute(sa.delete(RecordLink).where(RecordLink.batch_id == batch.id))
    db.session.execute(sa.delete(CaseEvent).where(CaseEvent.import_batch_id == batch.id))
    if created:
        linking.forget_keys(created)
        db.session.execute(sa.delete(PersonRecord).where(PersonRecord.id.in_(created)))
    db.session.expire_all()
    restored = [
        _restore(record_id, changes, actor, batch) for record_id, changes in reversed(updated)
    ]
    batch.status = BatchStatus.REVERTED
    batch.active_sha256 = None
    batch.reverted_at = utcnow()
    batch.reverted_by_id = actor.id
    db.session.flush()
    audit(AuditTag.IMPORT_REVERT, batch, actor=actor, detail=f"removed={len(created)}")
    linking.records_changed(list({r.id: r for r in restored}.values()))


def _touched_since(batch: ImportBatch, record_ids: list[int], first_revision: int) -> bool:
    later_revision = db.session.scalar(
        sa.select(RecordRevision.id)
        .where(
            RecordRevision.record_id.in_(record_ids),
            RecordRevision.id > first_revision,
            sa.or_(RecordRevision.batch_id.is_(None), RecordRevision.batch_id != batch.id),
        )
        .limit(1)
    )
    # Entries the system wrote as a consequence (a stage moved by matching, a link) are
    # not someone's work; a caseworker's or a family's entry is.
    automatic = sa.and_(
        CaseEvent.author_id.is_(None), CaseEvent.author_label.in_(["system", "import"])
    )
    other_entry = db.session.scalar(
        sa.select(CaseEvent.id)
        .where(
            CaseEvent.record_id.in_(record_ids),
            CaseEvent.created_at >= batch.created_at,
            sa.or_(CaseEvent.import_batch_id.is_(None), CaseEvent.import_batch_id != batch.id),
            ~automatic,
        )
        .limit(1)
    )
    decided = db.session.scalar(
        sa.select(Decision.id)
        .join(Suggestion, Suggestion.id == Decision.suggestion_id)
        .where(sa.or_(Suggestion.left_id.in_(record_ids), Suggestion.right_id.in_(record_ids)))
        .limit(1)
    )
    return later_revision is not None or other_entry is not None or decided is not None


def _restore(
    record_id: int, changes: dict[str, Any], actor: User, batch: ImportBatch
) -> PersonRecord:
    record = db.session.get(PersonRecord, record_id)
    assert record is not None
    undone = restore_fields(record, changes)
    status = latest_status(record)
    if record.pfif_status != status:
        undone["status"] = [jsonable(record.pfif_status), jsonable(status)]
        record.pfif_status = status
    db.session.add(
        RecordRevision(
            record_id=record.id,
            action=RevisionAction.REVERTED,
            batch_id=batch.id,
            actor_id=actor.id,
            changes=undone,
        )
    )
    return record


def org_batches(org_id: int, *, limit: int = 100) -> list[ImportBatch]:
    """An organisation's imports, newest first (previews are not imports yet)."""
    return list(
        db.session.scalars(
            sa.select(ImportBatch)
            .where(ImportBatch.org_id == org_id, ImportBatch.status != BatchStatus.PREVIEW)
            .order_by(ImportBatch.id.desc())
            .limit(limit)
        )
    )


def org_batch(org_id: int, batch_id: int) -> ImportBatch | None:
    return db.session.scalars(
        sa.select(ImportBatch).where(ImportBatch.id == batch_id, ImportBatch.org_id == org_id)
    ).first()
