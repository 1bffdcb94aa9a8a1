"""In a real browser: a family reports a child in Ukrainian, gets a reference and a code,
and opens the status page. axe-core checks every page visited against WCAG 2.2 AA."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.browser.conftest import LiveServer
from tracing.db import db
from tracing.models import OrgKind
from tracing.services.users import create_organization

pytestmark = pytest.mark.browser


def test_family_reports_a_child_and_checks_the_status(
    live_app: Flask, live_server: LiveServer, browser_page: Any, axe_check: Any
) -> None:
    with live_app.app_context():
        create_organization("intake", "Лінія розшуку", OrgKind.AGENCY, verified=True)
        db.session.commit()
    page, violations = browser_page, []

    def visit_done() -> None:
        violations.extend(axe_check(page))

    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "uk"
    visit_done()
    page.get_by_role("button", name="Почати").click()

    # About you — first submitted empty, to see the error summary in Ukrainian.
    page.get_by_role("button", name="Продовжити").click()
    assert page.title().startswith("Помилка:")
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    visit_done()
    page.get_by_label("Ваше повне ім’я").fill("Марія Шевченко")
    page.get_by_label("Мати", exact=True).check()
    page.get_by_label("Номер телефону").fill("+380 67 123 4567")
    page.get_by_label("Українська").check()
    page.get_by_role("button", name="Продовжити").click()

    # The child.
    page.get_by_label("Ім’я", exact=True).fill("Олександр")
    page.get_by_label("Прізвище").fill("Шевченко")
    page.get_by_label("По батькові").fill("Петрович")
    visit_done()
    page.get_by_role("button", name="Продовжити").click()
    page.get_by_label("Хлопчик").check()
    page.get_by_label("День", exact=True).fill("5")
    page.get_by_label("Місяць", exact=True).fill("березня")
    page.get_by_label("Рік", exact=True).fill("2014")
    visit_done()
    page.get_by_role("button", name="Продовжити").click()
    page.get_by_label("Місце народження").fill("Маріуполь")
    page.get_by_label("Де дитину востаннє бачили або чули про неї?").fill("Маріуполь")
    page.get_by_label("Рік", exact=True).fill("2022")
    visit_done()
    page.get_by_role("button", name="Продовжити").click()
    page.get_by_label("Вивезли до Росії чи Білорусі (депортація)").check()
    visit_done()
    page.get_by_role("button", name="Продовжити").click()

    # No more children; check the answers and send.
    page.get_by_label("Ні", exact=True).check()
    visit_done()
    page.get_by_role("button", name="Продовжити").click()
    assert "5 березня 2014" in page.content()
    page.get_by_label(re.compile("Я погоджуюся, щоб моє повідомлення")).check()
    visit_done()
    page.get_by_role("button", name="Надіслати повідомлення").click()

    codes = page.locator(".panel .code").all_inner_texts()
    assert len(codes) == 2
    reference, code = codes
    assert re.fullmatch(r"UA-[0-9A-Z]{4}-[0-9A-Z]{4}", reference)
    visit_done()

    # The status page, with the code pasted (paste must be allowed in code fields).
    page.goto(live_server.url + "/status")
    page.get_by_label("Номер повідомлення").fill(reference)
    page.get_by_label("Секретний код").fill(code)
    visit_done()
    page.get_by_role("button", name="Продовжити").click()
    assert page.get_by_text("Ваше повідомлення отримано.").is_visible()
    visit_done()

    assert violations == []


def test_pages_fit_a_320px_screen(
    live_app: Flask, live_server: LiveServer, browser_page: Any
) -> None:
    with live_app.app_context():
        create_organization("intake", "Лінія розшуку", OrgKind.AGENCY, verified=True)
        db.session.commit()
    page = browser_page
    page.set_viewport_size({"width": 320, "height": 640})

    def assert_fits(what: str) -> None:
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, what

    def assert_inside_the_screen(locator: Any, what: str) -> None:
        box = locator.bounding_box()
        assert box is not None and box["width"] > 0, what
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320, (what, box)

    for path in ("/", "/report/about-you", "/status", "/auth/login"):
        page.goto(live_server.url + path)
        assert_fits(path)

    # Through the report to the pages with the widest content.
    page.goto(live_server.url + "/report/about-you")
    page.get_by_label("Ваше повне ім’я").fill("Марія Шевченко")
    page.get_by_label("Мати", exact=True).check()
    page.get_by_label("Номер телефону").fill("+380 67 123 4567")
    page.get_by_label("Українська").check()
    page.get_by_role("button", name="Продовжити").click()
    page.get_by_label("Ім’я", exact=True).fill("Олександр")
    page.get_by_label("Прізвище").fill("Шевченко-Коваленко")
    page.get_by_role("button", name="Продовжити").click()

    # Date of birth: the day, month and year boxes side by side, then with the errors shown.
    page.wait_for_url("**/report/child/1/birth")
    boxes = {name: page.get_by_label(name, exact=True) for name in ("День", "Місяць", "Рік")}
    assert_fits("date of birth")
    for name, box in boxes.items():
        assert_inside_the_screen(box, name)
    page.get_by_role("button", name="Продовжити").click()
    assert page.title().startswith("Помилка:")
    assert_fits("date of birth with errors")
    for name, box in boxes.items():
        assert_inside_the_screen(box, f"{name} with errors")
    page.get_by_label("Хлопчик").check()
    boxes["День"].fill("5")
    boxes["Місяць"].fill("березня")
    boxes["Рік"].fill("2014")
    page.get_by_role("button", name="Продовжити").click()
    page.get_by_label("Місце народження").fill("Маріуполь")
    page.get_by_label("Де дитину востаннє бачили або чули про неї?").fill("Маріуполь")
    page.get_by_label("Рік", exact=True).fill("2022")
    page.get_by_role("button", name="Продовжити").click()
    page.get_by_label("Вивезли до Росії чи Білорусі (депортація)").check()
    page.get_by_role("button", name="Продовжити").click()
    page.get_by_label("Ні", exact=True).check()
    page.get_by_role("button", name="Продовжити").click()

    # Check your answers: label, answer and "Change" link per row.
    page.wait_for_url("**/report/check")
    assert "5 березня 2014" in page.content()
    assert_fits("check your answers")
    page.get_by_label(re.compile("Я погоджуюся, щоб моє повідомлення")).check()
    page.get_by_role("button", name="Надіслати повідомлення").click()

    # The confirmation: the reference and the long secret code in large type.
    page.wait_for_url("**/report/sent")
    codes = page.locator(".panel .code")
    assert codes.count() == 2
    assert_fits("confirmation")
    for index in range(2):
        assert_inside_the_screen(codes.nth(index), "reference and code")


def test_quick_exit_leaves_without_javascript_history(
    live_app: Flask, live_server: LiveServer, browser_page: Any
) -> None:
    live_app.config["QUICK_EXIT_URL"] = live_server.url + "/auth/login"
    page = browser_page
    page.goto(live_server.url + "/")
    page.goto(live_server.url + "/report/about-you")
    page.get_by_role("link", name="Швидкий вихід").click()
    page.wait_for_url("**/auth/login")
    page.go_back()
    # The reporting page was replaced in history: Back does not return to it.
    assert "/report/about-you" not in page.url


def test_the_accessibility_check_does_catch_violations(browser_page: Any, axe_check: Any) -> None:
    """The axe harness is live: a page with an unlabelled field and an image without
    alternative text is reported."""
    browser_page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<img src="data:,"><input type="text"></main></body></html>'
    )
    found = " ".join(axe_check(browser_page))
    assert "image-alt" in found and "label" in found
