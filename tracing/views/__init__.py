"""Blueprints by audience: public (families), auth, caseworker, admin, api."""

from __future__ import annotations

from flask import Flask

from tracing.views import admin, api, auth, caseworker, errors, public


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(caseworker.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(api.bp)
    errors.init_app(app)
