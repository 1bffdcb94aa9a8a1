"""The review queue and the comparison page: confirm, reject, unsure; approve or disagree."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for

from tracing.db import db
from tracing.forms.casework import DecisionForm, UndoForm
from tracing.models import RejectReason, Suggestion, SuggestionStatus, Verdict
from tracing.services import review
from tracing.services.linking import explain_name
from tracing.views.caseworker import bp
from tracing.views.caseworker import signed_in_user as _user


@bp.get("/")
def queue() -> str:
    status = request.args.get("status", "")
    filters = review.QueueFilters(
        status=SuggestionStatus(status) if status in SuggestionStatus._value2member_map_ else None,
        band=request.args.get("band") or None,
        children_only=request.args.get("children") == "1",
    )
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    per_page = current_app.config["PAGE_SIZE"]
    rows, total = review.queue(_user(), filters, page=page, per_page=per_page)
    db.session.commit()
    return render_template(
        "caseworker/queue.html",
        rows=rows,
        total=total,
        page=page,
        per_page=per_page,
        filters=filters,
    )


def _comparison(suggestion: Suggestion, form: DecisionForm, **extra: Any) -> str:
    user = _user()
    second = current_app.config["SECOND_REVIEWER"]
    awaiting = suggestion.status is SuggestionStatus.AWAITING_SECOND
    first = review.first_confirmation(suggestion)
    names = None
    if suggestion.left.given_name and suggestion.right.given_name:
        names = explain_name(suggestion.left.given_name, suggestion.right.given_name)
    return render_template(
        "caseworker/compare.html",
        s=suggestion,
        form=form,
        undo_form=UndoForm(data={"version": suggestion.version}),
        # The second reviewer decides blind: no sight of the first decision until theirs.
        blind=awaiting and first is not None and first.user_id != user.id,
        may_approve=review.may_approve(user, suggestion, second),
        own_confirmation=awaiting and first is not None and first.user_id == user.id,
        can_undo=review.can_undo(user, suggestion),
        confirmed_elsewhere=review.confirmed_elsewhere(suggestion),
        neighbours=review.neighbours(user, suggestion),
        name_path=names,
        **extra,
    )


@bp.get("/suggestions/<int:suggestion_id>")
def suggestion(suggestion_id: int) -> str:
    found = review.view_suggestion(_user(), suggestion_id)
    if found is None:
        abort(404)
    db.session.commit()
    return _comparison(found, DecisionForm(data={"version": found.version}))


@bp.post("/suggestions/<int:suggestion_id>/decide")
def decide(suggestion_id: int) -> Any:
    user = _user()
    found = review.get_suggestion(user, suggestion_id)
    if found is None:
        abort(404)
    form = DecisionForm.from_request()
    if not form.validate():
        return _comparison(found, form), 400
    try:
        verdict = Verdict(form.verdict.data)
        reason = RejectReason(form.reason.data) if form.reason.data else None
        review.decide(
            user,
            found,
            verdict,
            seen_version=int(form.version.data or 0),
            reason=reason,
            note=form.note.data,
            second_reviewer=current_app.config["SECOND_REVIEWER"],
        )
    except review.ConflictError:
        db.session.rollback()
        current = review.view_suggestion(user, suggestion_id)
        db.session.commit()
        if current is None:
            abort(404)
        # Nothing typed is lost: the conflict page offers the same answer again.
        return render_template(
            "caseworker/conflict.html",
            s=current,
            form=form,
            retry=DecisionForm(data={**form.data, "version": current.version}),
        ), 409
    except (review.ReviewError, ValueError) as exc:
        code = getattr(exc, "code", "not_allowed")
        return _comparison(found, form, error=code), 400
    db.session.commit()
    return redirect(_next_in_queue(suggestion_id))


@bp.post("/suggestions/<int:suggestion_id>/undo")
def undo(suggestion_id: int) -> Any:
    user = _user()
    found = review.get_suggestion(user, suggestion_id)
    if found is None:
        abort(404)
    form = UndoForm.from_request()
    if not form.validate():
        return _comparison(
            found, DecisionForm(data={"version": found.version}), undo_errors=form
        ), 400
    try:
        review.undo(user, found, seen_version=int(form.version.data or 0), note=form.note.data)
    except review.ConflictError:
        db.session.rollback()
        return redirect(url_for("caseworker.suggestion", suggestion_id=suggestion_id))
    except review.ReviewError as exc:
        return _comparison(
            found, DecisionForm(data={"version": found.version}), error=exc.code
        ), 400
    db.session.commit()
    return redirect(url_for("caseworker.suggestion", suggestion_id=suggestion_id))


def _next_in_queue(after: int) -> str:
    """Back to the queue (the keyboard flow moves on from there)."""
    return url_for("caseworker.queue", done=after)
