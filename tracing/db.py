"""Database: declarative base, engine, and one session per application context.

Services flush; the view commits once, so a request's changes and its audit rows
land together or not at all.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask.globals import app_ctx
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

# Deterministic constraint names, so migrations can drop and alter them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


# 64 MiB of page cache (the default is 2 MiB): the key index of a large database is read
# at random, and every connection reads it
SQLITE_PAGE_CACHE = "PRAGMA cache_size=-65536"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # One writer at a time: a request waits for the lock rather than fail. A rebuild holds
    # it between its commits (rebuild.COMMIT_EVERY: 8-13 s for keys at a million records).
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # A checkpoint runs in whichever commit finds the WAL past this many pages, and with
    # the default (1,000) every tenth or so new record paid for one: at a million records
    # that doubled the p95 time to suggest for a new record (measured: 46-60 ms against
    # 27 ms without). Rarer checkpoints (a WAL of up to ~40 MB) keep it near 30 ms.
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    cursor.execute(SQLITE_PAGE_CACHE)
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite connections get foreign keys, WAL and a busy timeout."""
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _app_context_id() -> int:
    # One session per application context (one per request in production).
    return id(app_ctx._get_current_object())  # type: ignore[attr-defined]


class Database:
    """The engine and the request-scoped session of one application."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.sessionmaker = sessionmaker(expire_on_commit=False)
        self.session: scoped_session[Session] = scoped_session(
            self.sessionmaker, scopefunc=_app_context_id
        )

    def init_app(self, app: Flask) -> None:
        self.engine = make_engine(app.config["DATABASE_URL"])
        self.sessionmaker.configure(bind=self.engine)
        app.teardown_appcontext(self._remove)

    def _remove(self, _exc: BaseException | None) -> None:
        self.session.remove()


db = Database()
