"""Bulk imports through the services: dry run, all or nothing, idempotence, history, revert."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from tests.tracing.exchange_helpers import count, data, org_records
from tracing.db import db
from tracing.models import (
    AuditEvent,
    AuditTag,
    BatchStatus,
    CaseEvent,
    EventKind,
    ImportBatch,
    ImportFormat,
    MatchKey,
    NameKind,
    Organization,
    PersonRecord,
    PfifStatus,
    RecordLink,
    RecordRevision,
    RevisionAction,
    Role,
    Sex,
    User,
)
from tracing.services.exchange import importer
from tracing.services.exchange.importer import ImportOptions

CSV_HEADER = "person_record_id,given_name,family_name,sex,date_of_birth,source_date\n"


def _csv(*rows: str) -> bytes:
    return (CSV_HEADER + "".join(row + "\n" for row in rows)).encode()


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.ORG_ADMIN)


def _import(
    admin: User, fmt: ImportFormat, content: bytes, **options: bool
) -> importer.ImportReport:
    report = importer.import_file(
        admin.organization, fmt, content, ImportOptions(**options), actor=admin
    )
    db.session.commit()
    return report


def test_a_dry_run_reports_every_problem_by_row_and_writes_nothing(admin: User) -> None:
    content = _csv(
        "a1,Олена,Коваль,female,2015-02-30,2024-01-01T00:00:00Z",  # no 30 February
        "a2,Іван,Коваль,unknown,2015,2024-01-01T00:00:00Z",  # unknown sex
        "a1,Петро,Коваль,male,2015,2024-01-01T00:00:00Z",  # a1 again, another person
        "a3,,,male,2015,2024-01-01T00:00:00Z",  # no name
        "a4,Марко,Коваль,male,2016,yesterday",  # not a date and time
    )
    report = importer.dry_run(admin.organization, ImportFormat.CSV, content)
    found = {(i.row, i.code, i.field) for i in report.errors}
    assert found == {
        (2, "bad_date", "date_of_birth"),
        (3, "unknown_sex", "sex"),
        (4, "duplicate_id", "person_record_id"),
        (5, "missing_name", "given_name"),
        (6, "bad_datetime", "source_date"),
    }
    assert count(PersonRecord) == 0 and count(ImportBatch) == 0


def test_one_bad_row_means_nothing_is_imported(admin: User) -> None:
    good = [f"g{n},Ім'я{n},Прізвище,female,2015,2024-01-01T00:00:00Z" for n in range(20)]
    report = _import(admin, ImportFormat.CSV, _csv(*good, "bad,Ім'я,Прізвище,female,2015-13,"))
    assert not report.ok and [i.row for i in report.errors] == [22]
    assert count(PersonRecord) == 0 and count(ImportBatch) == 0 and count(CaseEvent) == 0


def test_importing_the_same_file_twice_changes_nothing(admin: User) -> None:
    content = data("pfif-1.4-every-field.xml")
    first = _import(admin, ImportFormat.PFIF, content, consent_sharing=True)
    assert first.ok and first.batch_id is not None
    assert (first.counts["created"], first.counts["notes"]) == (2, 4)
    before = (count(PersonRecord), count(CaseEvent), count(RecordRevision), count(ImportBatch))
    versions = [r.version for r in org_records(admin.organization)]

    again = _import(admin, ImportFormat.PFIF, content, consent_sharing=True)
    assert again.ok and again.batch_id is None and again.duplicate_of == first.batch_id
    assert not again.changes_anything
    assert (
        count(PersonRecord),
        count(CaseEvent),
        count(RecordRevision),
        count(ImportBatch),
    ) == before
    assert [r.version for r in org_records(admin.organization)] == versions


def test_a_newer_source_date_updates_and_keeps_the_history(admin: User) -> None:
    _import(admin, ImportFormat.CSV, _csv("k1,Олена,Коваль,female,2015,2024-01-01T00:00:00Z"))
    newer = _import(
        admin, ImportFormat.CSV, _csv("k1,Олена,Ковальчук,female,2015-05,2024-02-01T00:00:00Z")
    )
    assert newer.counts["updated"] == 1
    older = _import(
        admin, ImportFormat.CSV, _csv("k1,Олена,Стара,female,2015,2023-01-01T00:00:00Z")
    )
    assert older.counts["updated"] == 0 and [i.code for i in older.warnings] == ["stale"]

    record = org_records(admin.organization)[0]
    assert record.family_name == "Ковальчук"
    assert record.birth_date is not None and record.birth_date.month == 5
    revisions = db.session.scalars(
        sa.select(RecordRevision)
        .where(RecordRevision.record_id == record.id)
        .order_by(RecordRevision.id)
    ).all()
    assert [r.action for r in revisions] == [RevisionAction.CREATED, RevisionAction.UPDATED]
    changes = revisions[1].changes
    assert changes["family_name"] == ["Коваль", "Ковальчук"]
    assert changes["birth_date"] == ["2015-01-01", "2015-05-01"]
    assert changes["source_date"][1].startswith("2024-02-01")
    assert revisions[1].batch_id == record.import_batch_id != revisions[0].batch_id


def test_provenance_is_on_the_record_and_its_page(
    admin: User,
    client,
    make_user: Callable[..., User],  # type: ignore[no-untyped-def]
) -> None:
    from tests.tracing.conftest import login

    report = _import(admin, ImportFormat.PFIF, data("pfif-1.4-every-field.xml"))
    record = org_records(admin.organization)[0]
    assert record.import_batch_id == report.batch_id
    batch = db.session.get(ImportBatch, report.batch_id)
    assert batch is not None and batch.created_by_id == admin.id
    assert (batch.row_count, batch.created_count, batch.note_count) == (3, 2, 4)
    caseworker = make_user(Role.CASEWORKER, org=admin.organization)
    login(client, caseworker)
    page = client.get(f"/cases/records/{record.id}?lang=en").get_data(as_text=True)
    assert f"batch #{batch.id}" in page and admin.name in page
    assert "ngo.example.org/person.1001" in page and "History of changes" in page


def test_pfif_fields_notes_names_and_links_are_kept(admin: User) -> None:
    _import(admin, ImportFormat.PFIF, data("pfif-1.4-every-field.xml"))
    first, second = org_records(admin.organization)
    assert (first.given_name, first.family_name, first.sex) == ("Олександр", "Шевченко", Sex.MALE)
    assert first.home_city == "Маріуполь" and first.home_street == "вул. Миру, 5"
    assert (first.age_min, first.age_max) == (9, 11)
    assert first.profile_urls == "https://social.example/one\nhttps://social.example/two"
    names = {(n.name, n.kind) for n in first.alternate_names}
    assert names == {
        ("Шевченко Олександр", NameKind.FULL_NAME),
        ("Shevchenko Oleksandr", NameKind.FULL_NAME),
        ("Саша Шевченко", NameKind.SPELLING),
        ("Aleksandr Shevchenko", NameKind.SPELLING),
    }
    notes = sorted(
        (e for e in first.events if e.kind is not EventKind.LINKED),
        key=lambda e: e.source_note_id or "",
    )
    assert [e.kind for e in notes] == [
        EventKind.REPORTED,
        EventKind.STATUS,
        EventKind.STATUS,
        EventKind.STATUS,
    ]
    note1 = next(e for e in notes if e.source_note_id == "ngo.example.org/note.1")
    assert note1.pfif_status is PfifStatus.BELIEVED_MISSING and note1.author_label == "Петро Гнатюк"
    assert note1.pfif_details == {
        "linked_person_record_id": "ngo.example.org/person.1002",
        "author_email": "petro@ngo.example.org",
        "author_phone": "+380 67 000 11 22",
        "author_made_contact": "false",
        "email_of_found_person": "found@example.org",
        "phone_of_found_person": "+7 (495) 000-00-00",
        "last_known_location": "47.0951 37.5413",
        "photo_url": "https://ngo.example.org/photos/note-1.jpg",
    }
    # The newest note by source date decides the status, not the last one entered.
    assert first.pfif_status is PfifStatus.BELIEVED_ALIVE
    assert second.display_name == "Alexander Schewtschenko"
    assert second.pfif_status is PfifStatus.IS_NOTE_AUTHOR  # from the note outside its person
    link = db.session.scalars(sa.select(RecordLink)).one()
    assert (link.record_id, link.linked_record_id) == (first.id, second.id)
    # PFIF's link means "the same person": one linked group, considered once by matching.
    from tracing.models import MatchProfile

    groups = {
        db.session.get(MatchProfile, record_id).group_id  # type: ignore[union-attr]
        for record_id in (first.id, second.id)
    }
    assert len(groups) == 1
    assert EventKind.LINKED in {e.kind for e in first.events}


def test_older_pfif_versions_are_renamed_as_pfif_1_4_does(admin: User) -> None:
    _import(admin, ImportFormat.PFIF, data("pfif-1.2-old-names.xml"))
    _import(admin, ImportFormat.PFIF, data("pfif-1.1-zip.xml"))
    by_id = {r.source_record_id: r for r in org_records(admin.organization)}
    anna, ivan = by_id["registry.example.org/p.7"], by_id["old.example.org/person.3"]
    assert (anna.given_name, anna.family_name, anna.description) == (
        "Ганна",
        "Бондар",
        "Носить окуляри.",
    )
    note = next(e for e in anna.events if e.source_note_id)
    assert note.pfif_details == {"author_made_contact": "true"}
    assert (ivan.given_name, ivan.home_postal_code) == ("Ivan", "01001")
    # "other" with labels besides description is kept whole rather than cut.
    assert ivan.description == "description: tall\nheight: 150 cm"


def test_revert_removes_what_an_import_created_and_restores_what_it_changed(admin: User) -> None:
    first = _import(
        admin, ImportFormat.CSV, _csv("r1,Олена,Коваль,female,2015,2024-01-01T00:00:00Z")
    )
    second = _import(
        admin,
        ImportFormat.CSV,
        _csv(
            "r1,Олена,Ковальчук,female,2015,2024-02-01T00:00:00Z",
            "r2,Іван,Коваль,male,2016,2024-02-01T00:00:00Z",
        ),
    )
    batch = db.session.get(ImportBatch, second.batch_id)
    assert batch is not None
    importer.revert(batch, admin)
    db.session.commit()
    db.session.expire_all()
    records = org_records(admin.organization)
    assert [(r.source_record_id, r.family_name) for r in records] == [("r1", "Коваль")]
    assert records[0].import_batch_id == first.batch_id
    # the removed record's match keys go with it; the restored record's are its own again
    keyed = db.session.scalars(sa.select(MatchKey.record_id).distinct()).all()
    assert keyed == [records[0].id]
    assert batch.status is BatchStatus.REVERTED
    assert AuditTag.IMPORT_REVERT in db.session.scalars(sa.select(AuditEvent.tag)).all()
    # Once reverted, the same file may be imported again.
    again = _import(admin, ImportFormat.CSV, _csv("r2,Іван,Коваль,male,2016,2024-02-01T00:00:00Z"))
    assert again.counts["created"] == 1


def test_revert_is_refused_once_someone_worked_on_the_records(admin: User) -> None:
    from tracing.services.cases import add_note

    report = _import(
        admin, ImportFormat.CSV, _csv("w1,Олена,Коваль,female,2015,2024-01-01T00:00:00Z")
    )
    record = org_records(admin.organization)[0]
    add_note(admin, record, "Подзвонили родині")
    batch = db.session.get(ImportBatch, report.batch_id)
    assert batch is not None
    with pytest.raises(importer.RevertRefused, match="changed_since"):
        importer.revert(batch, admin)


def test_revert_is_refused_once_a_caseworker_corrected_a_record(admin: User) -> None:
    from tracing.models import RecordRevision, RevisionAction
    from tracing.services.cases import update_record

    report = _import(
        admin, ImportFormat.CSV, _csv("k1,Олена,Коваль,female,2015,2024-01-01T00:00:00Z")
    )
    record = org_records(admin.organization)[0]
    update_record(
        admin,
        record,
        {"given_name": "Олена", "family_name": "Ковальчук", "sex": "female", "birth": "2015"},
        seen_version=record.version,
    )
    # the correction is in the record's history, with who made it
    revision = db.session.scalars(
        sa.select(RecordRevision).where(
            RecordRevision.actor_id == admin.id, RecordRevision.action == RevisionAction.UPDATED
        )
    ).one()
    assert revision.changes["family_name"] == ["Коваль", "Ковальчук"]
    batch = db.session.get(ImportBatch, report.batch_id)
    assert batch is not None
    with pytest.raises(importer.RevertRefused, match="changed_since"):
        importer.revert(batch, admin)
    assert org_records(admin.organization)[0].family_name == "Ковальчук"


def test_revert_is_refused_once_a_caseworker_decided_on_a_suggestion(admin: User) -> None:
    from tracing.models import Suggestion, Verdict
    from tracing.services import review

    content = (
        "person_record_id,given_name,family_name,sex,date_of_birth,consent_tracing\n"
        "d1,Олена,Коваль,female,2015-04-02,true\nd2,Елена,Коваль,female,2015-04-02,true\n"
    )
    report = _import(admin, ImportFormat.CSV, content.encode())
    suggestion = db.session.scalars(sa.select(Suggestion)).one()
    review.decide(admin, suggestion, Verdict.UNSURE, seen_version=suggestion.version)
    batch = db.session.get(ImportBatch, report.batch_id)
    assert batch is not None
    with pytest.raises(importer.RevertRefused, match="changed_since"):
        importer.revert(batch, admin)


@pytest.mark.parametrize(
    ("name", "content", "fmt", "code"),
    [
        (
            "external entity",
            b'<?xml version="1.0"?><!DOCTYPE pfif [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"><pfif:person>'
            b"<pfif:person_record_id>a/1</pfif:person_record_id><pfif:full_name>&x;</pfif:full_name>"
            b"</pfif:person></pfif:pfif>",
            ImportFormat.PFIF,
            "xml_doctype",
        ),
        (
            "billion laughs",
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
            + b"".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">'.encode() for i in range(1, 10))
            + b']><pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">&lol9;</pfif:pfif>',
            ImportFormat.PFIF,
            "xml_doctype",
        ),
        (
            "ten megabyte line",
            b"person_record_id,given_name\n1," + b"x" * 10_000_000 + b"\n",
            ImportFormat.CSV,
            "line_too_long",
        ),
        (
            "Latin-1, not Windows-1251",
            "person_record_id,given_name\n1,Müller\n".encode("latin-1"),
            ImportFormat.CSV,
            "bad_encoding",
        ),
        (
            "UTF-16",
            "person_record_id,given_name\n1,Іван\n".encode("utf-16"),
            ImportFormat.CSV,
            "bad_encoding",
        ),
        ("NUL bytes", b"person_record_id,given_name\n1,Iv\x00an\n", ImportFormat.CSV, "nul_bytes"),
        (
            "NUL bytes in JSON Lines",
            b'{"source_record_id": "1", "given_name": "Iv\x00an"}\n',
            ImportFormat.JSONL,
            "nul_bytes",
        ),
        ("not XML", b"<pfif:pfif", ImportFormat.PFIF, "xml_malformed"),
        ("XML, not PFIF", b"<rss><channel/></rss>", ImportFormat.PFIF, "not_pfif"),
    ],
)
def test_hostile_files_are_refused_with_a_clear_report_and_nothing_written(
    admin: User,
    app,
    name: str,
    content: bytes,
    fmt: ImportFormat,
    code: str,  # type: ignore[no-untyped-def]
) -> None:
    from tracing.exchange.messages import describe

    report = _import(admin, fmt, content)
    assert [i.code for i in report.errors] == [code], name
    with app.test_request_context("/?lang=en"):
        assert describe(report.errors[0]) != code  # a sentence, not a code
    assert count(PersonRecord) == 0 and count(ImportBatch) == 0


def test_windows_1251_is_detected_and_converted(admin: User) -> None:
    content = "person_record_id;given_name;family_name\n1;Олександр;Шевченко\n".encode("cp1251")
    report = _import(admin, ImportFormat.CSV, content)
    assert report.ok and report.encoding == "windows-1251"
    assert org_records(admin.organization)[0].given_name == "Олександр"


def test_utf8_with_a_bom_and_person_finder_csv_columns(admin: User) -> None:
    content = (
        "\ufeffperson_record_id,author_name,source_date,full_name,sex,note_record_id,"
        "author_made_contact,status,text\n"
        "1,Test Author,2013-02-14T00:00:00Z,Test Person,male,1,FALSE,believed_missing,Missing\n"
        "1,Test Author,2013-02-14T00:00:00Z,Test Person,male,2,TRUE,believed_alive,Found\n"
    ).encode()
    report = _import(admin, ImportFormat.CSV, content)
    assert report.ok and report.counts["created"] == 1 and report.counts["notes"] == 2
    record = org_records(admin.organization)[0]
    assert record.display_name == "Test Person" and record.pfif_status is PfifStatus.BELIEVED_ALIVE
    authors = {e.author_label for e in record.events if e.source_note_id}
    assert authors == {"Test Author"}  # a note takes the row's author, as in Person Finder


def test_large_files_are_queued_then_imported_in_the_background(
    admin: User,
    app,  # type: ignore[no-untyped-def]
) -> None:
    app.config["EXCHANGE_INLINE_MAX_ROWS"] = 2
    rows = [f"q{n},Ім'я,Прізвище,female,2015,2024-01-01T00:00:00Z" for n in range(3)]
    report = _import(admin, ImportFormat.CSV, _csv(*rows))
    assert report.queued and count(PersonRecord) == 0
    runner = app.test_cli_runner()
    result = runner.invoke(args=["exchange", "run-pending"])
    assert f"batch {report.batch_id}: done" in result.output
    db.session.expire_all()
    assert count(PersonRecord) == 3
    batch = db.session.get(ImportBatch, report.batch_id)
    assert batch is not None and batch.payload is None and batch.created_count == 3
    assert "no queued imports" in runner.invoke(args=["exchange", "run-pending"]).output


def test_every_imported_record_goes_through_the_linking_hook(
    admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracing.services import linking

    seen: list[str] = []
    monkeypatch.setattr(
        linking,
        "records_changed",
        lambda records, **_: seen.extend(r.source_record_id for r in records),
    )
    _import(admin, ImportFormat.PFIF, data("pfif-1.4-every-field.xml"))
    assert sorted(seen) == ["ngo.example.org/person.1001", "ngo.example.org/person.1002"]


def test_an_organisation_imports_only_into_its_own_records(
    admin: User, make_org: Callable[..., Organization], make_record: Callable[..., PersonRecord]
) -> None:
    other = make_org()
    theirs = make_record(other, source_record_id="shared-id", family_name="Чужий")
    _import(admin, ImportFormat.CSV, _csv("shared-id,Олена,Моя,female,2015,2025-01-01T00:00:00Z"))
    db.session.refresh(theirs)
    assert theirs.family_name == "Чужий"
    mine = org_records(admin.organization)
    assert [r.family_name for r in mine] == ["Моя"]


def test_json_lines_rows_with_errors_are_reported_by_line(admin: User) -> None:
    content = (
        b'{"source_record_id": "j1", "given_name": "Ok"}\n'
        b"\n"
        b"{not json}\n"
        b'{"source_record_id": "j2", "given_name": ["a", 1]}\n'
        b"[1, 2]\n"
    )
    report = importer.dry_run(admin.organization, ImportFormat.JSONL, content)
    assert [(i.row, i.code) for i in report.errors] == [
        (3, "bad_json"),
        (4, "bad_value"),
        (5, "not_an_object"),
    ]
