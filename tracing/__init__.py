"""The tracing application: family intake, case work and record exchange.

``create_app`` wires each concern through its own ``init_app``; nothing happens at import.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from tracing.config import ROOT, instance_secret, load_config


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app from defaults, ``TRACING_*`` environment variables, then ``config``."""
    settings = load_config(config)
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        template_folder=str(ROOT / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
    )
    app.config.update(settings)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(app.instance_path)
    _configure_cookies(app)

    from tracing import cli, db, i18n, security
    from tracing.views import register_blueprints

    db.db.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    register_blueprints(app)
    cli.init_app(app)
    return app


def _configure_cookies(app: Flask) -> None:
    app.config.update(
        SESSION_COOKIE_NAME="tracing_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=app.config["COOKIE_SECURE"],
        # The session cookie lives no longer than a login may (the idle limit is server-side).
        PERMANENT_SESSION_LIFETIME=app.config["SESSION_MAX_HOURS"] * 3600,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=app.config["COOKIE_SECURE"],
        MAX_CONTENT_LENGTH=app.config.get("MAX_CONTENT_LENGTH", 16 * 1024 * 1024),
    )
