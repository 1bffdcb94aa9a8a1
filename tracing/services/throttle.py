"""Counting failed guesses at public secrets, per reference and per client address.

Stored in the database (not process memory) so limits hold across workers and restarts;
keys are HMACs, so neither addresses nor references are stored in clear.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from tracing.db import db, utcnow
from tracing.models import FailedAttempt
from tracing.tokens import keyed_hash


def _key(kind: str, value: str) -> str:
    return keyed_hash(current_app.config["SECRET_KEY"], kind, value)[:80]


def _recent_failures(key: str) -> int:
    since = utcnow() - timedelta(minutes=current_app.config["STATUS_FAILURE_WINDOW_MINUTES"])
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(FailedAttempt)
        .where(FailedAttempt.key == key, FailedAttempt.created_at >= since)
    )
    return int(count or 0)


def is_blocked(reference: str, address: str) -> bool:
    cfg = current_app.config
    per_reference: int = cfg["STATUS_FAILURES_PER_REFERENCE"]
    per_address: int = cfg["STATUS_FAILURES_PER_ADDRESS"]
    return (
        _recent_failures(_key("ref", reference)) >= per_reference
        or _recent_failures(_key("addr", address)) >= per_address
    )


def note_failure(reference: str, address: str) -> None:
    db.session.add_all(
        [FailedAttempt(key=_key("ref", reference)), FailedAttempt(key=_key("addr", address))]
    )
    db.session.flush()


def purge_old_failures() -> int:
    """Forget failures older than the window (they no longer count)."""
    window = timedelta(minutes=current_app.config["STATUS_FAILURE_WINDOW_MINUTES"])
    result = db.session.execute(
        sa.delete(FailedAttempt).where(FailedAttempt.created_at < utcnow() - window)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
