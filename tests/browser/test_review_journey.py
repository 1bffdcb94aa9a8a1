"""In a real browser: two caseworkers review a suggested pair on the comparison page —
one confirms, a second approves — and axe-core finds no WCAG 2.2 AA violation."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

import pytest
from flask import Flask

from tests.browser.conftest import LiveServer
from tracing.db import db
from tracing.models import (
    DatePrecision,
    OrgKind,
    PersonRecord,
    RecordKind,
    Role,
    Sex,
    Suggestion,
    SuggestionStatus,
)
from tracing.services import linking
from tracing.services.users import create_organization, create_user

pytestmark = pytest.mark.browser
PASSWORD = "a long enough password"


def _seed(app: Flask) -> tuple[str, str, int]:
    with app.app_context():
        intake = create_organization("intake", "Лінія розшуку", OrgKind.AGENCY, verified=True)
        ngo = create_organization("ngo", "NGO", OrgKind.NGO, verified=True)
        first = create_user("first@example.org", "Оксана", PASSWORD, Role.CASEWORKER, intake)
        second = create_user("second@example.org", "Петро", PASSWORD, Role.CASEWORKER, intake)
        common = {
            "sex": Sex.MALE,
            "birth_date": date(2014, 3, 5),
            "birth_date_precision": DatePrecision.DAY,
            "consent_tracing": True,
            "consent_sharing": True,
        }
        sought = PersonRecord(
            kind=RecordKind.SOUGHT,
            given_name="Григорій",
            family_name="Шевченко",
            patronymic="Петрович",
            birth_place="Маріуполь",
            org_id=intake.id,
            source_record_id=secrets.token_hex(4),
            **common,
        )
        found = PersonRecord(
            kind=RecordKind.FOUND,
            given_name="Hryhorii",
            family_name="Shevchenko",
            birth_place="Mariupol",
            org_id=ngo.id,
            source_record_id=secrets.token_hex(4),
            **common,
        )
        db.session.add_all([sought, found])
        db.session.flush()
        linking.records_changed([sought, found])
        db.session.commit()
        suggestion = db.session.query(Suggestion).one()
        return first.email, second.email, suggestion.id


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(base + "/auth/login")
    page.get_by_label("Електронна пошта").fill(email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Увійти").click()


def test_confirm_then_approve_on_the_comparison_page(
    live_app: Flask, live_server: LiveServer, browser_page: Any, axe_check: Any
) -> None:
    first, second, suggestion_id = _seed(live_app)
    page, violations = browser_page, []

    _sign_in(page, live_server.url, first)
    assert page.url.endswith("/cases/")  # caseworkers land on the review queue
    violations += axe_check(page)
    page.locator("[data-queue-item]").first.click()
    assert f"/cases/suggestions/{suggestion_id}" in page.url
    # Both records side by side, with the spelling path of the names.
    table = page.locator("table.compare").inner_text()
    assert "Григорій" in table and "Hryhorii" in table
    assert "Hryhorii" in page.locator("ol.reasons").inner_text()
    violations += axe_check(page)
    page.get_by_role("button", name="Та сама особа").click()
    page.wait_for_url("**/cases/?done=*")
    page.get_by_role("button", name="Вийти").click()

    _sign_in(page, live_server.url, second)
    page.goto(f"{live_server.url}/cases/suggestions/{suggestion_id}")
    # The second reviewer decides blind: the first decision is not shown.
    assert page.get_by_role("heading", name="Рішення", exact=True).count() == 0
    violations += axe_check(page)
    page.keyboard.press("a")  # keyboard review: A approves
    page.wait_for_url("**/cases/?done=*")

    with live_app.app_context():
        assert db.session.get(Suggestion, suggestion_id).status is SuggestionStatus.CONFIRMED  # type: ignore[union-attr]
    page.goto(f"{live_server.url}/cases/records")
    violations += axe_check(page)
    page.goto(f"{live_server.url}/cases/search")
    page.fill("#q", "Hryhorii Shevchenko")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_selector("table")
    assert "q=" not in page.url  # the name stays out of the address
    violations += axe_check(page)
    assert violations == []


def test_admin_pages_meet_wcag(
    live_app: Flask, live_server: LiveServer, browser_page: Any, axe_check: Any
) -> None:
    with live_app.app_context():
        org = create_organization("ngo", "NGO", OrgKind.NGO, verified=True)
        create_user("admin@example.org", "Адмін", PASSWORD, Role.ORG_ADMIN, org)
        db.session.commit()
    page, violations = browser_page, []
    _sign_in(page, live_server.url, "admin@example.org")
    for path in ("/admin/users", "/admin/tokens", "/admin/imports", "/admin/export"):
        page.goto(live_server.url + path)
        violations += axe_check(page)
    # A token is shown once, then listed.
    page.goto(live_server.url + "/admin/tokens")
    page.locator("#name").fill("Feed")
    page.locator("#scope_read").check()
    page.locator("form button.button").last.click()
    violations += axe_check(page)
    assert violations == []
