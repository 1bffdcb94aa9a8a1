"""Organisation administration: who works here (tokens and imports come with exchange)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from tracing.db import db
from tracing.models import Role, User
from tracing.security import roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@roles_required(Role.ORG_ADMIN, Role.ADMIN)
def _admins_only() -> None:
    """Every page here is for organisation administrators."""


@bp.get("/users")
def users() -> str:
    rows = db.session.scalars(
        sa.select(User).where(User.org_id == current_user.org_id).order_by(User.name)
    ).all()
    return render_template("admin/users.html", users=rows)
