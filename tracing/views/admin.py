"""Organisation administration: who works here, API tokens, imports and exports."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy.exc import IntegrityError, OperationalError

from tracing.db import db
from tracing.exchange import csv_format
from tracing.exchange.messages import describe
from tracing.forms.exchange import ConfirmForm, ExportForm, ImportForm, TokenForm
from tracing.models import (
    BatchStatus,
    ImportBatch,
    ImportFormat,
    RecordKind,
    Role,
    TokenScope,
    User,
)
from tracing.security import roles_required
from tracing.services.exchange import exporter, importer, tokens

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


# --- API tokens --------------------------------------------------------------------


def _admin() -> User:
    user: User = current_user._get_current_object()
    return user


def _tokens_page(form: TokenForm, status: int = 200) -> tuple[str, int]:
    new_secret = session.pop("new_token", None)
    page = render_template(
        "admin/tokens.html",
        form=form,
        tokens=tokens.org_tokens(_admin()),
        new_secret=new_secret,
        revoke_form=ConfirmForm(),
    )
    return page, status


@bp.route("/tokens", methods=["GET", "POST"])
def api_tokens() -> Any:
    form = TokenForm.from_request()
    if request.method == "POST" and form.validate():
        scopes = {
            scope
            for scope, chosen in (
                (TokenScope.READ, form.scope_read.data),
                (TokenScope.WRITE, form.scope_write.data),
                (TokenScope.EXPORT, form.scope_export.data),
            )
            if chosen
        }
        issued = tokens.create_token(_admin(), form.name.data, scopes)
        db.session.commit()
        session["new_token"] = issued.secret  # shown once, on the next page
        return redirect(url_for("admin.api_tokens"))
    return _tokens_page(form, 400 if form.csrf_token.errors else 200)


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int) -> Any:
    if not ConfirmForm.from_request().validate():
        abort(400)
    if tokens.revoke_token(_admin(), token_id) is None:
        abort(404)
    db.session.commit()
    return redirect(url_for("admin.api_tokens"))


# --- imports -------------------------------------------------------------------------


@bp.route("/imports", methods=["GET", "POST"])
def imports() -> Any:
    form = ImportForm.from_request()
    if request.method == "POST" and form.validate():
        upload = form.upload.data
        options = importer.ImportOptions(
            kind=RecordKind(form.kind.data),
            consent_tracing=bool(form.consent_tracing.data),
            consent_sharing=bool(form.consent_sharing.data),
        )
        report, batch = importer.stage_preview(
            _admin().organization,
            ImportFormat(form.format.data),
            upload.read(current_app.config["EXCHANGE_MAX_IMPORT_BYTES"] + 1),
            options,
            actor=_admin(),
            filename=upload.filename,
        )
        db.session.commit()
        return render_template(
            "admin/import_preview.html",
            report=report,
            batch=batch,
            describe=describe,
            confirm_form=ConfirmForm(),
        )
    status = 400 if form.csrf_token.errors else 200
    batches = importer.org_batches(_admin().org_id)
    return render_template("admin/imports.html", form=form, batches=batches), status


def _batch_or_404(batch_id: int) -> ImportBatch:
    batch = importer.org_batch(_admin().org_id, batch_id)
    if batch is None:
        abort(404)
    return batch


@bp.post("/imports/<int:batch_id>/commit")
def commit_import(batch_id: int) -> Any:
    batch = _batch_or_404(batch_id)
    if not ConfirmForm.from_request().validate() or batch.status is not BatchStatus.PREVIEW:
        abort(400)
    try:
        report = importer.commit_preview(batch, _admin())
        db.session.commit()
    except (IntegrityError, OperationalError):
        # The same file or the same records were imported meanwhile: nothing of this stays.
        db.session.rollback()
        batch = _batch_or_404(batch_id)
        report = importer.dry_run(batch.organization, batch.format, batch.payload or b"")
    if report.batch_id is None:
        return render_template(
            "admin/import_preview.html",
            report=report,
            batch=batch,
            describe=describe,
            confirm_form=ConfirmForm(),
        )
    return redirect(url_for("admin.import_batch", batch_id=batch_id))


@bp.get("/imports/<int:batch_id>")
def import_batch(batch_id: int) -> str:
    batch = _batch_or_404(batch_id)
    return render_template(
        "admin/import_batch.html", batch=batch, revert_form=ConfirmForm(), refused=None
    )


@bp.post("/imports/<int:batch_id>/revert")
def revert_import(batch_id: int) -> Any:
    batch = _batch_or_404(batch_id)
    if not ConfirmForm.from_request().validate():
        abort(400)
    try:
        importer.revert(batch, _admin())
    except importer.RevertRefused as exc:
        db.session.rollback()
        return render_template(
            "admin/import_batch.html",
            batch=_batch_or_404(batch_id),
            revert_form=ConfirmForm(),
            refused=exc.code,
        ), 409
    db.session.commit()
    return redirect(url_for("admin.import_batch", batch_id=batch_id))


# --- exports -------------------------------------------------------------------------


@bp.route("/export", methods=["GET", "POST"])
def export() -> Any:
    default_delimiter = "comma" if str(get_locale()) == "en" else "semicolon"
    form = ExportForm.from_request(data={"delimiter": default_delimiter})
    if request.method == "POST" and form.validate():
        result = exporter.export(
            _admin().organization,
            ImportFormat(form.format.data),
            full=bool(form.include_contacts.data),
            purpose=form.purpose.data,
            delimiter=csv_format.DELIMITERS.get(form.delimiter.data or "", ";"),
            actor=_admin(),
        )
        db.session.commit()
        return Response(
            result.content,
            headers={
                "Content-Type": result.media_type,
                "Content-Disposition": f'attachment; filename="{result.filename}"',
            },
        )
    status = 400 if form.csrf_token.errors else 200
    return render_template("admin/export.html", form=form), status
