"""Organisation admins: tokens shown once, imports previewed then confirmed, exports."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from tests.tracing.conftest import csrf_token, login, post_form
from tests.tracing.exchange_helpers import assert_schema_valid, count, data
from tracing.db import db
from tracing.models import (
    ApiToken,
    AuditEvent,
    AuditTag,
    BatchStatus,
    ImportBatch,
    PersonRecord,
    Role,
    User,
)
from tracing.tokens import hash_secret


@pytest.fixture
def admin(client: FlaskClient, make_user: Callable[..., User]) -> User:
    user = make_user(Role.ORG_ADMIN)
    login(client, user)
    return user


def test_exchange_pages_are_for_organisation_admins(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    login(client, make_user(Role.CASEWORKER))
    for url in ("/admin/tokens", "/admin/imports", "/admin/export"):
        assert client.get(url).status_code == 403, url


def test_a_token_is_shown_once_stored_hashed_and_revocable(
    client: FlaskClient, admin: User
) -> None:
    response = post_form(
        client, "/admin/tokens?lang=en", {"name": "CRM", "scope_read": "y", "scope_write": "y"}
    )
    assert response.status_code == 302
    page = client.get("/admin/tokens?lang=en").get_data(as_text=True)
    match = re.search(r'data-testid="new-token">(trc_[\w-]+)<', page)
    assert match, page
    secret = match.group(1)
    token = db.session.scalars(sa.select(ApiToken)).one()
    assert token.token_hash == hash_secret(secret) and token.scopes == "read write"
    assert secret not in client.get("/admin/tokens").get_data(as_text=True)  # only once
    url = f"/admin/tokens/{token.id}/revoke"
    assert (
        client.post(url, data={"csrf_token": csrf_token(client, "/admin/tokens")}).status_code
        == 302
    )
    db.session.expire_all()
    assert token.revoked_at is not None
    tags = db.session.scalars(sa.select(AuditEvent.tag)).all()
    assert AuditTag.TOKEN_CREATE in tags and AuditTag.TOKEN_REVOKE in tags


def test_a_token_needs_a_name_and_a_permission(client: FlaskClient, admin: User) -> None:
    page = post_form(client, "/admin/tokens?lang=en", {"name": ""}).get_data(as_text=True)
    assert "Name the token" in page and "Choose at least one permission" in page
    assert count(ApiToken) == 0


def test_revoking_needs_a_csrf_token(client: FlaskClient, admin: User) -> None:
    post_form(client, "/admin/tokens", {"name": "x", "scope_read": "y"})
    token = db.session.scalars(sa.select(ApiToken)).one()
    assert client.post(f"/admin/tokens/{token.id}/revoke").status_code == 400
    db.session.expire_all()
    assert token.revoked_at is None


def _upload(client: FlaskClient, content: bytes, fmt: str, name: str, **extra: str) -> str:
    response = client.post(
        "/admin/imports?lang=en",
        data={
            "csrf_token": csrf_token(client, "/admin/imports"),
            "upload": (io.BytesIO(content), name),
            "format": fmt,
            "kind": "found",
            **extra,
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_import_preview_then_confirm_then_revert(client: FlaskClient, admin: User) -> None:
    preview = _upload(
        client, data("pfif-1.4-every-field.xml"), "pfif", "ngo.xml", consent_sharing="y"
    )
    assert "New records" in preview and count(PersonRecord) == 0
    batch = db.session.scalars(sa.select(ImportBatch)).one()
    assert batch.status is BatchStatus.PREVIEW
    commit_url = f"/admin/imports/{batch.id}/commit"
    assert commit_url in preview
    token = re.search(r'name="csrf_token" value="([^"]+)"', preview).group(1)  # type: ignore[union-attr]
    done = client.post(commit_url, data={"csrf_token": token})
    assert done.status_code == 302
    db.session.expire_all()
    assert count(PersonRecord) == 2 and batch.status is BatchStatus.DONE
    records = db.session.scalars(sa.select(PersonRecord)).all()
    assert {r.kind.value for r in records} == {"found"} and all(r.consent_sharing for r in records)

    listing = client.get("/admin/imports?lang=en").get_data(as_text=True)
    assert f"#{batch.id}" in listing and admin.name in listing
    page_url = f"/admin/imports/{batch.id}"
    assert (
        client.post(
            f"{page_url}/revert", data={"csrf_token": csrf_token(client, page_url)}
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert count(PersonRecord) == 0 and batch.status is BatchStatus.REVERTED


def test_a_preview_with_errors_lists_them_by_row_and_offers_no_import(
    client: FlaskClient, admin: User
) -> None:
    content = "person_record_id;given_name;sex\n1;Олена;жінка\n2;;female\n".encode("cp1251")
    preview = _upload(client, content, "csv", "list.csv")
    assert "Unknown sex" in preview and "has no name" in preview
    assert "/commit" not in preview and "windows-1251" in preview


def test_another_organisations_batch_is_not_found(
    client: FlaskClient, admin: User, make_user: Callable[..., User]
) -> None:
    other = make_user(Role.ORG_ADMIN)
    batch = ImportBatch(
        org_id=other.org_id,
        format="csv",
        file_sha256="0" * 64,
        status=BatchStatus.DONE,
        options={},
    )
    db.session.add(batch)
    db.session.flush()
    assert client.get(f"/admin/imports/{batch.id}").status_code == 404


def test_export_from_the_admin_page(client: FlaskClient, admin: User) -> None:
    from tracing.services.exchange import importer

    importer.import_file(
        admin.organization,
        importer.ImportFormat.PFIF,
        data("pfif-1.4-every-field.xml"),
        importer.ImportOptions(consent_sharing=True),
        actor=admin,
    )
    db.session.commit()
    missing = post_form(client, "/admin/export?lang=en", {"format": "pfif", "purpose": ""})
    assert "Say why these records are exported" in missing.get_data(as_text=True)
    response = post_form(
        client, "/admin/export", {"format": "pfif", "purpose": "Передача до реєстру"}
    )
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert_schema_valid(response.data)
    assert b"oksana@ngo.example.org" not in response.data
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.tag == AuditTag.RECORD_EXPORT)
    ).one()
    assert event.actor_id == admin.id and "Передача до реєстру" in (event.detail or "")
