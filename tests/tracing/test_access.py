"""Who may see what: anonymous users, other organisations, roles, ended sessions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.tracing.conftest import PASSWORD, csrf_token, login, post_form
from tracing.db import db, utcnow
from tracing.models import AuditEvent, AuditTag, Organization, PersonRecord, Role, User, UserSession

# Pages anyone may open: the family side, sign-in, static files, the API's description.
PUBLIC_ENDPOINTS = {"static", "api.openapi_document"}
PUBLIC_BLUEPRINTS = {"public", "auth"}


def _protected_rules(app: Flask) -> list[tuple[str, str, str]]:
    rules = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".")[0] if "." in rule.endpoint else ""
        if rule.endpoint in PUBLIC_ENDPOINTS or blueprint in PUBLIC_BLUEPRINTS:
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", "1").replace(f"<{arg}>", "x")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            rules.append((rule.endpoint, method, url))
    return rules


def test_the_url_map_has_protected_routes(app: Flask) -> None:
    endpoints = {endpoint for endpoint, _, _ in _protected_rules(app)}
    expected = {"caseworker.records", "caseworker.record", "admin.users", "api.read_record"}
    assert expected <= endpoints


def test_every_non_public_route_refuses_anonymous_users(app: Flask, client: FlaskClient) -> None:
    for endpoint, method, url in _protected_rules(app):
        response = client.open(url, method=method)
        assert response.status_code in (302, 401, 403), (endpoint, method, response.status_code)
        if endpoint.startswith("api."):  # the API answers in JSON, never with a login page
            assert response.status_code == 401, endpoint
            assert response.get_json()["error"]["code"] == "token_missing", endpoint
        if response.status_code == 302:
            assert "/auth/login" in response.headers["Location"], endpoint


def test_a_caseworker_cannot_open_another_organisations_record(
    client: FlaskClient,
    make_user: Callable[..., User],
    make_org: Callable[..., Organization],
    make_record: Callable[..., PersonRecord],
) -> None:
    mine, theirs = make_org(), make_org()
    user = make_user(org=mine)
    own = make_record(mine)
    foreign = make_record(theirs)
    db.session.commit()
    login(client, user)
    assert client.get(f"/cases/records/{own.id}").status_code == 200
    assert client.get(f"/cases/records/{foreign.id}").status_code == 404
    note = client.post(f"/cases/records/{foreign.id}/notes", data={"body": "x"})
    assert note.status_code == 404
    listing = client.get("/cases/records").get_data(as_text=True)
    assert f'/cases/records/{own.id}"' in listing
    assert f'/cases/records/{foreign.id}"' not in listing


def test_admin_pages_need_an_admin_role(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    login(client, make_user(Role.CASEWORKER))
    assert client.get("/admin/users").status_code == 403


def test_an_org_admin_sees_the_users_page(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    login(client, make_user(Role.ORG_ADMIN))
    assert client.get("/admin/users").status_code == 200


def _sign_in(client: FlaskClient, user: User, password: str = PASSWORD) -> int:
    return post_form(client, "/auth/login", {"email": user.email, "password": password}).status_code


def test_sign_in_with_the_form_and_out_again(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    user = make_user()
    db.session.commit()
    assert _sign_in(client, user) == 302
    assert client.get("/cases/").status_code == 200
    token = csrf_token(client, "/cases/")
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/cases/").status_code == 302


def test_wrong_password_is_refused_and_audited(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    user = make_user()
    db.session.commit()
    response = post_form(client, "/auth/login?lang=en", {"email": user.email, "password": "nope"})
    assert "The e-mail address or the password is not right." in response.get_data(as_text=True)
    assert client.get("/cases/").status_code == 302
    assert db.session.scalars(sa.select(AuditEvent.tag)).all() == [AuditTag.USER_LOGIN_FAILED]


def test_inactive_users_cannot_sign_in(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user()
    user.active = False
    db.session.commit()
    _sign_in(client, user)
    assert client.get("/cases/").status_code == 302


def test_logout_invalidates_a_copied_session_cookie(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    user = make_user()
    db.session.commit()
    _sign_in(client, user)
    cookie = client.get_cookie("tracing_session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("tracing_session", cookie.value)
    assert thief.get("/cases/").status_code == 200  # the copy works while the login lasts
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/cases/")})
    assert thief.get("/cases/").status_code == 302  # and not after logout
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 0


def test_idle_sessions_end(client: FlaskClient, make_user: Callable[..., User], app: Flask) -> None:
    user = make_user()
    login(client, user)
    session_row = db.session.scalars(sa.select(UserSession)).one()
    session_row.last_seen_at = utcnow() - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    db.session.commit()
    assert client.get("/cases/").status_code == 302


@pytest.mark.parametrize(
    ("role", "page"),
    [
        (Role.CASEWORKER, "/cases/"),
        (Role.ORG_ADMIN, "/admin/users"),
        (Role.ORG_ADMIN, "/admin/tokens"),
    ],
)
def test_activity_keeps_a_session_alive(
    client: FlaskClient, make_user: Callable[..., User], app: Flask, role: Role, page: str
) -> None:
    # pages that read only (nothing for the view to commit) count as activity too
    user = make_user(role)
    login(client, user)
    row = db.session.scalars(sa.select(UserSession)).one()
    row.last_seen_at = utcnow() - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] - 1)
    db.session.commit()
    assert client.get(page).status_code == 200
    db.session.expire_all()
    refreshed = db.session.scalars(sa.select(UserSession)).one()
    assert utcnow() - refreshed.last_seen_at < timedelta(minutes=1)


def test_logout_needs_a_csrf_token(client: FlaskClient, make_user: Callable[..., User]) -> None:
    login(client, make_user())
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/cases/").status_code == 200


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/x", "/\\evil"])
def test_login_never_redirects_off_site(
    client: FlaskClient, make_user: Callable[..., User], target: str
) -> None:
    user = make_user()
    db.session.commit()
    response = post_form(
        client, f"/auth/login?next={target}", {"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/cases/"
