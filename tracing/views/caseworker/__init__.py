"""Caseworkers: records, the review queue and comparisons, search. Every page needs login."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user, login_required

from tracing.models import User

bp = Blueprint("caseworker", __name__, url_prefix="/cases")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here needs a signed-in user (a new route cannot forget it)."""


def signed_in_user() -> User:
    user: User = current_user._get_current_object()
    return user


from tracing.views.caseworker import records, review, search  # noqa: E402, F401 - routes
