"""Sign in and sign out (server-side sessions; see tracing.security)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tracing.db import db
from tracing.forms.auth import LoginForm, LogoutForm
from tracing.models import AuditTag
from tracing.security import end_session, limiter, start_session
from tracing.services.audit import audit
from tracing.services.users import authenticate

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a user to another site after login."""
    # Browsers read "\\" as "/", so "/\\evil" would leave the site too.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("caseworker.queue")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("caseworker.queue"))
    form = LoginForm.from_request()
    error = None
    if request.method == "POST" and form.validate():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            audit(AuditTag.USER_LOGIN_FAILED)
            db.session.commit()
            error = _("The e-mail address or the password is not right.")
        else:
            start_session(user)
            audit(AuditTag.USER_LOGIN, user, actor=user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    status = 400 if form.csrf_token.errors else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
def logout() -> Response:
    form = LogoutForm.from_request()
    if not form.validate():
        abort(400)
    if current_user.is_authenticated:
        audit(AuditTag.USER_LOGOUT)
        end_session()
        db.session.commit()
    return redirect(url_for("auth.login"))
