"""Checking rows read from any format: typed values, and every error and warning by row.

Errors stop an import (nothing is written); warnings are reported and the row imported.
Values are whitespace-stripped; multi-line names and URLs are split into one per line.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from tracing.exchange.fields import NOTE_DETAIL_FIELDS, RawRow
from tracing.models import Circumstances, PersonRecord, PfifStatus, RecordKind, Sex
from tracing.partial_dates import DateError, parse_iso

Level = Literal["error", "warning"]

_SEX = {
    "female": Sex.FEMALE,
    "f": Sex.FEMALE,
    "male": Sex.MALE,
    "m": Sex.MALE,
    "other": Sex.OTHER,
}
_TRUE = frozenset({"true", "yes", "y", "1", "так", "да"})
_FALSE = frozenset({"false", "no", "n", "0", "ні", "нет"})
_AGE = re.compile(r"(\d{1,3})(?:\s*-\s*(\d{1,3}))?")
_COUNTRY = re.compile(r"[A-Z]{2}")
_EMAIL = re.compile(r".+@.+")
_PHONE = re.compile(r"[\-+()\d ]+")
MAX_AGE = 130
MIN_YEAR = 1900  # earlier dates are typing mistakes (and PFIF wants four-digit years)
# How far a source's clock may run ahead of ours before its date is refused.
_CLOCK_SKEW = timedelta(days=1)

# Text fields stored as they are (after stripping), under the same attribute name.
_TEXT_FIELDS = (
    "given_name",
    "family_name",
    "patronymic",
    "description",
    "distinguishing_marks",
    "birth_place",
    "last_seen_place",
    "author_name",
    "author_email",
    "author_phone",
    "source_name",
    "source_url",
    "home_street",
    "home_neighborhood",
    "home_city",
    "home_state",
    "home_postal_code",
    "photo_url",
)


@dataclass(frozen=True)
class Issue:
    row: int
    level: Level
    code: str
    field: str | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclass
class NoteData:
    note_record_id: str
    person_record_id: str
    text: str
    status: PfifStatus | None
    author_name: str | None
    source_date: datetime | None
    details: dict[str, str]


@dataclass
class RecordData:
    """What one row says about a person, ready to write: only the fields it carries."""

    row: int
    source_record_id: str
    values: dict[str, Any] = dataclasses.field(default_factory=dict)
    full_names: list[str] | None = None  # None: the row says nothing about them
    alternate_names: list[str] | None = None
    notes: list[NoteData] = dataclasses.field(default_factory=list)
    note_only: bool = False


@dataclass
class Checked:
    records: list[RecordData]
    issues: list[Issue]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "warning"]


def _max_length(attribute: str) -> int | None:
    length = getattr(PersonRecord.__table__.c[attribute].type, "length", None)
    return int(length) if length else None


class _RowChecker:
    def __init__(self, row: RawRow, issues: list[Issue], now: datetime) -> None:
        self.row = row
        self.issues = issues
        self.now = now

    def error(self, code: str, name: str | None = None, **params: Any) -> None:
        self.issues.append(Issue(self.row.number, "error", code, name, params))

    def warn(self, code: str, name: str | None = None, **params: Any) -> None:
        self.issues.append(Issue(self.row.number, "warning", code, name, params))

    def text(self, name: str, value: str, attribute: str | None = None) -> str | None:
        text = value.strip() or None
        limit = _max_length(attribute or name)
        if text and limit and len(text) > limit:
            self.error("too_long", name, limit=limit)
        return text

    def when(self, name: str, value: str) -> datetime | None:
        text = value.strip()
        if not text:
            return None
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self.error("bad_datetime", name)
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        if moment.year < MIN_YEAR:
            self.error("bad_datetime", name)
            return None
        moment = moment.astimezone(UTC)
        if name == "source_date" and moment > self.now + _CLOCK_SKEW:
            self.error("future_date", name)
            return None
        return moment

    def partial_date(self, name: str, value: str, values: dict[str, Any], attribute: str) -> None:
        text = value.strip()
        if not text:
            values[attribute] = values[f"{attribute}_precision"] = None
            return
        try:
            parsed = parse_iso(text)
        except DateError as exc:
            self.error("future_date" if exc.code == "future" else "bad_date", name)
            return
        values[attribute] = parsed.value
        values[f"{attribute}_precision"] = parsed.precision

    def boolean(self, name: str, value: str) -> bool | None:
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if text:
            self.error("bad_boolean", name)
        return None

    def choice(self, name: str, value: str, vocabulary: dict[str, Any]) -> Any:
        text = value.strip().lower()
        if not text:
            return None
        if text not in vocabulary:
            self.error(f"unknown_{name}", name, value=value.strip()[:40])
        return vocabulary.get(text)

    def lines(self, value: str) -> list[str]:
        seen: list[str] = []
        for line in value.splitlines():
            line = line.strip()
            if line and line not in seen:
                seen.append(line)
        return seen


def _person(checker: _RowChecker, fields: dict[str, str]) -> RecordData:
    record = RecordData(row=checker.row.number, source_record_id="")
    values = record.values
    source_id = checker.text(
        "person_record_id", fields.get("person_record_id", ""), "source_record_id"
    )
    if not source_id:
        checker.error("missing_id", "person_record_id")
    record.source_record_id = source_id or ""
    for name in _TEXT_FIELDS:
        if name in fields:
            values[name] = checker.text(name, fields[name])
    if "given_name" in values:
        values["given_name"] = values["given_name"] or ""
    if "profile_urls" in fields:
        values["profile_urls"] = "\n".join(checker.lines(fields["profile_urls"])) or None
    if "full_name" in fields:
        record.full_names = checker.lines(fields["full_name"])
    if "alternate_names" in fields:
        record.alternate_names = checker.lines(fields["alternate_names"])
    for names in (record.full_names, record.alternate_names):
        for name in names or ():
            if len(name) > 300:
                checker.error("too_long", "alternate_names", limit=300)
    if not (values.get("given_name") or values.get("family_name") or record.full_names):
        checker.error("missing_name", "given_name")
    _typed_fields(checker, fields, values)
    _contact_warnings(checker, values)
    return record


def _typed_fields(checker: _RowChecker, fields: dict[str, str], values: dict[str, Any]) -> None:
    if "sex" in fields:
        values["sex"] = checker.choice("sex", fields["sex"], _SEX)
    if "kind" in fields:
        kinds = {k.value: k for k in RecordKind}
        kind = checker.choice("kind", fields["kind"], kinds)
        if kind is not None:
            values["kind"] = kind
    if "circumstances" in fields:
        vocabulary = {c.value: c for c in Circumstances}
        values["circumstances"] = checker.choice(
            "circumstances", fields["circumstances"], vocabulary
        )
    if "date_of_birth" in fields:
        checker.partial_date("date_of_birth", fields["date_of_birth"], values, "birth_date")
    if "last_seen_date" in fields:
        checker.partial_date("last_seen_date", fields["last_seen_date"], values, "last_seen_date")
    if "age" in fields:
        _age(checker, fields["age"], values)
    for name in ("consent_tracing", "consent_sharing"):
        if name in fields:
            flag = checker.boolean(name, fields[name])
            if flag is not None:
                values[name] = flag
    if "source_date" in fields:
        values["source_date"] = checker.when("source_date", fields["source_date"])
    if "expiry_date" in fields:
        values["expiry_date"] = checker.when("expiry_date", fields["expiry_date"])
    if "home_country" in fields:
        country = checker.text("home_country", fields["home_country"].upper())
        values["home_country"] = country
        if country and not _COUNTRY.fullmatch(country):
            checker.warn("bad_country", "home_country")


def _age(checker: _RowChecker, value: str, values: dict[str, Any]) -> None:
    text = value.strip()
    values["age_min"] = values["age_max"] = None
    if not text:
        return
    match = _AGE.fullmatch(text)
    low = int(match.group(1)) if match else -1
    high = int(match.group(2) or low) if match else -1
    if not match or not 0 <= low <= high <= MAX_AGE:
        checker.error("bad_age", "age")
        return
    values["age_min"], values["age_max"] = low, high


def _contact_warnings(checker: _RowChecker, values: dict[str, Any]) -> None:
    email, phone = values.get("author_email"), values.get("author_phone")
    if email and not _EMAIL.fullmatch(email):
        checker.warn("bad_email", "author_email")
    if phone and not _PHONE.fullmatch(phone):
        checker.warn("bad_phone", "author_phone")


def _note(checker: _RowChecker, fields: dict[str, str]) -> NoteData:
    note_id = checker.text("note_record_id", fields.get("note_record_id", ""), "source_record_id")
    if not note_id:
        checker.error("missing_note_id", "note_record_id")
    statuses = {s.value: s for s in PfifStatus}
    details: dict[str, str] = {}
    for name in NOTE_DETAIL_FIELDS:
        value = fields.get(name, "").strip()
        if name == "author_made_contact" and value:
            flag = checker.boolean(name, value)
            value = "" if flag is None else "true" if flag else "false"
        if value:
            details[name] = value
    return NoteData(
        note_record_id=note_id or "",
        person_record_id=fields.get("person_record_id", "").strip(),
        text=fields.get("text", "").strip(),
        status=checker.choice("status", fields.get("status", ""), statuses),
        author_name=fields.get("author_name", "").strip() or None,
        source_date=checker.when("source_date", fields.get("source_date", "")),
        details=details,
    )


def _same_person(left: RecordData, right: RecordData) -> bool:
    return (left.values, left.full_names, left.alternate_names) == (
        right.values,
        right.full_names,
        right.alternate_names,
    )


def check_rows(rows: list[RawRow], *, now: datetime | None = None) -> Checked:
    """Every row checked; rows of one person with different notes are merged."""
    now = now or datetime.now(UTC)
    issues: list[Issue] = []
    records: list[RecordData] = []
    by_id: dict[str, RecordData] = {}
    note_ids: set[tuple[str, str]] = set()
    reported_unknown: set[str] = set()
    for row in rows:
        checker = _RowChecker(row, issues, now)
        for name in row.unknown:
            if name not in reported_unknown:
                reported_unknown.add(name)
                checker.warn("unknown_field", name)
        if row.problem:
            checker.error(row.problem, row.problem_field)
            continue
        notes = [_note(checker, fields) for fields in row.notes]
        if row.note_only:
            record = RecordData(row=row.number, source_record_id=notes[0].person_record_id)
            record.note_only = True
            if not record.source_record_id:
                checker.error("missing_id", "person_record_id")
        else:
            record = _person(checker, row.person)
        for note in notes:
            key = (record.source_record_id, note.note_record_id)
            if note.note_record_id and key in note_ids:
                checker.error("duplicate_note_id", "note_record_id")
            note_ids.add(key)
            record.notes.append(note)
        first = by_id.get(record.source_record_id) if not record.note_only else None
        if first is None or not record.source_record_id:
            if not record.note_only and record.source_record_id:
                by_id[record.source_record_id] = record
            records.append(record)
        elif record.notes and _same_person(first, record):
            first.notes.extend(record.notes)  # one note a row, as Person Finder's CSV
        else:
            checker.error("duplicate_id", "person_record_id", first_row=first.row)
    return Checked(records=records, issues=issues)
