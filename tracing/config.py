"""Configuration: defaults here, then environment variables prefixed ``TRACING_``.

Nothing runs at import time; :func:`load_config` is called by the app factory and by
Alembic's ``env.py`` so both always agree on the database.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

PREFIX = "TRACING_"
ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": f"sqlite:///{ROOT / 'instance' / 'tracing.sqlite3'}",
    "SECRET_KEY": None,  # from the environment, or a per-installation file (see below)
    "INSTANCE_PATH": str(ROOT / "instance"),
    # Family reports are filed with this organisation (created by `demo seed` or an admin).
    "INTAKE_ORGANIZATION": "intake",
    # Cookies: secure by default; local http development turns it off explicitly.
    "COOKIE_SECURE": True,
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_MAX_HOURS": 12,
    # Wrong reference/code pairs on the family status page.
    "STATUS_FAILURES_PER_REFERENCE": 5,
    "STATUS_FAILURES_PER_ADDRESS": 20,
    "STATUS_FAILURE_WINDOW_MINUTES": 15,
    # Flask-Limiter storage ("memory://" for one process, "redis://..." for several).
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_PUBLIC": "30 per minute",
    "RATELIMIT_LOGIN": "10 per minute",
    # Unfinished family reports are forgotten after this long.
    "DRAFT_TTL_HOURS": 24,
    # Import previews nobody committed are deleted after this long (with the file).
    "PREVIEW_TTL_HOURS": 24,
    "PAGE_SIZE": 50,
    # Record exchange: API rate limit per token, import limits, PFIF id domain.
    "RATELIMIT_API": "300 per minute",
    "EXCHANGE_MAX_IMPORT_BYTES": 15 * 1024 * 1024,
    "EXCHANGE_MAX_LINE_CHARS": 100_000,
    "EXCHANGE_MAX_ROWS": 100_000,
    # Larger imports are queued for `flask --app tracing exchange run-pending`.
    "EXCHANGE_INLINE_MAX_ROWS": 2000,
    "EXCHANGE_PFIF_DOMAIN": "tracing.local",
    # Who approves a confirmed match: "peer" (any other caseworker) or "supervisor".
    "SECOND_REVIEWER": "peer",
    # Where the quick-exit link on the family pages leads (a harmless everyday site).
    "QUICK_EXIT_URL": "https://www.google.com/",
}

_BOOL = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}


def _coerce(raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        try:
            return _BOOL[raw.strip().lower()]
        except KeyError:
            raise ValueError(f"expected a boolean, got {raw!r}") from None
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, list | dict):
        return json.loads(raw)
    return raw


def load_config(
    overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None
) -> dict[str, Any]:
    """Return the effective configuration: defaults < environment < overrides."""
    env = os.environ if environ is None else environ
    config = dict(DEFAULTS)
    for key, default in DEFAULTS.items():
        raw = env.get(PREFIX + key)
        if raw is not None:
            try:
                config[key] = _coerce(raw, default)
            except ValueError as exc:
                raise ValueError(f"{PREFIX}{key}: {exc}") from None
    config.update(overrides or {})
    return config


def instance_secret(instance_path: str) -> str:
    """A per-installation secret kept in the instance folder, created on first use.

    Used only when TRACING_SECRET_KEY is not set, so a fresh clone runs without a
    secret in the code and production sets the variable.
    """
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
