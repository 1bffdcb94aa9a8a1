"""Walking the family report pages with the test client, as a browser would."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.tracing.conftest import post_form

REPORTER = {
    "name": "Марія Шевченко",
    "relationship": "mother",
    "phone": "+380 67 123 4567",
    "email": "",
    "other_contact": "",
    "language": "uk",
}
CHILD = {
    "name": {
        "given_name": "Олександр",
        "family_name": "Шевченко",
        "patronymic": "Петрович",
        "other_names": "Саша\nOleksandr",
    },
    "birth": {"sex": "male", "dob_day": "5", "dob_month": "березня", "dob_year": "2014"},
    "places": {
        "birth_place": "Маріуполь",
        "last_seen_place": "Маріуполь",
        "seen_day": "",
        "seen_month": "",
        "seen_year": "2022",
    },
    "circumstances": {
        "circumstances": "deported",
        "description": "Вивезли з лікарні",
        "distinguishing_marks": "",
    },
}


def fill_child(client: FlaskClient, number: int, child: dict[str, dict[str, Any]]) -> None:
    for step in ("name", "birth", "places", "circumstances"):
        response = post_form(client, f"/report/child/{number}/{step}", child[step])
        assert response.status_code == 302, (step, response.get_data(as_text=True)[:2000])


def file_report(
    client: FlaskClient, children: list[dict[str, dict[str, Any]]] | None = None
) -> tuple[str, str]:
    """File a complete report; returns (reference, code) from the confirmation page."""
    children = children or [CHILD]
    assert post_form(client, "/report/about-you", REPORTER).status_code == 302
    for number, child in enumerate(children, start=1):
        fill_child(client, number, child)
        answer = "yes" if number < len(children) else "no"
        assert post_form(client, "/report/children", {"add_another": answer}).status_code == 302
    sent = post_form(client, "/report/check", {"consent_tracing": "y"})
    assert sent.status_code == 302, sent.get_data(as_text=True)[:3000]
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    import re

    codes = re.findall(r'<span class="code">([^<]+)</span>', page)
    assert len(codes) == 2, page
    return codes[0], codes[1]
