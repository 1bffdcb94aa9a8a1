"""Caseworkers: their organisation's records, a record's timeline, notes and statuses."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracing.db import db
from tracing.forms.casework import NoteForm, StatusChangeForm
from tracing.models import PersonRecord, PfifStatus, User
from tracing.services import cases

bp = Blueprint("caseworker", __name__, url_prefix="/cases")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here needs a signed-in user (a new route cannot forget it)."""


def _user() -> User:
    user: User = current_user._get_current_object()
    return user


@bp.get("/")
def records() -> str:
    filters = cases.describe_filters(request.args)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    per_page = current_app.config["PAGE_SIZE"]
    rows, total = cases.list_records(_user(), filters, page=page, per_page=per_page)
    db.session.commit()
    return render_template(
        "caseworker/records.html",
        rows=rows,
        total=total,
        page=page,
        per_page=per_page,
        filters=filters,
    )


def _record_or_404(record_id: int) -> PersonRecord:
    record = cases.get_record(_user(), record_id)
    if record is None:
        abort(404)
    return record


@bp.get("/records/<int:record_id>")
def record(record_id: int) -> Any:
    found = cases.view_record(_user(), record_id)
    if found is None:
        abort(404)
    db.session.commit()
    return render_template(
        "caseworker/record.html",
        record=found,
        timeline=cases.timeline(found),
        note_form=NoteForm(),
        status_form=StatusChangeForm(data={"status": found.pfif_status}),
    )


@bp.post("/records/<int:record_id>/notes")
def add_note(record_id: int) -> Any:
    found = _record_or_404(record_id)
    form = NoteForm.from_request()
    if form.validate():
        cases.add_note(_user(), found, form.body.data)
        db.session.commit()
        return redirect(url_for("caseworker.record", record_id=record_id) + "#timeline")
    return _record_with_errors(found, note_form=form)


@bp.post("/records/<int:record_id>/status")
def change_status(record_id: int) -> Any:
    found = _record_or_404(record_id)
    form = StatusChangeForm.from_request()
    if form.validate():
        cases.change_status(_user(), found, PfifStatus(form.status.data), form.body.data)
        db.session.commit()
        return redirect(url_for("caseworker.record", record_id=record_id) + "#timeline")
    return _record_with_errors(found, status_form=form)


def _record_with_errors(found: PersonRecord, **forms: Any) -> Any:
    """The record page again, with the failed form's errors and everything typed kept."""
    cases.view_record(_user(), found.id)
    db.session.commit()
    context = {"note_form": NoteForm(), "status_form": StatusChangeForm(), **forms}
    status = 400 if any(f.csrf_token.errors for f in forms.values()) else 200
    return render_template(
        "caseworker/record.html", record=found, timeline=cases.timeline(found), **context
    ), status
