"""The family's status page: right code, wrong code, unknown reference, rate limit."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.tracing.conftest import post_form
from tests.tracing.intake_helpers import file_report
from tracing.db import db
from tracing.models import (
    AuditEvent,
    AuditTag,
    CaseEvent,
    CaseStage,
    EventKind,
    Organization,
    PersonRecord,
    Report,
)

NOT_FOUND = "We could not find a report with this reference number and secret code"


def _check(client: FlaskClient, reference: str, code: str) -> tuple[int, str]:
    response = post_form(client, "/status?lang=en", {"reference": reference, "code": code})
    if response.status_code == 302:
        response = client.get(response.headers["Location"])
    return response.status_code, response.get_data(as_text=True)


def test_right_code_shows_the_coarse_stage(client: FlaskClient, intake_org: Organization) -> None:
    reference, code = file_report(client)
    status, page = _check(client, reference, code)
    assert status == 200
    assert "Your report has been received." in page
    tags = db.session.scalars(sa.select(AuditEvent.tag)).all()
    assert AuditTag.REPORT_STATUS_VIEW in tags


def test_codes_are_forgiving_about_case_and_dashes(
    client: FlaskClient, intake_org: Organization
) -> None:
    reference, code = file_report(client)
    status, page = _check(client, reference.lower(), code.replace("-", " ").lower())
    assert status == 200 and "Status of your report" in page


def test_the_stage_changes_what_the_family_sees(
    client: FlaskClient, intake_org: Organization
) -> None:
    reference, code = file_report(client)
    record = db.session.scalars(
        sa.select(PersonRecord).join(Report).where(Report.reference == reference)
    ).one()
    record.case_stage = CaseStage.MATCH_CONFIRMED
    record.last_seen_place = "Таганрог, вул. Секретна 5"
    db.session.commit()
    _, page = _check(client, reference, code)
    assert "We may have news" in page
    assert "Таганрог" not in page  # never a location


def test_wrong_code_and_unknown_reference_get_the_same_answer(
    client: FlaskClient, intake_org: Organization
) -> None:
    reference, _code = file_report(client)
    wrong = _check(client, reference, "AAAA-BBBB-CCCC-DDDD")
    unknown = _check(client, "UA-ZZZZ-ZZZZ", "AAAA-BBBB-CCCC-DDDD")
    assert wrong[0] == unknown[0] == 200
    assert NOT_FOUND in wrong[1] and NOT_FOUND in unknown[1]

    def body(page: str) -> str:  # the page minus the echoed reference and the CSRF token
        main = page.split("<main", 1)[1].split("</main>")[0]
        return "".join(
            line
            for line in main.splitlines()
            if "csrf_token" not in line and 'name="reference"' not in line
        )

    assert body(wrong[1]) == body(unknown[1])


def test_wrong_codes_are_rate_limited_per_reference(
    client: FlaskClient, app: Flask, intake_org: Organization
) -> None:
    reference, code = file_report(client)
    limit = app.config["STATUS_FAILURES_PER_REFERENCE"]
    for _ in range(limit):
        assert NOT_FOUND in _check(client, reference, "WRONG-CODE")[1]
    status, page = _check(client, reference, code)  # even the right code waits now
    assert status == 429 and "Too many attempts" in page
    # Another reference from the same address is not yet blocked.
    assert _check(client, "UA-AAAA-AAAA", "X")[0] == 200


def test_wrong_codes_are_rate_limited_per_address(
    app_factory: Callable[..., Flask], intake_org: Organization
) -> None:
    app = app_factory(STATUS_FAILURES_PER_ADDRESS=3)
    client = app.test_client()
    for n in range(3):
        _check(client, f"UA-AAAA-AAA{n}", "X")
    assert _check(client, "UA-BBBB-BBBB", "X")[0] == 429


def test_failed_attempts_store_no_reference_in_clear(
    client: FlaskClient, intake_org: Organization
) -> None:
    from tracing.models import FailedAttempt

    _check(client, "UA-QQQQ-QQQQ", "X")
    keys = db.session.scalars(sa.select(FailedAttempt.key)).all()
    assert len(keys) == 2 and not any("QQQQ" in k for k in keys)


def test_the_family_adds_information(client: FlaskClient, intake_org: Organization) -> None:
    reference, code = file_report(client)
    _check(client, reference, code)
    response = post_form(client, "/status/report?lang=en", {"information": "Бачили в Ростові"})
    assert "Your information has been added" in response.get_data(as_text=True)
    entry = db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.kind == EventKind.FAMILY_INFO)
    ).one()
    assert entry.body == "Бачили в Ростові" and entry.author_label == "family"


def test_status_details_need_the_code_first(client: FlaskClient, intake_org: Organization) -> None:
    assert client.get("/status/report").headers["Location"].endswith("/status")


def test_public_status_endpoint_has_an_http_rate_limit(
    app_factory: Callable[..., Flask], intake_org: Organization
) -> None:
    app = app_factory(
        RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute", RATELIMIT_STORAGE_URI="memory://"
    )
    client = app.test_client()
    codes = [
        client.post("/status", data={"reference": "UA-1", "code": "x"}).status_code
        for _ in range(4)
    ]
    assert codes[-1] == 429
