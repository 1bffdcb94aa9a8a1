"""Every error the family pages can show, in Ukrainian (the default), English and Russian.

Each case submits one page with one wrong or missing answer and checks that the page comes
back (200: a failed submission re-renders the page; only a stale form token is a 400),
that the translated message is next to the field and in the error summary with a link to
the field, that everything typed is shown again, and that nothing was stored.

The app's messages are looked up in its catalogs (so a message missing from a catalog, or
left fuzzy, fails here); the few generic messages that come from WTForms' own catalogs
(length limits, an answer that is not one of the choices) are spelled out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import lxml.html
import pytest
import sqlalchemy as sa
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import REPO
from tests.tracing.conftest import csrf_token, post_form
from tests.tracing.intake_helpers import CHILD, REPORTER, file_report
from tracing.db import db
from tracing.models import (
    AuditEvent,
    AuditTag,
    CaseEvent,
    FailedAttempt,
    IntakeDraft,
    Organization,
    PersonRecord,
    Report,
)

LANGUAGES = ["uk", "en", "ru"]

# --- expected messages ----------------------------------------------------------------


@cache
def _catalog(lang: str) -> Catalog:
    path = REPO / "tracing" / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        return read_po(po)


def tr(msgid: str, lang: str) -> str:
    """The app's message in ``lang``, as its catalog has it (and the app must show)."""
    entry = _catalog(lang).get(msgid)
    assert entry is not None, f"{msgid!r} is not in the {lang} catalog"
    assert not entry.fuzzy, f"{msgid!r} is fuzzy in the {lang} catalog (shown in English)"
    text = entry.string or (msgid if lang == "en" else "")
    assert isinstance(text, str) and text, f"{msgid!r} has no {lang} translation"
    return text


# WTForms' own catalogs: Ukrainian plural of "символ" for each limit the forms use.
_UK_CHARACTERS = {3: "символи", 4: "символи", 20: "символів", 40: "символів", 64: "символи"}
_UK_CHARACTERS |= {254: "символи", 300: "символів"}


def too_long(limit: int) -> dict[str, str]:
    """WTForms' default Length message, for fields without a message of their own."""
    return {
        "uk": f"Значення поля має містити не більше ніж {limit} {_UK_CHARACTERS[limit]}.",
        "en": f"Field cannot be longer than {limit} characters.",
        "ru": f"Значение не должно содержать более {limit} символов.",
    }


NOT_A_CHOICE = {"uk": "Недійсний варіант.", "en": "Not a valid choice.", "ru": "Неверный вариант."}

Message = str | dict[str, str]  # an app msgid, or a WTForms message in each language


def expected(message: Message, lang: str) -> str:
    return message[lang] if isinstance(message, dict) else tr(message, lang)


AT_MOST_200 = "Enter at most 200 characters"
AT_MOST_5000 = "Enter at most 5000 characters"
WHOLE_YEARS = "Enter an age in whole years, from 0 to 30"
YEAR_MISSING = "Enter the year, or tick “I don't know”"
YEAR_FORMAT = "Enter the year as four digits, for example 2015"
YEAR_RANGE = "Enter a year between 1900 and this year"
MONTH_MISSING = "Enter the month as well as the day, or only the year"
MONTH_RANGE = "Enter a month from 1 to 12"
MONTH_UNKNOWN = "Enter the month as a number or a word, for example 3 or March"
DAY_FORMAT = "Enter the day as a number, for example 5"
DAY_RANGE = "This day does not exist in that month"
FUTURE = "The date must be in the past"

# --- the pages and valid answers for each ---------------------------------------------

# Filled in once the report exists (see _open).
REFERENCE, CODE, FIRST_CHILD = "<reference>", "<code>", "<first child>"

PATHS = {
    "reporter": "/report/about-you",
    "name": "/report/child/1/name",
    "birth": "/report/child/1/birth",
    "places": "/report/child/1/places",
    "circumstances": "/report/child/1/circumstances",
    "children": "/report/children",
    "check": "/report/check",
    "status": "/status",
    "status_view": "/status/report",
}
VALID: dict[str, dict[str, str]] = {
    "reporter": REPORTER,
    "name": CHILD["name"],
    "birth": {
        "sex": "female",
        "dob_day": "5",
        "dob_month": "березня",
        "dob_year": "2014",
        "age_min": "",
        "age_max": "",
    },
    "places": {**CHILD["places"], "last_seen_place": "Бердянськ"},
    "circumstances": CHILD["circumstances"],
    "children": {"add_another": "no"},
    "check": {"consent_tracing": "y", "consent_sharing": "y"},
    "status": {"reference": REFERENCE, "code": CODE},
    "status_view": {"child": FIRST_CHILD, "information": "Бачили в Ростові"},
}
INTAKE_STEPS = ["reporter", "name", "birth", "places", "circumstances", "children", "check"]


def _open(client: FlaskClient, page: str) -> dict[str, str]:
    """Answer the pages before ``page``; returns the values for the placeholders."""
    if page in ("status", "status_view"):
        reference, code = file_report(client, [CHILD, CHILD])
        if page == "status":
            return {REFERENCE: reference, CODE: code}
        opened = post_form(client, "/status", {"reference": reference, "code": code})
        assert opened.status_code == 302
        report = db.session.scalars(sa.select(Report).where(Report.reference == reference)).one()
        return {FIRST_CHILD: str(report.children[0].id)}
    for step in INTAKE_STEPS[: INTAKE_STEPS.index(page)]:
        response = post_form(client, PATHS[step], VALID[step])
        assert response.status_code == 302, (step, response.get_data(as_text=True)[:2000])
    return {}


def _url(page: str, lang: str) -> str:
    # Ukrainian is the default: no ?lang= at all.
    return PATHS[page] if lang == "uk" else f"{PATHS[page]}?lang={lang}"


def _stored(client: FlaskClient) -> dict[str, Any]:
    """Everything a submission could have saved: drafts, reports, events, the session."""
    db.session.expire_all()
    drafts = [
        json.dumps([draft.data, draft.updated_at.isoformat()], sort_keys=True)
        for draft in db.session.scalars(sa.select(IntakeDraft).order_by(IntakeDraft.id))
    ]
    counts = {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Report, PersonRecord, CaseEvent, AuditEvent, FailedAttempt)
    }
    with client.session_transaction() as session:
        cookie_session = dict(session)
    return {"drafts": drafts, "session": cookie_session, **counts}


def _form_values(doc: Any) -> dict[str, str]:
    """What the re-rendered form would send: text boxes, ticked boxes, chosen radios."""
    [form] = doc.xpath("//form[@novalidate]")
    values: dict[str, str] = {}
    for element in form.xpath(".//input[@name] | .//textarea[@name]"):
        name = element.get("name")
        if element.tag == "textarea":
            values[name] = element.text or ""
        elif element.get("type") in ("radio", "checkbox"):
            if element.get("checked") is not None:
                values[name] = element.get("value")
        elif name != "csrf_token":
            values[name] = element.get("value") or ""
    return values


def _assert_error_shown(doc: Any, lang: str, field: str, anchor: str, message: str) -> None:
    error = tr("Error:", lang)
    assert doc.get("lang") == lang
    assert doc.findtext(".//title").startswith(f"{error} ")
    [summary] = doc.xpath("//div[@data-error-summary]")
    assert summary.findtext(".//h2") == tr("There is a problem", lang)
    links = [(a.get("href"), a.text_content()) for a in summary.xpath(".//li/a")]
    assert (f"#{anchor}", message) in links
    # The summary's link leads to a box or choice the family can answer.
    [target] = doc.xpath("//*[@id=$id]", id=anchor)
    assert target.tag in ("input", "textarea")
    # Next to the field: the message, and the field points screen readers to it.
    next_to = doc.xpath('//p[@class="error-message"][@id=$id]', id=f"{field}-error")
    assert f"{error} {message}" in [p.text_content() for p in next_to]
    described = doc.xpath(
        "//*[contains(concat(' ', @aria-describedby, ' '), $id)]", id=f" {field}-error "
    )
    assert described, f"nothing is described by {field}-error"


# --- the errors -------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    page: str
    answers: dict[str, str | None]  # changes to the page's valid answers; None: not sent
    field: str  # the message is next to this field (id "<field>-error")
    anchor: str  # the summary links to this element
    message: Message
    lost: tuple[str, ...] = ()  # a choice that is not offered cannot be shown again


def case(
    name: str,
    page: str,
    answers: dict[str, str | None],
    message: Message,
    field: str | None = None,
    anchor: str | None = None,
    *,
    lost: tuple[str, ...] = (),
    marks: Any = (),
) -> Any:
    """One error; ``field`` defaults to the only answer changed, ``anchor`` to ``field``."""
    if field is None:
        [field] = answers
    return pytest.param(
        Case(page, answers, field, anchor or field, message, lost), id=f"{page}-{name}", marks=marks
    )


_TODAY = datetime.now(UTC).date()  # the app's "today" is UTC too
_SOON = _TODAY + timedelta(days=2)  # clear of midnight in any time zone
LATER_THIS_YEAR = pytest.mark.skipif(
    _SOON.year != _TODAY.year, reason="no day later this year is left to type"
)
NEXT_YEAR = str(_TODAY.year + 1)


def _date_cases(page: str, prefix: str) -> list[Any]:
    """The day/month/year group: every reason a date is refused (tracing/partial_dates.py).

    The group has one message (id "<prefix>-error"); the summary links to the first empty
    box, or else to the box that is wrong.
    """
    rows: list[tuple[str, tuple[str, str, str], str, Message, Any]] = [
        ("year-missing", ("5", "3", ""), "year", YEAR_MISSING, ()),
        ("year-format-letter", ("5", "березня", "2O14"), "year", YEAR_FORMAT, ()),
        ("year-format-two-digits", ("5", "3", "14"), "year", YEAR_FORMAT, ()),
        ("year-before-1900", ("", "", "1899"), "day", YEAR_RANGE, ()),
        ("year-next-year", ("1", "1", NEXT_YEAR), "year", YEAR_RANGE, ()),
        ("month-missing", ("5", "", "2014"), "month", MONTH_MISSING, ()),
        ("month-13", ("5", "13", "2014"), "month", MONTH_RANGE, ()),
        ("month-0", ("", "0", "2014"), "day", MONTH_RANGE, ()),
        ("month-word-unknown", ("5", "Smarch", "2014"), "month", MONTH_UNKNOWN, ()),
        ("month-word-too-short", ("5", "бе", "2014"), "month", MONTH_UNKNOWN, ()),
        ("month-superscript", ("5", "²", "2014"), "month", MONTH_UNKNOWN, ()),
        ("day-format", ("5th", "3", "2014"), "day", DAY_FORMAT, ()),
        ("day-superscript", ("²", "3", "2014"), "day", DAY_FORMAT, ()),
        ("day-range", ("29", "лютого", "2021"), "day", DAY_RANGE, ()),
        ("day-0", ("0", "5", "2014"), "day", DAY_RANGE, ()),
        (
            "future-later-this-year",
            (str(_SOON.day), str(_SOON.month), str(_SOON.year)),
            "day",
            FUTURE,
            LATER_THIS_YEAR,
        ),
        # Boxes longer than the browser lets anyone type (maxlength) still get an answer.
        ("day-too-long", ("00005", "3", "2014"), "day", too_long(4), ()),
        ("month-too-long", ("5", "1" * 21, "2014"), "month", too_long(20), ()),
        ("year-too-long", ("5", "3", "20140"), "year", too_long(4), ()),
    ]
    return [
        case(
            f"{prefix}-{name}",
            page,
            dict(zip((f"{prefix}_day", f"{prefix}_month", f"{prefix}_year"), boxes, strict=True)),
            message,
            prefix,
            f"{prefix}_{box}",
            marks=marks,
        )
        for name, boxes, box, message, marks in rows
    ]


NO_DOB = {"dob_day": "", "dob_month": "", "dob_year": "", "dob_unknown": "y"}
NO_PLACE = "Enter a place, or tick “I don't know”"

CASES = [
    # About you
    case("name-missing", "reporter", {"name": ""}, "Enter your name"),
    case("name-too-long", "reporter", {"name": "Я" * 201}, AT_MOST_200),
    case(
        "relationship-missing",
        "reporter",
        {"relationship": None},
        "Choose how you are related to the child",
    ),
    case(
        "relationship-not-offered",
        "reporter",
        {"relationship": "neighbour"},
        NOT_A_CHOICE,
        lost=("relationship",),
    ),
    case(
        "phone-few-digits",
        "reporter",
        {"phone": "067-12"},
        "Enter a phone number with its digits, e.g. +380 67 123 4567",
    ),
    case("phone-too-long", "reporter", {"phone": "1" * 65}, too_long(64)),
    case(
        "email-invalid",
        "reporter",
        {"email": "maria@"},
        "Enter an e-mail address like name@example.com",
    ),
    case("email-too-long", "reporter", {"email": "m" * 250 + "@ukr.net"}, too_long(254)),
    case("other-contact-too-long", "reporter", {"other_contact": "t" * 301}, too_long(300)),
    case(
        "no-contact",
        "reporter",
        {"phone": "", "email": "", "other_contact": ""},
        "Give at least one way to contact you",
        "phone",
    ),
    case("language-missing", "reporter", {"language": None}, "Choose a language"),
    case("language-not-offered", "reporter", {"language": "de"}, NOT_A_CHOICE, lost=("language",)),
    # The child's name
    case("given-name-missing", "name", {"given_name": ""}, "Enter the child's given name"),
    case("given-name-too-long", "name", {"given_name": "О" * 201}, AT_MOST_200),
    case("family-name-too-long", "name", {"family_name": "Ш" * 201}, AT_MOST_200),
    case("patronymic-too-long", "name", {"patronymic": "П" * 201}, AT_MOST_200),
    case(
        "other-names-too-long", "name", {"other_names": "С" * 2001}, "Enter at most 2000 characters"
    ),
    # Date of birth or age
    case("sex-missing", "birth", {"sex": None}, "Choose girl, boy or “I don't know”"),
    case("sex-not-offered", "birth", {"sex": "other"}, NOT_A_CHOICE, lost=("sex",)),
    *_date_cases("birth", "dob"),
    case(
        "no-date-of-birth",
        "birth",
        {"dob_day": "", "dob_month": "", "dob_year": ""},
        "Enter the date of birth or the year, or tick “I don't know”",
        "dob",
        "dob_day",
    ),
    case("age-fraction", "birth", {**NO_DOB, "age_min": "5.5"}, WHOLE_YEARS, "age_min"),
    case("age-negative", "birth", {**NO_DOB, "age_max": "-3"}, WHOLE_YEARS, "age_max"),
    case("age-word", "birth", {**NO_DOB, "age_min": "сім"}, WHOLE_YEARS, "age_min"),
    case("age-over-30", "birth", {**NO_DOB, "age_max": "31"}, WHOLE_YEARS, "age_max"),
    case("age-too-long", "birth", {**NO_DOB, "age_min": "1000"}, too_long(3), "age_min"),
    case("age-superscript", "birth", {**NO_DOB, "age_min": "²"}, WHOLE_YEARS, "age_min"),
    case(
        "ages-reversed",
        "birth",
        {**NO_DOB, "age_min": "9", "age_max": "4"},
        "The second age must not be smaller",
        "age_max",
    ),
    # Places and when last seen
    case("birth-place-missing", "places", {"birth_place": ""}, NO_PLACE),
    case("last-seen-place-missing", "places", {"last_seen_place": ""}, NO_PLACE),
    case("birth-place-too-long", "places", {"birth_place": "М" * 301}, too_long(300)),
    case("last-seen-place-too-long", "places", {"last_seen_place": "Б" * 301}, too_long(300)),
    case(
        "last-seen-date-missing",
        "places",
        {"seen_day": "", "seen_month": "", "seen_year": ""},
        "Enter when, even only the year, or tick “I don't know when”",
        "seen",
        "seen_day",
    ),
    *_date_cases("places", "seen"),
    # What happened
    case(
        "circumstances-missing",
        "circumstances",
        {"circumstances": None},
        "Choose what happened, or “I don't know”",
    ),
    case(
        "circumstances-not-offered",
        "circumstances",
        {"circumstances": "kidnapped"},
        NOT_A_CHOICE,
        lost=("circumstances",),
    ),
    case("description-too-long", "circumstances", {"description": "в" * 5001}, AT_MOST_5000),
    case("marks-too-long", "circumstances", {"distinguishing_marks": "ш" * 5001}, AT_MOST_5000),
    # Another child?
    case("add-another-missing", "children", {"add_another": None}, "Choose yes or no"),
    case(
        "add-another-not-offered",
        "children",
        {"add_another": "maybe"},
        NOT_A_CHOICE,
        lost=("add_another",),
    ),
    # Check your answers
    case(
        "no-consent",
        "check",
        {"consent_tracing": None},
        "We can only search for the child with your agreement",
    ),
    # Checking a report
    case("reference-missing", "status", {"reference": ""}, "Enter the reference number"),
    case("code-missing", "status", {"code": ""}, "Enter the secret code"),
    case("both-missing", "status", {"reference": "", "code": ""}, "Enter the secret code", "code"),
    case("reference-too-long", "status", {"reference": "U" * 41}, too_long(40)),
    case("code-too-long", "status", {"code": "A" * 41}, too_long(40)),
    # Adding information to a report
    case(
        "information-missing",
        "status_view",
        {"information": ""},
        "Write what you would like to add",
    ),
    case("information-too-long", "status_view", {"information": "і" * 5001}, AT_MOST_5000),
    case("child-not-chosen", "status_view", {"child": None}, NOT_A_CHOICE),
    case(
        "child-of-another-report", "status_view", {"child": "999999"}, NOT_A_CHOICE, lost=("child",)
    ),
    case(
        "nothing-at-all",
        "status_view",
        {"child": None, "information": ""},
        "Write what you would like to add",
        "information",
    ),
]


def _answers(page: str, changes: dict[str, str | None], values: dict[str, str]) -> dict[str, str]:
    merged = {**VALID[page], **changes}
    return {k: values.get(v, v) for k, v in merged.items() if v is not None}


def _in_two_languages(cases: list[Any]) -> list[Any]:
    """Each case in Ukrainian (the default) and in English or Russian, alternately."""
    out = []
    for i, param in enumerate(cases):
        for lang in ("uk", "en" if i % 2 else "ru"):
            name = f"{param.id}-{lang}"
            out.append(pytest.param(*param.values, lang, id=name, marks=param.marks))
    return out


@pytest.mark.parametrize(("error", "lang"), _in_two_languages(CASES))
def test_the_error_is_shown_and_nothing_is_lost_or_stored(
    client: FlaskClient, intake_org: Organization, error: Case, lang: str
) -> None:
    values = _open(client, error.page)
    answers = _answers(error.page, error.answers, values)
    url = _url(error.page, lang)
    token = csrf_token(client, url)
    before = _stored(client)

    response = client.post(url, data={"csrf_token": token, **answers})

    assert response.status_code == 200  # the page again, not a redirect to the next one
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    _assert_error_shown(doc, lang, error.field, error.anchor, expected(error.message, lang))
    shown = _form_values(doc)
    kept = {k: v for k, v in answers.items() if k not in error.lost}
    assert {k: shown.get(k, "") for k in kept} == kept
    assert _stored(client) == before


@pytest.mark.parametrize("page", list(PATHS))
def test_the_valid_answers_are_accepted(
    client: FlaskClient, intake_org: Organization, page: str
) -> None:
    """The answers the cases start from are right: each case's error is its own change."""
    values = _open(client, page)
    response = post_form(client, PATHS[page], _answers(page, {}, values))
    assert "data-error-summary" not in response.get_data(as_text=True)
    # Adding information stays on the page and thanks the family.
    assert response.status_code == (200 if page == "status_view" else 302)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", list(PATHS))
def test_a_stale_form_keeps_the_answers(
    client: FlaskClient, intake_org: Organization, page: str, lang: str
) -> None:
    """A form token that no longer matches (the page was open too long, or the session
    ended): 400, a translated explanation in the summary, the answers shown again."""
    values = _open(client, page)
    answers = _answers(page, {}, values)
    url = _url(page, lang)
    client.get(url)
    before = _stored(client)

    response = client.post(url, data={"csrf_token": "20200101000000##0123abcd", **answers})

    assert response.status_code == 400
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert doc.get("lang") == lang
    assert doc.findtext(".//title").startswith(tr("Error:", lang) + " ")
    [summary] = doc.xpath("//div[@data-error-summary]")
    stale = tr("This page was open too long. Check your answers and send the page again.", lang)
    assert [li.text_content().strip() for li in summary.xpath(".//li")] == [stale]
    shown = _form_values(doc)
    assert {k: shown.get(k, "") for k in answers} == answers
    assert _stored(client) == before


STATUS_FAILURES = [
    pytest.param(
        "We could not find a report with this reference number and secret code. "
        "Check both and try again.",
        200,
        id="wrong-code",
    ),
    pytest.param("Too many attempts. Wait 15 minutes and try again.", 429, id="too-many"),
]


def _fail_status(
    app: Flask, client: FlaskClient, outcome: int, lang: str
) -> tuple[Any, dict[str, str]]:
    reference, code = file_report(client)
    typed = {"reference": reference, "code": "AAAA-BBBB-CCCC-DDDD"}
    if outcome == 429:
        app.config["STATUS_FAILURES_PER_REFERENCE"] = 1
        post_form(client, "/status", typed)
        typed["code"] = code  # even the right code waits now
    response = post_form(client, _url("status", lang), typed)
    return response, typed


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("msgid", "outcome"), STATUS_FAILURES)
def test_a_failed_status_check_is_explained(
    app: Flask, client: FlaskClient, intake_org: Organization, msgid: str, outcome: int, lang: str
) -> None:
    """Not field errors: the same message for a wrong code and an unknown reference, in the
    summary only; what was typed stays, and the report is not opened."""
    response, typed = _fail_status(app, client, outcome, lang)
    assert response.status_code == outcome
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert doc.get("lang") == lang
    [summary] = doc.xpath("//div[@data-error-summary]")
    assert summary.findtext(".//h2") == tr("There is a problem", lang)
    assert [li.text_content().strip() for li in summary.xpath(".//li")] == [tr(msgid, lang)]
    shown = _form_values(doc)
    assert {k: shown.get(k, "") for k in typed} == typed
    with client.session_transaction() as session:
        assert "status_access" not in session
    tags = db.session.scalars(sa.select(AuditEvent.tag)).all()
    assert AuditTag.REPORT_STATUS_VIEW not in tags


@pytest.mark.parametrize(("msgid", "outcome"), STATUS_FAILURES)
def test_a_failed_status_check_says_error_in_the_title(
    app: Flask, client: FlaskClient, intake_org: Organization, msgid: str, outcome: int
) -> None:
    response, _ = _fail_status(app, client, outcome, "uk")
    assert response.status_code == outcome and tr(msgid, "uk") in response.get_data(as_text=True)
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert doc.findtext(".//title").startswith(tr("Error:", "uk") + " ")
