"""Error pages in the reader's language; the API blueprint answers JSON instead."""

from __future__ import annotations

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from tracing.db import db
from tracing.views import api


def _page(error: HTTPException) -> tuple[str, int] | Response:
    db.session.rollback()
    if request.path.startswith(api.PREFIX + "/"):
        return api.http_error(error)
    code = error.code or 500
    return render_template("errors/error.html", code=code), code


def init_app(app: Flask) -> None:
    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, _page)
