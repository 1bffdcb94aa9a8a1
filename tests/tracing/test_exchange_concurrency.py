"""Two imports of the same file at the same time, on real connections, give one copy.

These tests commit for real, so they run on a scratch database of their own (SQLite
file, or a PostgreSQL database next to the test database), not in the rolled-back
transaction the other tests share.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask

from tests.tracing.conftest import TEST_CONFIG, alembic_config, scratch_database_url
from tests.tracing.exchange_helpers import bearer, count
from tracing import create_app
from tracing.db import db
from tracing.models import (
    BatchStatus,
    ImportBatch,
    Organization,
    OrgKind,
    PersonRecord,
    Role,
    TokenScope,
    User,
)
from tracing.services.exchange import tokens

ROWS = 300


@pytest.fixture
def scratch_url() -> str:
    return scratch_database_url("tracing_concurrency")


@pytest.fixture
def live_app(scratch_url: str, tmp_path: Path) -> Iterator[Flask]:
    command.upgrade(alembic_config(url=scratch_url), "head")
    app = create_app(
        {**TEST_CONFIG, "DATABASE_URL": scratch_url, "INSTANCE_PATH": str(tmp_path / "instance")}
    )
    yield app
    with app.app_context():
        db.session.remove()
    assert db.engine is not None
    db.engine.dispose()


def _token(app: Flask) -> str:
    with app.app_context():
        org = Organization(slug="ngo", name="NGO", kind=OrgKind.NGO, verified=True)
        db.session.add(org)
        db.session.flush()
        admin = User(
            email="admin@ngo.example.org", name="Admin", password_hash="x", role=Role.ORG_ADMIN
        )
        admin.org_id = org.id
        db.session.add(admin)
        db.session.flush()
        secret = tokens.create_token(admin, "sync", {TokenScope.WRITE}).secret
        db.session.commit()
        return secret


def _at_once(count_: int, action: Any) -> list[Any]:
    barrier = threading.Barrier(count_)
    results: list[Any] = [None] * count_

    def run(index: int) -> None:
        barrier.wait()
        results[index] = action()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count_)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_imports_of_the_same_file_give_one_copy(live_app: Flask) -> None:
    secret = _token(live_app)
    content = "person_record_id,given_name,family_name,source_date\n" + "".join(
        f"c{n},Ім'я{n},Прізвище,2024-01-01T00:00:00Z\n" for n in range(ROWS)
    )

    def send() -> tuple[int, Any]:
        response = live_app.test_client().post(
            "/api/v1/imports?format=csv&dry_run=false",
            data=content.encode(),
            headers=bearer(secret),
        )
        return response.status_code, response.get_json()

    results = _at_once(2, send)
    statuses = [status for status, _ in results]
    # One import wins (201); the other finds nothing left to do (200) or, at worst, is told
    # to try again (409). Never a second copy, never a server error.
    assert len(statuses) == 2 and statuses.count(201) == 1, results
    statuses.remove(201)
    assert statuses[0] in (200, 409), results
    with live_app.app_context():
        assert count(PersonRecord) == ROWS
        assert count(ImportBatch, ImportBatch.status == BatchStatus.DONE) == 1
        duplicates = db.session.execute(
            sa.select(PersonRecord.source_record_id)
            .group_by(PersonRecord.org_id, PersonRecord.source_record_id)
            .having(sa.func.count() > 1)
        ).all()
        assert duplicates == []
