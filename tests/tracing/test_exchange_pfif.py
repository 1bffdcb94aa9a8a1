"""PFIF round trips (our fixtures always; Person Finder's where ../shared exists), exports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import SHARED
from tests.tracing.exchange_helpers import assert_schema_valid, data, org_records
from tracing.db import db
from tracing.exchange import csv_format, jsonl, pfif
from tracing.exchange.fields import RawRow
from tracing.models import (
    AuditEvent,
    AuditTag,
    ImportFormat,
    Organization,
    PersonRecord,
    Role,
    User,
)
from tracing.services.exchange import exporter, importer
from tracing.services.exchange.importer import ImportOptions

PERSON_FINDER = SHARED / "pfif"
PERSON_FINDER_FILES = (
    sorted(PERSON_FINDER.glob("test.pfif-*.xml")) if PERSON_FINDER.exists() else []
)


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.ORG_ADMIN)


def _import(
    admin: User, content: bytes, fmt: ImportFormat = ImportFormat.PFIF
) -> importer.ImportReport:
    report = importer.import_file(
        admin.organization, fmt, content, ImportOptions(consent_sharing=True), actor=admin
    )
    assert report.ok, report.errors
    db.session.commit()
    return report


def _export(admin: User, fmt: ImportFormat, *, full: bool = True) -> bytes:
    return exporter.export(admin.organization, fmt, full=full, purpose="round trip test").content


def _expected(rows: list[RawRow]) -> dict[str, tuple[dict[str, str], dict[str, dict[str, str]]]]:
    """What a file says, as PFIF 1.4 fields with whitespace stripped (entry dates aside)."""
    people: dict[str, tuple[dict[str, str], dict[str, dict[str, str]]]] = {}
    for row in rows:
        if not row.note_only:
            fields = {
                k: "\n".join(x.strip() for x in v.strip().splitlines())
                for k, v in row.person.items()
            }
            people[fields["person_record_id"]] = ({k: v for k, v in fields.items() if v}, {})
    for row in rows:
        for note in row.notes:
            fields = {k: v.strip() for k, v in note.items() if v.strip()}
            notes = people.setdefault(fields["person_record_id"], ({}, {}))[1]
            notes[fields["note_record_id"]] = fields
    return people


def _persons_for(rows: list[RawRow]) -> bytes:
    """A PFIF file with a person for each note's person_record_id."""
    ids = sorted({note["person_record_id"] for row in rows for note in row.notes})
    source_date = "2000-01-01T00:00:00Z"
    people = [
        ({"person_record_id": i, "full_name": "Placeholder", "source_date": source_date}, [])
        for i in ids
    ]
    return pfif.write_pfif(people)


def _round_trip(content: bytes, exported: bytes) -> None:
    """Every field of every person and note in ``content`` is in ``exported``, unchanged."""
    expected = _expected(pfif.read_pfif(content))
    actual = _expected(pfif.read_pfif(exported))
    for person_id, (fields, notes) in expected.items():
        got_fields, got_notes = actual[person_id]
        for name, value in fields.items():
            if name == "full_name" and "given_name" in fields and name not in got_fields:
                continue
            assert got_fields.get(name) == value, (person_id, name)
        for note_id, note in notes.items():
            assert note_id in got_notes, (person_id, note_id)
            for name, value in note.items():
                assert got_notes[note_id].get(name) == value, (note_id, name)


def test_our_pfif_fixture_round_trips_every_field_and_the_export_is_schema_valid(
    admin: User,
) -> None:
    content = data("pfif-1.4-every-field.xml")
    _import(admin, content)
    exported = _export(admin, ImportFormat.PFIF)
    assert_schema_valid(exported)
    _round_trip(content, exported)
    # entry_date is ours: set on import, not taken from the file.
    assert b"2001-02-03T04:05:06Z" not in exported


@pytest.mark.parametrize("name", ["pfif-1.2-old-names.xml", "pfif-1.1-zip.xml"])
def test_older_versions_export_as_valid_pfif_1_4_with_renamed_fields(
    admin: User, name: str
) -> None:
    _import(admin, data(name))
    exported = _export(admin, ImportFormat.PFIF)
    assert_schema_valid(exported)
    _round_trip(data(name), exported)  # compared after the same renaming
    text = exported.decode()
    assert "first_name" not in text and "home_zip" not in text and "<pfif:found>" not in text


@pytest.mark.skipif(
    not PERSON_FINDER_FILES, reason="../shared/pfif (Person Finder's fixtures) is not here"
)
@pytest.mark.parametrize("path", PERSON_FINDER_FILES, ids=lambda p: p.name)
def test_person_finder_fixtures_keep_every_field(
    admin: User, make_org: Callable[..., Organization], path: Path
) -> None:
    """Import, export as JSON Lines (it carries every value) and as PFIF (which must stay
    schema-valid, so it leaves out placeholders like ``_test_author_email``)."""
    content = path.read_bytes()
    rows = pfif.read_pfif(content)
    if all(row.note_only for row in rows):
        # Notes arrive for persons already stored: store those persons first.
        _import(admin, _persons_for(rows))
    _import(admin, content)
    expected = _expected(rows)
    exported = {
        obj["source_record_id"]: obj
        for obj in map(json.loads, _export(admin, ImportFormat.JSONL).decode().splitlines())
    }
    for person_id, (fields, notes) in expected.items():
        got = exported[person_id]
        for name, value in fields.items():
            if name == "person_record_id":
                continue
            actual = got[name]
            if isinstance(actual, list):
                actual = "\n".join(actual)
            assert actual == value, (path.name, name)
        got_notes = {n["note_record_id"]: n for n in got["notes"]}
        for note_id, note in notes.items():
            for name, value in note.items():
                actual = got_notes[note_id][name]
                actual = {True: "true", False: "false"}.get(actual, actual)
                assert actual == value, (path.name, note_id, name)
    assert_schema_valid(_export(admin, ImportFormat.PFIF))


@pytest.mark.skipif(not PERSON_FINDER.exists(), reason="../shared/pfif is not here")
def test_person_finder_csv_sample_is_refused_for_its_shifted_row(admin: User) -> None:
    """Its one row has 30 cells under 29 columns: every note field would be read from the
    column beside it, so the row is reported instead of imported wrongly."""
    content = (PERSON_FINDER / "personfinder-sample-import.csv").read_bytes()
    report = importer.dry_run(admin.organization, ImportFormat.CSV, content)
    assert [(i.row, i.code) for i in report.errors] == [(2, "extra_cells")]
    fixed = content.replace(b",,,1,FALSE,", b",,1,FALSE,")
    _import(admin, fixed, ImportFormat.CSV)
    (record,) = org_records(admin.organization)
    assert record.display_name == "Test Person" and record.description == "This is a test entry"
    assert [e.body for e in record.events if e.source_note_id] == ["He is missing"]


def test_own_csv_and_json_lines_exports_import_back_unchanged(admin: User) -> None:
    _import(admin, data("pfif-1.4-every-field.xml"))
    for fmt in (ImportFormat.CSV, ImportFormat.JSONL, ImportFormat.PFIF):
        exported = _export(admin, fmt)
        report = importer.dry_run(admin.organization, fmt, exported)
        assert report.ok, (fmt, report.errors)
        assert not report.changes_anything, (fmt, report.counts)


def test_exports_keep_consent_scope_and_purpose(
    admin: User, make_record: Callable[..., PersonRecord]
) -> None:
    _import(admin, data("pfif-1.4-every-field.xml"))
    make_record(admin.organization, given_name="Прихований", consent_sharing=False)
    redacted = _export(admin, ImportFormat.JSONL, full=False).decode()
    assert "Прихований" not in redacted
    for secret in ("oksana@ngo.example.org", "+380 44 123 45 67", "вул. Миру", "87500", "47.0951"):
        assert secret not in redacted
    assert "Маріуполь" in redacted  # the city is not an exact location
    full = _export(admin, ImportFormat.JSONL).decode()
    assert "oksana@ngo.example.org" in full and "47.0951" in full
    events = db.session.query(AuditEvent).filter(AuditEvent.tag == AuditTag.RECORD_EXPORT).all()
    assert len(events) == 2 and all("purpose=round trip test" in (e.detail or "") for e in events)
    assert {"scope=redacted" in (e.detail or "") for e in events} == {True, False}


def test_records_from_family_reports_export_as_valid_pfif(
    admin: User, make_record: Callable[..., PersonRecord]
) -> None:
    from tracing.models import PfifStatus
    from tracing.services.cases import change_status

    record = make_record(
        admin.organization,
        source_record_id="UA-7K3M-9QXP/1",
        consent_sharing=True,
        home_country="ukraine",  # not a country code: left out of PFIF
        author_email="not an address",
    )
    make_record(admin.organization, source_record_id="plain-id", consent_sharing=True)
    change_status(admin, record, PfifStatus.BELIEVED_ALIVE, "internal reasons")
    db.session.commit()
    exported = _export(admin, ImportFormat.PFIF)
    assert_schema_valid(exported)
    text = exported.decode()
    assert "internal reasons" not in text and "believed_alive" in text
    assert "tracing.local/" + admin.organization.slug + "/plain-id" in text


def test_csv_export_is_excel_ready_and_neutralises_formulas(admin: User) -> None:
    content = (
        b"person_record_id,given_name,family_name,author_phone,description,source_date\n"
        b'f1,"=cmd|\' /C calc\'!A0",@SUM(1),+380 67 123 45 67,"\t=HYPERLINK(""x"")",'
        b"2024-01-01T00:00:00Z\n"
    )
    _import(admin, content, ImportFormat.CSV)
    exported = exporter.export(
        admin.organization, ImportFormat.CSV, full=True, purpose="test", delimiter=";"
    )
    assert exported.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    row = rows[0]
    assert row["given_name"] == "'=cmd|' /C calc'!A0"
    assert row["family_name"] == "'@SUM(1)"
    assert row["author_phone"] == "+380 67 123 45 67"  # a phone number stays as it is
    assert row["description"] == '\'=HYPERLINK("x")'  # stored without the TAB
    # ... and our own file imports back to the original values.
    report = importer.dry_run(admin.organization, ImportFormat.CSV, exported.content)
    assert report.ok and not report.changes_anything


@pytest.mark.parametrize(
    ("cell", "escaped"),
    [
        ("=1+2", True),
        ("+SUM(A1)", True),
        ("-2+3", True),
        ("@cmd", True),
        ("|pipe", True),
        ("%x", True),
        ("\ufeff=1", True),
        ("\t=1", True),
        ("\x00=1", True),
        ("+380 67 123 45 67", False),
        ("+1 (555) 123-4567", False),
        ("-12", False),
        ("-1.5", False),
        ("Шевченко", False),
        ("a=b", False),
        ("", False),
    ],
)
def test_formula_escaping(cell: str, escaped: bool) -> None:
    assert csv_format.escape_formula(cell) == ("'" + cell if escaped else cell)
    assert csv_format.unescape_formula(csv_format.escape_formula(cell)) == cell


def test_json_record_shape_round_trips(app: Flask) -> None:
    person = {"person_record_id": "x/1", "alternate_names": "a\nb", "consent_sharing": "true"}
    obj = jsonl.record_to_json(person, [{"note_record_id": "x/n1", "author_made_contact": "false"}])
    assert obj["source_record_id"] == "x/1" and obj["alternate_names"] == ["a", "b"]
    assert obj["consent_sharing"] is True and obj["notes"][0]["author_made_contact"] is False
    row = jsonl.row_from_json(1, obj)
    assert (
        row.person["alternate_names"] == "a\nb" and row.notes[0]["author_made_contact"] == "false"
    )
