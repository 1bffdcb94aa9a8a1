"""The `flask --app tracing …` commands: organisations, users, demo data, rebuild."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from tracing.db import db
from tracing.models import (
    AuditEvent,
    AuditTag,
    Organization,
    OrgKind,
    PersonRecord,
    Role,
    Suggestion,
    User,
)
from tracing.passwords import verify_password


def test_create_an_organisation_and_a_user(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["orgs", "create", "ngo-x", "NGO X", "--kind", "ngo", "--verified"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Worker@Example.org",
            "--name",
            "W",
            "--role",
            "caseworker",
            "--org",
            "ngo-x",
        ],
        env={"TRACING_NEW_USER_PASSWORD": "a long enough password"},
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(sa.select(User).where(User.email == "worker@example.org")).one()
    assert user.role is Role.CASEWORKER
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, "a long enough password")
    assert db.session.scalars(sa.select(AuditEvent.tag)).all() == [AuditTag.USER_CREATE]


def test_bad_user_requests_are_refused_with_a_message(app: Flask) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["orgs", "create", "ngo-y", "NGO Y"])
    short = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "a@b.org",
            "--name",
            "A",
            "--role",
            "admin",
            "--org",
            "ngo-y",
        ],
        env={"TRACING_NEW_USER_PASSWORD": "short"},
    )
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    missing = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "a@b.org",
            "--name",
            "A",
            "--role",
            "admin",
            "--org",
            "nowhere",
        ],
        env={"TRACING_NEW_USER_PASSWORD": "a long enough password"},
    )
    assert missing.exit_code != 0 and "no organisation" in missing.output


def test_demo_seed_is_idempotent_and_prints_logins(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed", "--families", "20"])
    assert first.exit_code == 0, first.output
    counts = (
        db.session.scalar(sa.select(sa.func.count()).select_from(Organization)),
        db.session.scalar(sa.select(sa.func.count()).select_from(PersonRecord)),
    )
    again = runner.invoke(args=["demo", "seed", "--families", "20"])
    assert "0 records" in again.output
    assert counts == (
        db.session.scalar(sa.select(sa.func.count()).select_from(Organization)),
        db.session.scalar(sa.select(sa.func.count()).select_from(PersonRecord)),
    )
    logins = runner.invoke(args=["demo", "logins"]).output
    assert "caseworker@intake.demo" in logins and "reference UA-" in logins
    skipped = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert "not empty" in skipped.output


def test_match_rebuild_prints_the_suggestion_count(app: Flask) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "seed", "--families", "30"])
    result = runner.invoke(args=["match", "rebuild", "--workers", "0"])
    assert result.exit_code == 0, result.output
    stored = db.session.scalar(sa.select(sa.func.count()).select_from(Suggestion))
    assert result.output.strip().endswith(f"{stored} suggestions")


def test_periodic_jobs_forget_what_is_no_longer_needed(app: Flask) -> None:
    from datetime import timedelta

    from tracing.db import utcnow
    from tracing.models import BatchStatus, FailedAttempt, ImportBatch, ImportFormat, IntakeDraft

    org = Organization(slug="ngo-j", name="NGO J", kind=OrgKind.NGO)
    db.session.add(org)
    db.session.flush()
    long_ago = utcnow() - timedelta(days=3)

    def draft(token: str, when: object) -> IntakeDraft:
        return IntakeDraft(
            token_hash=token, data={"children": [{"given": "Марія"}]}, updated_at=when
        )

    def preview(sha: str, when: object) -> ImportBatch:
        return ImportBatch(
            org_id=org.id, format=ImportFormat.CSV, file_sha256=sha, status=BatchStatus.PREVIEW,
            payload=b"given_name\nMarta\n", created_at=when,
        )  # fmt: skip

    db.session.add_all(
        [
            draft("old", long_ago), draft("new", utcnow()),
            FailedAttempt(key="old", created_at=long_ago), FailedAttempt(key="new"),
            preview("a" * 64, long_ago), preview("b" * 64, utcnow()),
        ]
    )  # fmt: skip
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert "purged: 1 drafts, 1 wrong codes, 1 previews" in result.output
    db.session.expire_all()
    assert db.session.scalars(sa.select(IntakeDraft.token_hash)).all() == ["new"]
    assert db.session.scalars(sa.select(FailedAttempt.key)).all() == ["new"]
    assert db.session.scalars(sa.select(ImportBatch.file_sha256)).all() == ["b" * 64]
