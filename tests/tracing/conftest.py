"""App fixtures: a migrated database, one rolled-back transaction per test, factories.

The schema comes from Alembic (never create_all). Each test runs inside an outer
transaction that is rolled back; the app's commits only release savepoints.
SQLite needs SQLAlchemy's documented pysqlite workaround for that to hold.
"""

from __future__ import annotations

import contextvars
import os
import re
import secrets
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from tests.conftest import REPO
from tracing import create_app
from tracing.db import db
from tracing.models import (
    Organization,
    OrgKind,
    PersonRecord,
    RecordKind,
    Role,
    User,
    UserSession,
)
from tracing.passwords import hash_password
from tracing.tokens import hash_secret

PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = hash_password(PASSWORD)


def database_url() -> str:
    url = os.environ.get("TRACING_TEST_DATABASE_URL")
    if url:
        return url
    directory = Path(tempfile.mkdtemp(prefix="tracing-test-"))
    return f"sqlite:///{directory / 'test.sqlite3'}"


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    cfg = Config(str(REPO / "alembic.ini"))
    cfg.attributes["configure_logger"] = False
    if connection is not None:
        cfg.attributes["connection"] = connection
    if url is not None:
        cfg.attributes["url"] = url
    return cfg


def reset_schema(engine: Engine) -> None:
    """Start from an empty database (a PostgreSQL test database may hold an older run)."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        else:
            for table in sa.inspect(conn).get_table_names():
                conn.execute(sa.text(f'DROP TABLE "{table}"'))


def _sqlite_savepoint_workaround(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _no_pysqlite_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _emit_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs() -> None:
    """Compile .po to .mo when stale, so plain `pytest` works without `make`."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (REPO / "tracing" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as src:
                catalog = read_po(src)
            with mo.open("wb") as out:
                write_mo(out, catalog)


def scratch_database_url(name: str) -> str:
    """A database of its own (a new PostgreSQL database, or a new SQLite file), for tests
    that need real, separate connections and commits rather than the per-test transaction."""
    url = os.environ.get("TRACING_TEST_DATABASE_URL")
    if url and url.startswith("postgresql"):
        from tracing.db import make_engine

        admin = make_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        admin.dispose()
        return url.rsplit("/", 1)[0] + f"/{name}"
    return f"sqlite:///{Path(tempfile.mkdtemp()) / (name + '.sqlite3')}"


@pytest.fixture(scope="session")
def db_url() -> str:
    return database_url()


@pytest.fixture(scope="session")
def engine(db_url: str) -> Iterator[Engine]:
    from tracing.db import make_engine

    engine = make_engine(db_url)
    reset_schema(engine)
    if engine.dialect.name == "sqlite":
        _sqlite_savepoint_workaround(engine)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, as a server would.

    The test body keeps its own app context (for factories and queries); without this,
    requests would reuse it and share ``g`` — Flask-Login's cached user and Flask-Babel's
    cached locale would leak from one request to the next.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        return contextvars.Context().run(super().open, *args, **kwargs)


TEST_CONFIG = {
    "SECRET_KEY": "test-secret-" + "x" * 32,
    "RATELIMIT_ENABLED": False,
    "INTAKE_ORGANIZATION": "intake",
}


@pytest.fixture
def app_factory(connection: Connection, db_url: str, tmp_path: Path) -> Callable[..., Flask]:
    def make(**overrides: Any) -> Flask:
        config = {
            **TEST_CONFIG,
            "DATABASE_URL": db_url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            **overrides,
        }
        app = create_app(config)
        app.testing = True
        app.test_client_class = IsolatedClient
        db.sessionmaker.configure(bind=connection, join_transaction_mode="create_savepoint")
        return app

    return make


@pytest.fixture
def app(app_factory: Callable[..., Flask]) -> Iterator[Flask]:
    app = app_factory()
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# --- factories --------------------------------------------------------------------


@pytest.fixture
def make_org(app: Flask) -> Callable[..., Organization]:
    def make(slug: str | None = None, kind: OrgKind = OrgKind.NGO) -> Organization:
        slug = slug or f"org-{secrets.token_hex(3)}"
        org = Organization(slug=slug, name=f"Organisation {slug}", kind=kind, verified=True)
        db.session.add(org)
        db.session.flush()
        return org

    return make


@pytest.fixture
def intake_org(make_org: Callable[..., Organization]) -> Organization:
    return make_org("intake", OrgKind.AGENCY)


@pytest.fixture
def make_user(app: Flask, make_org: Callable[..., Organization]) -> Callable[..., User]:
    def make(role: Role = Role.CASEWORKER, org: Organization | None = None) -> User:
        org = org or make_org()
        user = User(
            email=f"{secrets.token_hex(4)}@example.org",
            name=f"Test {role.value}",
            password_hash=_PASSWORD_HASH,
            role=role,
            org_id=org.id,
        )
        db.session.add(user)
        db.session.flush()
        return user

    return make


@pytest.fixture
def make_record(app: Flask) -> Callable[..., PersonRecord]:
    def make(org: Organization, **fields: Any) -> PersonRecord:
        values: dict[str, Any] = {
            "kind": RecordKind.SOUGHT,
            "given_name": "Олександр",
            "family_name": "Шевченко",
            "source_record_id": secrets.token_hex(6),
            "consent_tracing": True,
            **fields,
        }
        record = PersonRecord(org_id=org.id, **values)
        db.session.add(record)
        db.session.flush()
        return record

    return make


def login(client: FlaskClient, user: User) -> str:
    """Sign ``user`` in as the login view would: a server-side session and its cookie."""
    token = secrets.token_urlsafe(16)
    db.session.add(UserSession(token_hash=hash_secret(token), user_id=user.id))
    db.session.flush()
    with client.session_transaction() as sess:
        sess["sid"] = token
        sess["_user_id"] = str(user.id)
        sess["_fresh"] = True
    return token


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token from the form on ``url`` (as a browser would have it)."""
    page = client.get(url)
    match = _CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({page.status_code})"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """POST a form the way a browser does: with the token from the page itself."""
    return client.post(url, data={"csrf_token": csrf_token(client, url), **data}, **kwargs)
