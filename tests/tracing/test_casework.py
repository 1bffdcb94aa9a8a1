"""Caseworkers: the record list with filters, the record page, notes, statuses, audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.tracing.conftest import csrf_token, login
from tracing.db import db, utcnow
from tracing.models import (
    AuditEvent,
    AuditTag,
    CaseEvent,
    Circumstances,
    EventKind,
    Organization,
    PersonRecord,
    PfifStatus,
    RecordKind,
    User,
)


def _views_of(record: PersonRecord) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.tag == AuditTag.RECORD_VIEW, AuditEvent.object_id == record.id)
        )
        or 0
    )


def test_each_record_view_writes_exactly_one_audit_event(
    client: FlaskClient, make_user: Callable[..., User], make_record: Callable[..., PersonRecord]
) -> None:
    user = make_user()
    record = make_record(user.organization)
    login(client, user)
    for expected in (1, 2):
        assert client.get(f"/cases/records/{record.id}").status_code == 200
        assert _views_of(record) == expected
    # the edit form shows the whole record too
    assert client.get(f"/cases/records/{record.id}/edit").status_code == 200
    assert _views_of(record) == 3
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.tag == AuditTag.RECORD_VIEW)
    ).first()
    assert event is not None
    assert (event.actor_id, event.actor_org_id, event.object_type) == (
        user.id,
        user.org_id,
        "person_records",
    )


def test_a_refused_view_writes_no_view_event(
    client: FlaskClient,
    make_user: Callable[..., User],
    make_org: Callable[..., Organization],
    make_record: Callable[..., PersonRecord],
) -> None:
    record = make_record(make_org())
    login(client, make_user())
    assert client.get(f"/cases/records/{record.id}").status_code == 404
    assert _views_of(record) == 0


def test_the_record_page_shows_the_record_and_its_timeline(
    client: FlaskClient, make_user: Callable[..., User], make_record: Callable[..., PersonRecord]
) -> None:
    user = make_user()
    record = make_record(user.organization, patronymic="Петрович", birth_place="Маріуполь")
    db.session.add(
        CaseEvent(
            record_id=record.id,
            kind=EventKind.FAMILY_INFO,
            body="Бачили в Ростові",
            author_label="family",
        )
    )
    login(client, user)
    page = client.get(f"/cases/records/{record.id}?lang=en").get_data(as_text=True)
    assert "Шевченко Олександр Петрович" in page
    assert "Маріуполь" in page
    assert "Бачили в Ростові" in page and "Information from the family" in page


def test_add_a_note(
    client: FlaskClient, make_user: Callable[..., User], make_record: Callable[..., PersonRecord]
) -> None:
    user = make_user()
    record = make_record(user.organization)
    login(client, user)
    url = f"/cases/records/{record.id}"
    response = client.post(
        f"{url}/notes", data={"body": "Подзвонила бабуся", "csrf_token": csrf_token(client, url)}
    )
    assert response.status_code == 302
    note = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.kind == EventKind.NOTE)).one()
    assert (note.body, note.author_id) == ("Подзвонила бабуся", user.id)
    assert AuditTag.RECORD_NOTE_ADD in db.session.scalars(sa.select(AuditEvent.tag)).all()


def test_an_empty_note_shows_an_error_and_keeps_the_other_form(
    client: FlaskClient, make_user: Callable[..., User], make_record: Callable[..., PersonRecord]
) -> None:
    user = make_user()
    record = make_record(user.organization)
    login(client, user)
    url = f"/cases/records/{record.id}"
    response = client.post(
        f"{url}/notes?lang=en", data={"body": "  ", "csrf_token": csrf_token(client, url)}
    )
    assert response.status_code == 200
    assert "Write the note" in response.get_data(as_text=True)
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(CaseEvent)
            .where(CaseEvent.kind == EventKind.NOTE)
        )
        == 0
    )


def test_change_the_status(
    client: FlaskClient, make_user: Callable[..., User], make_record: Callable[..., PersonRecord]
) -> None:
    user = make_user()
    record = make_record(user.organization)
    login(client, user)
    url = f"/cases/records/{record.id}"
    response = client.post(
        f"{url}/status",
        data={
            "status": "believed_alive",
            "body": "Фото з табору",
            "csrf_token": csrf_token(client, url),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PersonRecord, record.id).pfif_status is PfifStatus.BELIEVED_ALIVE  # type: ignore[union-attr]
    entry = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.kind == EventKind.STATUS)).one()
    assert entry.pfif_status is PfifStatus.BELIEVED_ALIVE and entry.body == "Фото з табору"


def test_unknown_status_is_refused(
    client: FlaskClient, make_user: Callable[..., User], make_record: Callable[..., PersonRecord]
) -> None:
    user = make_user()
    record = make_record(user.organization)
    login(client, user)
    url = f"/cases/records/{record.id}"
    response = client.post(
        f"{url}/status", data={"status": "found_on_mars", "csrf_token": csrf_token(client, url)}
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(PersonRecord, record.id).pfif_status is None  # type: ignore[union-attr]


def test_notes_need_a_csrf_token(
    client: FlaskClient, make_user: Callable[..., User], make_record: Callable[..., PersonRecord]
) -> None:
    user = make_user()
    record = make_record(user.organization)
    login(client, user)
    response = client.post(f"/cases/records/{record.id}/notes", data={"body": "x"})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)) == 0


def test_timeline_entries_are_append_only(
    app,
    make_user: Callable[..., User],
    make_record: Callable[..., PersonRecord],  # type: ignore[no-untyped-def]
) -> None:
    import pytest

    user = make_user()
    record = make_record(user.organization)
    entry = CaseEvent(record_id=record.id, kind=EventKind.NOTE, body="a", author_id=user.id)
    db.session.add(entry)
    db.session.flush()
    entry.body = "changed"
    with pytest.raises(ValueError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_the_list_filters(
    client: FlaskClient, make_user: Callable[..., User], make_record: Callable[..., PersonRecord]
) -> None:
    user = make_user()
    org = user.organization
    sought = make_record(org, given_name="Ганна", circumstances=Circumstances.DEPORTED)
    found = make_record(
        org, kind=RecordKind.FOUND, given_name="Анна", circumstances=Circumstances.MISSING
    )
    old = make_record(org, given_name="Олена")
    old.created_at = utcnow() - timedelta(days=400)
    db.session.commit()
    login(client, user)

    def names(query: str) -> set[str]:
        page = client.get(f"/cases/records?{query}").get_data(as_text=True)
        return {n for n in ("Ганна", "Анна", "Олена") if f"Шевченко {n}<" in page}

    assert names("") == {"Ганна", "Анна", "Олена"}
    assert names("kind=found") == {"Анна"}
    assert names("circumstances=deported") == {"Ганна"}
    since = (utcnow() - timedelta(days=30)).date().isoformat()
    assert names(f"from={since}") == {"Ганна", "Анна"}
    assert names("stage=reported&kind=sought") == {"Ганна", "Олена"}
    assert names("kind=nonsense") == {"Ганна", "Анна", "Олена"}  # ignored, not an error
    assert sought.id and found.id


def test_the_list_pages_through_many_records(
    app_factory: Callable[..., Flask],
    make_user: Callable[..., User],
    make_record: Callable[..., PersonRecord],
) -> None:
    app = app_factory(PAGE_SIZE=2)
    client = app.test_client()
    user = make_user()
    for name in ("Анна", "Богдан", "Віра"):
        make_record(user.organization, given_name=name)
    login(client, user)
    db.session.commit()
    first = client.get("/cases/records?kind=sought&lang=en").get_data(as_text=True)
    assert "Next page" in first and "Previous page" not in first
    assert "kind=sought" in first and "page=2" in first  # filters survive paging
    second = client.get("/cases/records?kind=sought&page=2&lang=en").get_data(as_text=True)
    assert "Previous page" in second and "Next page" not in second
    assert "Шевченко Анна<" in second  # oldest last
