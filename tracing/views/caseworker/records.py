"""Records: the organisation's list, a record's page and timeline, notes, statuses, stages."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for

from tracing.db import db
from tracing.forms.base import options
from tracing.forms.casework import (
    ConsentOverrideForm,
    NoteForm,
    RecordForm,
    StageForm,
    StatusChangeForm,
)
from tracing.labels import STAGE_LABELS
from tracing.models import CaseStage, ClosedReason, PersonRecord, PfifStatus, RecordKind
from tracing.services import cases, lifecycle
from tracing.views.caseworker import bp
from tracing.views.caseworker import signed_in_user as _user


@bp.get("/records")
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
    return _record_page(found)


@bp.post("/records/<int:record_id>/notes")
def add_note(record_id: int) -> Any:
    found = _own_record_or_404(record_id)
    form = NoteForm.from_request()
    if form.validate():
        cases.add_note(_user(), found, form.body.data)
        db.session.commit()
        return redirect(url_for("caseworker.record", record_id=record_id) + "#timeline")
    return _record_with_errors(found, note_form=form)


@bp.post("/records/<int:record_id>/status")
def change_status(record_id: int) -> Any:
    found = _own_record_or_404(record_id)
    form = StatusChangeForm.from_request()
    if form.validate():
        cases.change_status(_user(), found, PfifStatus(form.status.data), form.body.data)
        db.session.commit()
        return redirect(url_for("caseworker.record", record_id=record_id) + "#timeline")
    return _record_with_errors(found, status_form=form)


def _stage_form(record: PersonRecord, form: StageForm) -> StageForm:
    """The stage form offering only the steps the lifecycle allows from here."""
    form.stage.choices = options(
        (stage.value, STAGE_LABELS[stage.value]) for stage in lifecycle.next_manual_stages(record)
    )
    return form


def _record_page(found: PersonRecord, **forms: Any) -> str:
    user = _user()
    return render_template(
        "caseworker/record.html",
        record=found,
        own=found.org_id == user.org_id,
        timeline=cases.timeline(found),
        suggestions=cases.record_suggestions(user, found),
        note_form=forms.get("note_form") or NoteForm(),
        status_form=forms.get("status_form")
        or StatusChangeForm(data={"status": found.pfif_status}),
        stage_form=forms.get("stage_form") or _stage_form(found, StageForm()),
        override_form=forms.get("override_form") or ConsentOverrideForm(),
    )


def _record_with_errors(found: PersonRecord, **forms: Any) -> Any:
    """The record page again, with the failed form's errors and everything typed kept."""
    cases.view_record(_user(), found.id)
    db.session.commit()
    status = 400 if any(f.csrf_token.errors for f in forms.values()) else 200
    return _record_page(found, **forms), status


def _own_record_or_404(record_id: int) -> PersonRecord:
    record = _record_or_404(record_id)
    if record.org_id != _user().org_id:
        abort(404)  # another organisation's shared record: readable, not editable here
    return record


@bp.post("/records/<int:record_id>/stage")
def change_stage(record_id: int) -> Any:
    found = _own_record_or_404(record_id)
    form = _stage_form(found, StageForm.from_request())
    if form.validate():
        reason = ClosedReason(form.reason.data) if form.reason.data else None
        try:
            lifecycle.change_stage(
                _user(),
                found,
                CaseStage(form.stage.data),
                reason=reason,
                note=form.note.data or None,
            )
        except lifecycle.StageError:
            abort(400)
        db.session.commit()
        return redirect(url_for("caseworker.record", record_id=record_id) + "#timeline")
    return _record_with_errors(found, stage_form=form)


@bp.post("/records/<int:record_id>/consent-override")
def override_consent(record_id: int) -> Any:
    user = _user()
    if not user.is_supervisor:
        abort(403)
    found = _own_record_or_404(record_id)
    form = ConsentOverrideForm.from_request()
    if form.validate():
        cases.override_tracing_consent(user, found, form.reason.data)
        db.session.commit()
        return redirect(url_for("caseworker.record", record_id=record_id))
    return _record_with_errors(found, override_form=form)


def _form_data(record: PersonRecord) -> dict[str, Any]:
    """A record's current values in the form's vocabulary."""
    from tracing.partial_dates import PartialDate

    def iso(value: Any, precision: Any) -> str:
        return PartialDate(value, precision).iso() if value and precision else ""

    return {
        "version": record.version,
        "kind": record.kind.value,
        "given_name": record.given_name,
        "family_name": record.family_name,
        "patronymic": record.patronymic,
        "other_names": "\n".join(n.name for n in record.alternate_names),
        "sex": record.sex.value if record.sex else "",
        "birth": iso(record.birth_date, record.birth_date_precision),
        "age_min": "" if record.age_min is None else str(record.age_min),
        "age_max": "" if record.age_max is None else str(record.age_max),
        "birth_place": record.birth_place,
        "last_seen_place": record.last_seen_place,
        "last_seen_date": iso(record.last_seen_date, record.last_seen_date_precision),
        "circumstances": record.circumstances.value if record.circumstances else "",
        "description": record.description,
        "distinguishing_marks": record.distinguishing_marks,
        "consent_tracing": record.consent_tracing,
        "consent_sharing": record.consent_sharing,
    }


@bp.route("/records/new", methods=["GET", "POST"])
def new_record() -> Any:
    form = RecordForm.from_request(data={"consent_tracing": True})
    if request.method == "POST" and form.validate():
        created = cases.create_record(_user(), RecordKind(form.kind.data), form.data)
        db.session.commit()
        return redirect(url_for("caseworker.record", record_id=created.id))
    status = 400 if request.method == "POST" and form.csrf_token.errors else 200
    return render_template("caseworker/record_form.html", form=form, record=None), status


@bp.route("/records/<int:record_id>/edit", methods=["GET", "POST"])
def edit_record(record_id: int) -> Any:
    found = _own_record_or_404(record_id)
    form = RecordForm.from_request(data=_form_data(found))
    if request.method == "GET":
        cases.open_for_editing(found)
        db.session.commit()
    conflict = False
    if request.method == "POST" and form.validate():
        try:
            cases.update_record(_user(), found, form.data, seen_version=int(form.version.data or 0))
        except cases.StaleRecordError:
            db.session.rollback()
            conflict = True  # the form keeps what was typed; the page shows the news
        else:
            db.session.commit()
            return redirect(url_for("caseworker.record", record_id=record_id))
    status = (
        409 if conflict else 400 if request.method == "POST" and form.csrf_token.errors else 200
    )
    return render_template(
        "caseworker/record_form.html", form=form, record=found, conflict=conflict
    ), status
