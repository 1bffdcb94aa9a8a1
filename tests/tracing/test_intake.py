"""Family intake: the report pages, their errors in two languages, and what gets stored."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask.testing import FlaskClient

from tests.tracing.conftest import csrf_token, post_form
from tests.tracing.intake_helpers import CHILD, REPORTER, file_report
from tracing.db import db
from tracing.models import (
    AuditEvent,
    AuditTag,
    CaseEvent,
    DatePrecision,
    EventKind,
    IntakeDraft,
    NameSource,
    Organization,
    PersonRecord,
    RecordKind,
    Report,
    Script,
    Sex,
)


def test_a_family_files_a_report_for_one_child(
    client: FlaskClient, intake_org: Organization
) -> None:
    reference, code = file_report(client)
    assert reference.startswith("UA-") and len(code.replace("-", "")) == 16

    report = db.session.scalars(sa.select(Report).where(Report.reference == reference)).one()
    assert code not in report.access_code_hash  # stored hashed only
    assert report.reporter_name == "Марія Шевченко"
    [child] = report.children
    assert child.kind is RecordKind.SOUGHT
    assert (child.given_name, child.family_name, child.patronymic) == (
        "Олександр",
        "Шевченко",
        "Петрович",
    )
    assert child.given_name_script is Script.CYRILLIC
    assert child.sex is Sex.MALE
    assert child.birth_date == date(2014, 3, 5)
    assert child.birth_date_precision is DatePrecision.DAY
    assert child.last_seen_date == date(2022, 1, 1)
    assert child.last_seen_date_precision is DatePrecision.YEAR
    assert child.org_id == intake_org.id
    assert child.consent_tracing is True and child.consent_sharing is False
    assert [(n.name, n.script, n.source) for n in child.alternate_names] == [
        ("Саша", Script.CYRILLIC, NameSource.FAMILY),
        ("Oleksandr", Script.LATIN, NameSource.FAMILY),
    ]
    kinds = db.session.scalars(
        sa.select(CaseEvent.kind).where(CaseEvent.record_id == child.id)
    ).all()
    assert kinds == [EventKind.REPORTED]
    tags = db.session.scalars(sa.select(AuditEvent.tag)).all()
    assert AuditTag.REPORT_CREATE in tags and AuditTag.RECORD_CREATE in tags
    # The draft is gone once the report is sent.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IntakeDraft)) == 0


def test_siblings_in_one_report(client: FlaskClient, intake_org: Organization) -> None:
    sister = {
        **CHILD,
        "name": {
            "given_name": "Ганна",
            "family_name": "Шевченко",
            "patronymic": "Петрівна",
            "other_names": "",
        },
        "birth": {
            "sex": "female",
            "dob_day": "",
            "dob_month": "",
            "dob_year": "",
            "dob_unknown": "y",
            "age_min": "6",
            "age_max": "8",
        },
    }
    reference, _ = file_report(client, [CHILD, sister])
    report = db.session.scalars(sa.select(Report).where(Report.reference == reference)).one()
    assert [c.given_name for c in report.children] == ["Олександр", "Ганна"]
    anna = report.children[1]
    assert anna.birth_date is None and (anna.age_min, anna.age_max) == (6, 8)
    assert {c.source_record_id for c in report.children} == {f"{reference}/1", f"{reference}/2"}


def test_the_code_is_shown_once(client: FlaskClient, intake_org: Organization) -> None:
    file_report(client)
    again = client.get("/report/sent")
    assert again.status_code == 302  # the receipt is not shown a second time


def test_missing_name_is_reported_next_to_the_field_in_ukrainian(
    client: FlaskClient, intake_org: Organization
) -> None:
    post_form(client, "/report/about-you", REPORTER)
    response = post_form(
        client, "/report/child/1/name", {"given_name": "", "family_name": "Шевченко"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Помилка:" in page
    assert 'href="#given_name"' in page  # the summary links to the field
    assert "Введіть ім’я дитини" in page
    assert 'value="Шевченко"' in page  # what was typed is kept


def test_errors_in_english_when_english_is_chosen(
    client: FlaskClient, intake_org: Organization
) -> None:
    client.get("/?lang=en")
    response = post_form(client, "/report/about-you", {**REPORTER, "name": "", "phone": "12"})
    page = response.get_data(as_text=True)
    assert "<title>Error:" in page
    assert "Enter your name" in page
    assert "Enter a phone number with its digits" in page
    assert 'value="12"' in page


def test_a_contact_is_required(client: FlaskClient, intake_org: Organization) -> None:
    data = {**REPORTER, "phone": "", "email": "", "other_contact": ""}
    page = post_form(client, "/report/about-you?lang=en", data).get_data(as_text=True)
    assert "Give at least one way to contact you" in page


def test_bad_email(client: FlaskClient, intake_org: Organization) -> None:
    page = post_form(client, "/report/about-you?lang=en", {**REPORTER, "email": "not-an-address"})
    assert "Enter an e-mail address like name@example.com" in page.get_data(as_text=True)


def _birth(client: FlaskClient, lang: str, **fields: str) -> str:
    post_form(client, "/report/about-you", REPORTER)
    post_form(client, "/report/child/1/name", CHILD["name"])
    data = {"sex": "male", "dob_day": "", "dob_month": "", "dob_year": "", **fields}
    return post_form(client, f"/report/child/1/birth?lang={lang}", data).get_data(as_text=True)


def test_impossible_date_of_birth(client: FlaskClient, intake_org: Organization) -> None:
    page = _birth(client, "en", dob_day="31", dob_month="2", dob_year="2014")
    assert "This day does not exist in that month" in page
    assert 'value="31"' in page


def test_date_of_birth_error_in_russian(client: FlaskClient, intake_org: Organization) -> None:
    page = _birth(client, "ru", dob_day="3", dob_month="", dob_year="2014")
    assert "Введите месяц" in page


def test_date_in_the_future(client: FlaskClient, intake_org: Organization) -> None:
    page = _birth(client, "en", dob_year=str(date.today().year + 1))
    assert "Enter a year between 1900 and this year" in page


def test_no_date_and_no_dont_know(client: FlaskClient, intake_org: Organization) -> None:
    page = _birth(client, "en")
    assert "Enter the date of birth or the year, or tick" in page
    assert 'href="#dob_day"' in page  # the error links to the first empty box


def test_age_range_must_be_ordered(client: FlaskClient, intake_org: Organization) -> None:
    page = _birth(client, "en", dob_unknown="y", age_min="9", age_max="4")
    assert "The second age must not be smaller" in page


def test_month_words_in_three_languages(client: FlaskClient, intake_org: Organization) -> None:
    for month, expected in (("березня", 3), ("марта", 3), ("March", 3), ("лист", 11)):
        post_form(client, "/report/about-you", REPORTER)
        post_form(client, "/report/child/1/name", CHILD["name"])
        response = post_form(
            client,
            "/report/child/1/birth",
            {"sex": "male", "dob_day": "2", "dob_month": month, "dob_year": "2015"},
        )
        assert response.status_code == 302, month
        db.session.expire_all()
        draft = db.session.scalars(sa.select(IntakeDraft)).first()
        assert draft is not None
        assert draft.data["children"][0]["dob_month"] == month
        from tracing.partial_dates import parse_parts

        assert parse_parts("2", month, "2015").value.month == expected


def test_places_need_an_answer_or_dont_know(client: FlaskClient, intake_org: Organization) -> None:
    post_form(client, "/report/about-you", REPORTER)
    post_form(client, "/report/child/1/name", CHILD["name"])
    post_form(client, "/report/child/1/birth", CHILD["birth"])
    page = post_form(client, "/report/child/1/places?lang=en", {}).get_data(as_text=True)
    assert page.count("Enter a place, or tick") == 4  # in the summary and next to each field
    assert 'href="#birth_place"' in page and 'href="#last_seen_place"' in page
    ok = post_form(
        client,
        "/report/child/1/places",
        {"birth_place_unknown": "y", "last_seen_place_unknown": "y", "seen_unknown": "y"},
    )
    assert ok.status_code == 302


def test_consent_is_required(client: FlaskClient, intake_org: Organization) -> None:
    post_form(client, "/report/about-you", REPORTER)
    for step, data in CHILD.items():
        post_form(client, f"/report/child/1/{step}", data)
    page = post_form(client, "/report/check?lang=en", {}).get_data(as_text=True)
    assert "We can only search for the child with your agreement" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonRecord)) == 0


def test_check_page_shows_answers_with_change_links(
    client: FlaskClient, intake_org: Organization
) -> None:
    post_form(client, "/report/about-you", REPORTER)
    for step, data in CHILD.items():
        post_form(client, f"/report/child/1/{step}", data)
    page = client.get("/report/check?lang=en").get_data(as_text=True)
    assert "Олександр" in page and "5 березня 2014" in page and "Маріуполь" in page
    assert "/report/child/1/birth?change=1" in page
    # Changing an answer returns to the check page.
    changed = post_form(
        client,
        "/report/child/1/circumstances?change=1",
        {**CHILD["circumstances"], "circumstances": "missing"},
    )
    assert changed.headers["Location"].endswith("/report/check")


def test_post_without_csrf_token_is_refused(client: FlaskClient, intake_org: Organization) -> None:
    response = client.post("/report/about-you", data=REPORTER)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IntakeDraft)) == 0
    assert "Марія Шевченко" in response.get_data(as_text=True)  # nothing typed is lost


def test_child_pages_need_the_first_step(client: FlaskClient, intake_org: Organization) -> None:
    assert client.get("/report/child/1/name").headers["Location"].endswith("/report/about-you")
    post_form(client, "/report/about-you", REPORTER)
    # Cannot skip ahead to a child that has not been started.
    assert client.get("/report/child/3/name").status_code == 302


def test_quick_exit_forgets_the_draft(client: FlaskClient, intake_org: Organization) -> None:
    post_form(client, "/report/about-you", REPORTER)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IntakeDraft)) == 1
    response = client.get("/exit")
    assert response.status_code == 302 and not response.headers["Location"].startswith("/")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IntakeDraft)) == 0
    assert client.get("/report/child/1/name").headers["Location"].endswith("/report/about-you")


def test_no_child_name_in_urls_or_titles(client: FlaskClient, intake_org: Organization) -> None:
    post_form(client, "/report/about-you", REPORTER)
    response = post_form(client, "/report/child/1/name", CHILD["name"])
    assert "Олександр" not in response.headers["Location"]
    page = client.get("/report/child/1/birth").get_data(as_text=True)
    title = page.split("<title>")[1].split("</title>")[0]
    assert "Олександр" not in title


def test_token_is_bound_to_the_session(client: FlaskClient, app, intake_org: Organization) -> None:  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/report/about-you")
    other = app.test_client()
    response = other.post("/report/about-you", data={**REPORTER, "csrf_token": token})
    assert response.status_code == 400
