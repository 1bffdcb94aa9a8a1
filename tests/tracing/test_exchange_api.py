"""The /api/v1 exchange API: tokens and scopes, the JSON error shape, each operation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.tracing.exchange_helpers import assert_schema_valid, bearer, count, data, issue_token
from tracing.db import db, utcnow
from tracing.models import (
    ApiToken,
    AuditEvent,
    AuditTag,
    ImportBatch,
    Organization,
    PersonRecord,
    RecordRevision,
    Role,
    TokenScope,
    User,
)
from tracing.services.exchange import tokens
from tracing.tokens import hash_secret

READ, WRITE, EXPORT = TokenScope.READ, TokenScope.WRITE, TokenScope.EXPORT

RECORD = {
    "source_record_id": "case-17",
    "given_name": "Олена",
    "family_name": "Коваль",
    "sex": "female",
    "date_of_birth": "2015-04",
    "source_date": "2024-01-01T00:00:00Z",
    "author_email": "volunteer@ngo.example.org",
    "home_street": "вул. Садова, 1",
    "home_city": "Бердянськ",
    "consent_sharing": True,
    "notes": [
        {
            "note_record_id": "ngo/note.1",
            "status": "believed_missing",
            "text": "Евакуйована",
            "source_date": "2024-01-02T00:00:00Z",
            "linked_person_record_id": "case-18",
        }
    ],
}


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.ORG_ADMIN)


def _error(response: Any) -> str:
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return str(body["error"]["code"])


def test_no_token_a_wrong_token_a_revoked_token_and_a_wrong_scope_are_refused(
    client: FlaskClient, admin: User
) -> None:
    secret = issue_token(admin, READ)
    no_token = client.get("/api/v1/records")
    assert no_token.status_code == 401 and _error(no_token) == "token_missing"
    assert no_token.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = client.get("/api/v1/records", headers=bearer("trc_" + "x" * 43))
    assert wrong.status_code == 401 and _error(wrong) == "token_invalid"
    scope = client.post("/api/v1/records", json=RECORD, headers=bearer(secret))
    assert scope.status_code == 403 and _error(scope) == "insufficient_scope"
    assert scope.get_json()["error"]["details"] == [{"required_scope": "write"}]
    assert client.get("/api/v1/records", headers=bearer(secret)).status_code == 200
    token = db.session.scalars(sa.select(ApiToken)).one()
    tokens.revoke_token(admin, token.id)
    db.session.commit()
    revoked = client.get("/api/v1/records", headers=bearer(secret))
    assert revoked.status_code == 401 and _error(revoked) == "token_revoked"
    assert count(PersonRecord) == 0


def test_tokens_are_stored_hashed_and_their_last_use_is_recorded(
    client: FlaskClient, admin: User
) -> None:
    secret = issue_token(admin, READ)
    token = db.session.scalars(sa.select(ApiToken)).one()
    assert token.token_hash == hash_secret(secret) and secret not in token.hint + token.token_hash
    assert token.last_used_at is None
    # a refused request (here: a write with a read token) is a use of the token too
    refused = client.post("/api/v1/records", json={"given_name": "x"}, headers=bearer(secret))
    assert refused.status_code == 403
    db.session.expire_all()
    assert token.last_used_at is not None and utcnow() - token.last_used_at < timedelta(minutes=1)
    assert count(PersonRecord) == 0


def test_create_read_and_update_a_record_by_source_id(client: FlaskClient, admin: User) -> None:
    secret = issue_token(admin, READ, WRITE)
    created = client.post("/api/v1/records", json=RECORD, headers=bearer(secret))
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["result"] == "created" and body["record"]["status"] == "believed_missing"
    record_id = body["record"]["id"]
    provenance = body["record"]["provenance"]
    assert provenance["organization"] == admin.organization.slug
    assert provenance["source_record_id"] == "case-17" and provenance["import_batch_id"] is None

    newer = {**RECORD, "family_name": "Ковальчук", "source_date": "2024-02-01T00:00:00Z"}
    updated = client.post("/api/v1/records", json=newer, headers=bearer(secret))
    assert updated.status_code == 200 and updated.get_json()["result"] == "updated"
    older = {**RECORD, "family_name": "Стара", "source_date": "2023-01-01T00:00:00Z"}
    kept = client.post("/api/v1/records", json=older, headers=bearer(secret))
    assert kept.get_json()["result"] == "unchanged" and kept.get_json()["stale"] is True

    read = client.get(f"/api/v1/records/{record_id}", headers=bearer(secret)).get_json()
    assert read["family_name"] == "Ковальчук" and read["date_of_birth"] == "2015-04"
    # Without the export scope: no contact details, no exact location.
    assert read["author_email"] is None and read["home_street"] is None
    assert read["home_city"] == "Бердянськ"
    assert count(PersonRecord) == 1 and count(RecordRevision) == 2
    tags = db.session.scalars(sa.select(AuditEvent.tag).order_by(AuditEvent.id)).all()
    assert tags.count(AuditTag.API_RECORD_READ) == 1
    read_event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.tag == AuditTag.API_RECORD_READ)
    ).one()
    assert (read_event.actor_org_id, read_event.object_id) == (admin.org_id, record_id)
    assert read_event.actor_token_id is not None


def test_the_export_scope_adds_contact_details_and_exact_locations(
    client: FlaskClient, admin: User
) -> None:
    secret = issue_token(admin, READ, WRITE, EXPORT)
    record_id = client.post("/api/v1/records", json=RECORD, headers=bearer(secret)).get_json()[
        "record"
    ]["id"]
    read = client.get(f"/api/v1/records/{record_id}", headers=bearer(secret)).get_json()
    assert read["author_email"] == "volunteer@ngo.example.org"
    assert read["home_street"] == "вул. Садова, 1"


def test_another_organisations_record_is_not_found(
    client: FlaskClient,
    admin: User,
    make_org: Callable[..., Organization],
    make_record: Callable[..., PersonRecord],
) -> None:
    theirs = make_record(make_org(), source_record_id="case-17")
    secret = issue_token(admin, READ, WRITE)
    response = client.get(f"/api/v1/records/{theirs.id}", headers=bearer(secret))
    assert response.status_code == 404 and _error(response) == "not_found"
    # Writing the same source id writes the organisation's own record, never theirs.
    client.post("/api/v1/records", json=RECORD, headers=bearer(secret))
    db.session.refresh(theirs)
    assert theirs.family_name == "Шевченко"
    assert count(PersonRecord, PersonRecord.org_id == admin.org_id) == 1
    feed = client.get("/api/v1/records", headers=bearer(secret)).get_json()
    assert [r["source_record_id"] for r in feed["records"]] == ["case-17"]


def test_an_invalid_record_is_refused_with_every_problem(client: FlaskClient, admin: User) -> None:
    secret = issue_token(admin, WRITE)
    bad = {"source_record_id": "x", "sex": "unknown", "date_of_birth": "2015-13"}
    response = client.post("/api/v1/records", json=bad, headers=bearer(secret))
    assert response.status_code == 422 and _error(response) == "invalid_record"
    codes = {d["code"] for d in response.get_json()["error"]["details"]}
    assert codes == {"missing_name", "unknown_sex", "bad_date"}
    not_json = client.post("/api/v1/records", data="nope", headers=bearer(secret))
    assert not_json.status_code == 400 and _error(not_json) == "bad_request"
    assert count(PersonRecord) == 0


def test_the_changed_since_feed_pages_by_entry_date(
    client: FlaskClient, admin: User, make_record: Callable[..., PersonRecord]
) -> None:
    now = utcnow()
    for n in range(5):
        record = make_record(admin.organization, source_record_id=f"r{n}")
        record.updated_at = now - timedelta(days=5 - n)
    db.session.commit()
    db.session.execute(
        sa.update(PersonRecord)
        .where(PersonRecord.source_record_id == "r0")
        .values(updated_at=now - timedelta(days=10))
    )
    db.session.commit()
    secret = issue_token(admin, READ)
    seen: list[str] = []
    url = "/api/v1/records?limit=2"
    while url:
        page = client.get(url, headers=bearer(secret)).get_json()
        seen += [r["source_record_id"] for r in page["records"]]
        url = f"/api/v1/records?limit=2&cursor={page['next_cursor']}" if page["next_cursor"] else ""
    assert seen == ["r0", "r1", "r2", "r3", "r4"]
    since = (now - timedelta(days=3, hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    recent = client.get(f"/api/v1/records?since={since}", headers=bearer(secret)).get_json()
    assert [r["source_record_id"] for r in recent["records"]] == ["r2", "r3", "r4"]
    bad = client.get("/api/v1/records?cursor=nonsense", headers=bearer(secret))
    assert bad.status_code == 400 and _error(bad) == "bad_parameter"
    naive = client.get("/api/v1/records?since=2024-01-01T00:00:00", headers=bearer(secret))
    assert naive.status_code == 400


def test_suggestions_concerning_the_organisations_records(
    client: FlaskClient,
    admin: User,
    make_org: Callable[..., Organization],
    make_record: Callable[..., PersonRecord],
) -> None:
    from tracing.models import Suggestion

    secret = issue_token(admin, READ)
    empty = client.get("/api/v1/suggestions", headers=bearer(secret))
    assert empty.get_json() == {"suggestions": [], "next_cursor": None}
    mine = make_record(admin.organization, source_record_id="mine-1")
    shared = make_record(make_org(), consent_sharing=True)
    shared_too = make_record(make_org(), consent_sharing=True)
    private = make_record(make_org(), consent_sharing=False)
    unrelated = [make_record(make_org(), consent_sharing=True) for _ in range(2)]
    reason = {"code": "x", "text": "Same date of birth", "field": "birth_date", "params": {}}
    pairs = ((mine, shared), (mine, private), tuple(unrelated), (mine, shared_too))
    for left, right in pairs:
        low, high = sorted((left.id, right.id))
        db.session.add(
            Suggestion(
                left_id=low,
                right_id=high,
                score=0.9,
                band="match",
                reasons=[reason],
                matcher_version="test",
                left_hash="a",
                right_hash="b",
            )
        )
    db.session.commit()
    body = client.get("/api/v1/suggestions?limit=1", headers=bearer(secret)).get_json()
    (item,) = body["suggestions"]
    assert (item["record_id"], item["source_record_id"]) == (mine.id, "mine-1")
    assert item["other_organization"] == shared.organization.slug
    assert item["reasons"] == ["Same date of birth"] and item["status"] == "open"
    rest = client.get(
        f"/api/v1/suggestions?cursor={body['next_cursor']}", headers=bearer(secret)
    ).get_json()
    # The pair with a record whose consent keeps it private is never listed.
    assert [s["other_organization"] for s in rest["suggestions"]] == [shared_too.organization.slug]
    assert rest["next_cursor"] is None


def test_import_through_the_api_dry_run_then_import(client: FlaskClient, admin: User) -> None:
    secret = issue_token(admin, READ, WRITE)
    content = data("pfif-1.4-every-field.xml")
    url = "/api/v1/imports?format=pfif&consent_sharing=true"
    dry = client.post(url, data=content, headers=bearer(secret))
    assert dry.status_code == 200 and dry.get_json()["dry_run"] is True
    assert dry.get_json()["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "notes": 4}
    assert count(PersonRecord) == 0
    done = client.post(url + "&dry_run=false", data=content, headers=bearer(secret))
    assert done.status_code == 201, done.get_json()
    batch_id = done.get_json()["batch_id"]
    again = client.post(url + "&dry_run=false", data=content, headers=bearer(secret))
    assert again.status_code == 200 and again.get_json()["duplicate_of_batch"] == batch_id
    listing = client.get("/api/v1/imports", headers=bearer(secret)).get_json()
    assert [(b["id"], b["counts"]["created"]) for b in listing["imports"]] == [(batch_id, 2)]
    assert listing["imports"][0]["imported_by"] == "API: test client"
    bad = client.post(
        "/api/v1/imports?format=csv&dry_run=false",
        data=b"person_record_id,given_name\n1,Ok\n2,\n",
        headers=bearer(secret),
    )
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["row"] == 3
    assert count(ImportBatch) == 1


def test_export_through_the_api_is_audited_and_valid(client: FlaskClient, admin: User) -> None:
    secret = issue_token(admin, READ, WRITE)
    client.post("/api/v1/records", json=RECORD, headers=bearer(secret))
    no_purpose = client.get("/api/v1/export?format=pfif", headers=bearer(secret))
    assert no_purpose.status_code == 400 and _error(no_purpose) == "purpose_required"
    response = client.get(
        "/api/v1/export?format=pfif&purpose=weekly%20sync", headers=bearer(secret)
    )
    assert response.status_code == 200 and response.headers["X-Record-Count"] == "1"
    assert_schema_valid(response.data)
    assert b"volunteer@ngo.example.org" not in response.data  # no export scope
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.tag == AuditTag.RECORD_EXPORT)
    ).one()
    assert event.detail is not None and event.detail.endswith("purpose=weekly sync")


def test_unknown_api_paths_and_methods_answer_json(client: FlaskClient, admin: User) -> None:
    secret = issue_token(admin, READ)
    missing = client.get("/api/v1/nothing-here", headers=bearer(secret))
    assert missing.status_code == 404 and _error(missing) == "not_found"
    method = client.delete("/api/v1/records", headers=bearer(secret))
    assert method.status_code == 405 and _error(method) == "method_not_allowed"


def test_the_api_is_rate_limited_per_token(app_factory: Callable[..., Flask], admin: User) -> None:
    app = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_API="3 per minute")
    secret = issue_token(admin, READ)
    db.session.commit()
    with app.app_context():
        client = app.test_client()
        statuses = [
            client.get("/api/v1/suggestions", headers=bearer(secret)).status_code for _ in range(4)
        ]
        assert statuses == [200, 200, 200, 429]
        limited = client.get("/api/v1/suggestions", headers=bearer(secret))
        assert _error(limited) == "rate_limited"


def test_the_openapi_document_describes_exactly_the_routes(app: Flask, client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = {
        (path, method.upper())
        for path, operations in document["paths"].items()
        for method in operations
    }
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi_document":
            path = rule.rule.removeprefix("/api/v1").replace("<int:record_id>", "{record_id}")
            routed |= {(path, m) for m in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    assert documented == routed
    for operations in document["paths"].values():
        for operation in operations.values():
            assert {"401", "403", "429"} <= set(operation["responses"])
