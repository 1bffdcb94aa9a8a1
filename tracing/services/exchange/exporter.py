"""Records as exchanged: field dictionaries, exports in each format, the changed-since feed.

An organisation exports only its own records, and only those whose consent allows
sharing and that have not expired. Contact details and exact locations travel only with
the export scope (``full=True``). Timeline entries travel as PFIF notes when they are
imported notes or status changes; internal notes and family messages never leave.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracing.db import db, utcnow
from tracing.exchange import csv_format, jsonl, pfif
from tracing.exchange.fields import NOTE_DETAIL_FIELDS, NOTE_RESTRICTED, PERSON_RESTRICTED
from tracing.models import (
    ApiToken,
    AuditTag,
    CaseEvent,
    DatePrecision,
    EventKind,
    ImportFormat,
    NameKind,
    Organization,
    PersonRecord,
    User,
)
from tracing.partial_dates import PartialDate
from tracing.services.audit import audit
from tracing.services.exchange import pfif_ids
from tracing.services.exchange.writing import own_note_id

Person = tuple[dict[str, str], list[dict[str, str]]]

MEDIA_TYPES = {
    ImportFormat.CSV: "text/csv; charset=utf-8",
    ImportFormat.JSONL: "application/jsonl; charset=utf-8",
    ImportFormat.PFIF: "application/xml; charset=utf-8",
}
EXTENSIONS = {ImportFormat.CSV: "csv", ImportFormat.JSONL: "jsonl", ImportFormat.PFIF: "xml"}


def pfif_time(value: datetime | None) -> str:
    """``2024-03-01T10:00:00Z``, as PFIF writes times."""
    if value is None:
        return ""
    return value.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def _partial(value: Any, precision: DatePrecision | None) -> str:
    return PartialDate(value, precision or DatePrecision.DAY).iso() if value else ""


def _age(record: PersonRecord) -> str:
    if record.age_min is None and record.age_max is None:
        return ""
    low = record.age_min if record.age_min is not None else record.age_max
    high = record.age_max if record.age_max is not None else record.age_min
    return str(low) if low == high else f"{low}-{high}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(getattr(value, "value", value))


def person_fields(record: PersonRecord, *, full: bool) -> dict[str, str]:
    """The record under exchange field names; restricted fields only when ``full``."""
    names = record.alternate_names
    values: dict[str, Any] = {
        "person_record_id": record.source_record_id,
        "entry_date": pfif_time(record.updated_at),
        "expiry_date": pfif_time(record.expiry_date),
        "source_date": pfif_time(record.source_date),
        "full_name": "\n".join(n.name for n in names if n.kind is NameKind.FULL_NAME),
        "alternate_names": "\n".join(n.name for n in names if n.kind is not NameKind.FULL_NAME),
        "date_of_birth": _partial(record.birth_date, record.birth_date_precision),
        "last_seen_date": _partial(record.last_seen_date, record.last_seen_date_precision),
        "age": _age(record),
        "status": record.pfif_status,
    }
    for name in (
        "author_name",
        "author_email",
        "author_phone",
        "source_name",
        "source_url",
        "given_name",
        "family_name",
        "description",
        "sex",
        "home_street",
        "home_neighborhood",
        "home_city",
        "home_state",
        "home_postal_code",
        "home_country",
        "photo_url",
        "profile_urls",
        "kind",
        "patronymic",
        "birth_place",
        "last_seen_place",
        "circumstances",
        "distinguishing_marks",
        "consent_tracing",
        "consent_sharing",
    ):
        values[name] = getattr(record, name)
    return {
        name: _text(value)
        for name, value in values.items()
        if full or name not in PERSON_RESTRICTED
    }


def _shared_events(record: PersonRecord) -> list[CaseEvent]:
    return [e for e in record.events if e.source_note_id or e.kind is EventKind.STATUS]


def note_fields(event: CaseEvent, record: PersonRecord, *, full: bool) -> dict[str, str]:
    """A timeline entry as a PFIF note. Our own status changes carry no text: the
    caseworker's reasons are internal."""
    imported = event.source_note_id is not None
    details = event.pfif_details or {}
    values = {
        "note_record_id": event.source_note_id or own_note_id(event.id),
        "person_record_id": record.source_record_id,
        "entry_date": pfif_time(event.created_at),
        "author_name": event.author_label if imported else record.organization.name,
        "source_date": pfif_time(event.source_date or event.created_at),
        "status": _text(event.pfif_status),
        "text": (event.body or "") if imported else "",
    }
    values.update({name: details[name] for name in NOTE_DETAIL_FIELDS if name in details})
    return {
        name: value or "" for name, value in values.items() if full or name not in NOTE_RESTRICTED
    }


def person(record: PersonRecord, *, full: bool) -> Person:
    notes = [note_fields(e, record, full=full) for e in _shared_events(record)]
    return person_fields(record, full=full), notes


def _for_pfif(org: Organization, people: Iterable[Person]) -> Iterable[Person]:
    """PFIF ids need a domain, and PFIF persons need a full name."""
    for fields, notes in people:
        fields = dict(fields)
        fields["person_record_id"] = pfif_ids.to_exchange(org, fields["person_record_id"])
        if not fields.get("full_name"):
            parts = (fields.get(k) for k in ("given_name", "patronymic", "family_name"))
            fields["full_name"] = " ".join(p for p in parts if p)
        pfif_notes = []
        for note in notes:
            note = dict(note)
            for key in ("note_record_id", "person_record_id", "linked_person_record_id"):
                if note.get(key):
                    note[key] = pfif_ids.to_exchange(org, note[key])
            pfif_notes.append(note)
        yield fields, pfif_notes


def shareable(org: Organization) -> sa.Select[PersonRecord]:
    """This organisation's records that consent allows it to share, not expired."""
    return (
        sa.select(PersonRecord)
        .where(
            PersonRecord.org_id == org.id,
            PersonRecord.consent_sharing.is_(True),
            sa.or_(PersonRecord.expiry_date.is_(None), PersonRecord.expiry_date > utcnow()),
        )
        .options(
            selectinload(PersonRecord.alternate_names),
            selectinload(PersonRecord.events),
            selectinload(PersonRecord.organization),
        )
        .order_by(PersonRecord.id)
    )


@dataclass(frozen=True)
class Export:
    content: bytes
    count: int
    media_type: str
    filename: str


def export(
    org: Organization,
    fmt: ImportFormat,
    *,
    full: bool,
    purpose: str,
    delimiter: str = ",",
    actor: User | None = None,
    token: ApiToken | None = None,
) -> Export:
    """Write the export and its audit row (with the stated purpose)."""
    records = list(db.session.scalars(shareable(org)))
    people = [person(r, full=full) for r in records]
    if fmt is ImportFormat.PFIF:
        content = pfif.write_pfif(_for_pfif(org, people))
    elif fmt is ImportFormat.CSV:
        content = csv_format.write_csv(people, delimiter=delimiter)
    else:
        content = jsonl.write_jsonl(people)
    scope = "full" if full else "redacted"
    detail = f"format={fmt.value};records={len(records)};scope={scope};purpose="
    audit(
        AuditTag.RECORD_EXPORT,
        org,
        actor=actor,
        token=token,
        detail=detail + purpose.strip()[: 500 - len(detail)],
    )
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    return Export(
        content=content,
        count=len(records),
        media_type=MEDIA_TYPES[fmt],
        filename=f"{org.slug}-{stamp}.{EXTENSIONS[fmt]}",
    )


# --- the changed-since feed -------------------------------------------------------


class BadCursor(ValueError):
    """A cursor that this system did not hand out."""


def encode_cursor(record: PersonRecord) -> str:
    raw = f"{record.updated_at.astimezone(UTC).isoformat()}|{record.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, _, record_id = raw.partition("|")
        when = datetime.fromisoformat(moment)
        if when.tzinfo is None:
            raise ValueError(moment)
        return when, int(record_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadCursor(cursor) from None


def changed_since(
    org: Organization, *, since: datetime | None, cursor: str | None, limit: int
) -> tuple[list[PersonRecord], str | None]:
    """The organisation's records by entry date (oldest first), a page at a time."""
    query = (
        sa.select(PersonRecord)
        .where(PersonRecord.org_id == org.id)
        .options(
            selectinload(PersonRecord.alternate_names),
            selectinload(PersonRecord.events),
            selectinload(PersonRecord.organization),
        )
        .order_by(PersonRecord.updated_at, PersonRecord.id)
    )
    if since is not None:
        query = query.where(PersonRecord.updated_at >= since)
    if cursor:
        after, after_id = decode_cursor(cursor)
        query = query.where(
            sa.or_(
                PersonRecord.updated_at > after,
                sa.and_(PersonRecord.updated_at == after, PersonRecord.id > after_id),
            )
        )
    rows = list(db.session.scalars(query.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1]) if more and rows else None
