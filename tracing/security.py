"""Logins that really end, role checks, security headers and rate limits."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from flask import Flask, abort, current_app, g, request, session
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_user, logout_user
from werkzeug.wrappers import Response

from tracing.db import db, utcnow
from tracing.models import Role, User, UserSession
from tracing.tokens import hash_secret

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = cast(str, _l("Please sign in to see this page."))
login_manager.session_protection = None  # our own server-side sessions do this job

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)

F = TypeVar("F", bound=Callable[..., ResponseReturnValue | None])

# How often a session's last-seen time is written (a write per request would be waste).
_TOUCH_EVERY = timedelta(minutes=1)


def start_session(user: User) -> None:
    """Log ``user`` in with a fresh server-side session (the old cookie is discarded)."""
    session.clear()
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    db.session.execute(  # this user's abandoned logins
        sa.delete(UserSession).where(
            UserSession.user_id == user.id, UserSession.last_seen_at < utcnow() - idle
        )
    )
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=hash_secret(token), user_id=user.id))
    session["sid"] = token
    session.permanent = True
    user.last_login_at = utcnow()
    login_user(user)


def end_session() -> None:
    """Delete the server-side session: a copied cookie stops working at once."""
    token = session.get("sid")
    if token:
        db.session.execute(
            sa.delete(UserSession).where(UserSession.token_hash == hash_secret(token))
        )
    logout_user()
    session.clear()


def end_all_sessions(user: User) -> None:
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    token = session.get("sid")
    if not token or not user_id.isdigit():
        return None
    row = db.session.scalars(
        sa.select(UserSession).where(UserSession.token_hash == hash_secret(token))
    ).first()
    if row is None or row.user_id != int(user_id):
        return None
    now = utcnow()
    last_seen, created = row.last_seen_at, row.created_at
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    lifetime = timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    # Both changes ride on the request's transaction; a request that does not commit
    # (a plain GET) has them saved after it (_save_session_activity).
    if now - last_seen > idle or now - created > lifetime:
        db.session.delete(row)
        g.session_touched = True
        return None
    if now - last_seen > _TOUCH_EVERY:
        row.last_seen_at = now
        g.session_touched = True
    user = row.user
    return user if user.active else None


def _save_session_activity(response: Response) -> Response:
    """Save a session's touch or expiry after a page that only reads.

    Views that change data commit themselves (and the touch with it); a GET view has
    nothing of its own to commit, so without this an active reader would be signed out.
    """
    if g.get("session_touched") and request.method in ("GET", "HEAD"):
        db.session.commit()
    return response


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Allow only logged-in users with one of ``roles`` (403 otherwise)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue | None:
            if not current_user.is_authenticated:
                return cast(ResponseReturnValue, login_manager.unauthorized())
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["COOKIE_SECURE"]:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.endpoint != "static":
        # Pages carry personal data: never keep them in a shared or back-button cache.
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config["RATELIMIT_ENABLED"] = app.config.get("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
    app.after_request(_security_headers)
    app.after_request(_save_session_activity)

    @app.context_processor
    def _logout_token() -> dict[str, object]:
        from tracing.forms.auth import LogoutForm

        return {"logout_csrf": lambda: LogoutForm().csrf_token.current_token}
