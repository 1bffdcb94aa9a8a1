"""Families: file a report without an account, then check its status with the code."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from werkzeug.wrappers import Response

from tracing.db import db, utcnow
from tracing.forms.base import BaseForm, options
from tracing.forms.intake import (
    CIRCUMSTANCES,
    LANGUAGE_CHOICES,
    RELATIONSHIPS,
    SEXES,
    STEP_FORMS,
    STEPS,
    AddAnotherForm,
    AddInformationForm,
    CheckAnswersForm,
    ReporterForm,
    StatusForm,
)
from tracing.models import AuditTag, PersonRecord, Report
from tracing.security import limiter
from tracing.services import drafts, intake, throttle
from tracing.services.audit import audit
from tracing.services.users import get_organization
from tracing.tokens import canonical_reference

bp = Blueprint("public", __name__)
limiter.limit(lambda: current_app.config["RATELIMIT_PUBLIC"])(bp)

STATUS_ACCESS_MINUTES = 15


def _draft(*, create: bool = False) -> Any:
    token = session.get("draft")
    draft = drafts.find_draft(token, current_app.config["DRAFT_TTL_HOURS"])
    if draft is None and create:
        token, draft = drafts.new_draft()
        session["draft"] = token
    return draft


def _render_step(template: str, form: BaseForm, status: int = 200, **context: Any) -> Any:
    if request.method == "POST" and form.csrf_token.errors:
        # An expired or missing token: nothing is saved, what was typed is shown again.
        status = 400
    return render_template(template, form=form, **context), status


@bp.get("/")
def index() -> str:
    return render_template("public/index.html")


@bp.route("/report/about-you", methods=["GET", "POST"])
def reporter() -> Any:
    draft = _draft()
    saved = draft.data["reporter"] if draft else {}
    form = ReporterForm.from_request(data=saved or {"language": str(get_locale())})
    if request.method == "POST" and form.validate():
        draft = draft or _draft(create=True)
        data = dict(draft.data)
        data["reporter"] = {k: v for k, v in form.data.items() if k != "csrf_token"}
        drafts.save_draft(draft, data)
        db.session.commit()
        if request.args.get("change"):
            return redirect(url_for("public.check"))
        if data["children"]:
            return redirect(url_for("public.children"))
        return redirect(url_for("public.child_step", number=1, step=STEPS[0]))
    return _render_step("public/reporter.html", form)


@bp.route("/report/child/<int:number>/<step>", methods=["GET", "POST"])
def child_step(number: int, step: str) -> Any:
    if step not in STEP_FORMS:
        abort(404)
    draft = _draft()
    if draft is None or not draft.data["reporter"]:
        return redirect(url_for("public.reporter"))
    children: list[dict[str, Any]] = draft.data["children"]
    # A new child starts at the first step; existing children can be revisited at any step.
    if not (1 <= number <= len(children) or (number == len(children) + 1 and step == STEPS[0])):
        return redirect(url_for("public.children" if children else "public.reporter"))
    saved = children[number - 1] if number <= len(children) else {}
    form = STEP_FORMS[step].from_request(data=saved)
    if request.method == "POST" and form.validate():
        answers = {k: v for k, v in form.data.items() if k != "csrf_token"}
        data = dict(draft.data)
        children = list(children)
        if number > len(children):
            children.append(answers)
        else:
            children[number - 1] = {**children[number - 1], **answers}
        data["children"] = children
        drafts.save_draft(draft, data)
        db.session.commit()
        index = STEPS.index(step)
        if request.args.get("change"):
            return redirect(url_for("public.check"))
        if index + 1 < len(STEPS):
            return redirect(url_for("public.child_step", number=number, step=STEPS[index + 1]))
        return redirect(url_for("public.children"))
    back = (
        url_for("public.child_step", number=number, step=STEPS[STEPS.index(step) - 1])
        if STEPS.index(step) > 0
        else url_for("public.children" if children else "public.reporter")
    )
    return _render_step(f"public/child_{step}.html", form, number=number, back=back)


@bp.route("/report/children", methods=["GET", "POST"])
def children() -> Any:
    draft = _draft()
    if draft is None or not draft.data["children"]:
        return redirect(url_for("public.reporter"))
    form = AddAnotherForm.from_request()
    if request.method == "POST" and form.validate():
        if form.add_another.data == "yes":
            number = len(draft.data["children"]) + 1
            return redirect(url_for("public.child_step", number=number, step=STEPS[0]))
        return redirect(url_for("public.check"))
    return _render_step(
        "public/children.html", form, children=draft.data["children"], remove_form=BaseForm()
    )


@bp.post("/report/child/<int:number>/remove")
def remove_child(number: int) -> Any:
    draft = _draft()
    form = BaseForm.from_request()
    if draft is None or not form.validate():
        abort(400)
    children = list(draft.data["children"])
    if 1 <= number <= len(children):
        del children[number - 1]
        drafts.save_draft(draft, {**draft.data, "children": children})
        db.session.commit()
    if children:
        return redirect(url_for("public.children"))
    return redirect(url_for("public.child_step", number=1, step=STEPS[0]))


def _complete(child: dict[str, Any]) -> bool:
    return all(key in child for key in ("given_name", "sex", "birth_place", "circumstances"))


@bp.route("/report/check", methods=["GET", "POST"])
def check() -> Any:
    draft = _draft()
    if draft is None or not draft.data["reporter"] or not draft.data["children"]:
        return redirect(url_for("public.reporter"))
    incomplete = next(
        (n for n, c in enumerate(draft.data["children"], start=1) if not _complete(c)), None
    )
    if incomplete is not None:
        return redirect(url_for("public.child_step", number=incomplete, step=STEPS[0]))
    form = CheckAnswersForm.from_request(data=draft.data.get("consent", {}))
    if request.method == "POST" and form.validate():
        org = get_organization(current_app.config["INTAKE_ORGANIZATION"])
        if org is None:
            current_app.logger.error(
                "intake organisation %r is missing", current_app.config["INTAKE_ORGANIZATION"]
            )
            abort(500)
        answers = {
            **draft.data,
            "consent": {"tracing": form.consent_tracing.data, "sharing": form.consent_sharing.data},
        }
        filed = intake.open_report(answers, language=str(get_locale()), org=org)
        drafts.discard_draft(session.pop("draft", None))
        db.session.commit()
        session["done"] = {"reference": filed.report.reference, "code": filed.access_code}
        return redirect(url_for("public.done"))
    choices = {
        "relationship": dict(RELATIONSHIPS),
        "language": dict(LANGUAGE_CHOICES),
        "sex": dict(SEXES),
        "circumstances": dict(CIRCUMSTANCES),
    }
    return _render_step("public/check.html", form, answers=draft.data, choices=choices)


@bp.get("/report/sent")
def done() -> Any:
    # Shown once: the code is in the session only until this page is rendered.
    receipt = session.pop("done", None)
    if receipt is None:
        return redirect(url_for("public.status"))
    return render_template("public/done.html", receipt=receipt)


@bp.get("/exit")
def quick_exit() -> Response:
    """Leave at once: forget the draft and the session, land on a neutral site."""
    drafts.discard_draft(session.get("draft"))
    db.session.commit()
    session.clear()
    return redirect(current_app.config["QUICK_EXIT_URL"])


def _client_address() -> str:
    return request.remote_addr or "unknown"


@bp.route("/status", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def status() -> Any:
    form = StatusForm.from_request()
    failed = blocked = False
    if request.method == "POST" and form.validate():
        reference = canonical_reference(form.reference.data)
        if throttle.is_blocked(reference, _client_address()):
            blocked = True
        else:
            report = intake.find_report(reference, form.code.data)
            if report is None:
                throttle.note_failure(reference, _client_address())
                db.session.commit()
                failed = True
            else:
                audit(AuditTag.REPORT_STATUS_VIEW, report)
                db.session.commit()
                session["status_access"] = {
                    "report": report.id,
                    "until": (utcnow() + timedelta(minutes=STATUS_ACCESS_MINUTES)).isoformat(),
                }
                return redirect(url_for("public.status_view"))
    code = 429 if blocked else 400 if form.csrf_token.errors else 200
    page = render_template(
        "public/status.html",
        form=form,
        failed=failed,
        blocked=blocked,
        page_error=failed or blocked,  # "Error:" in the title, as for field errors
    )
    return page, code


def _report_from_session() -> Report | None:
    access = session.get("status_access")
    if not access:
        return None
    if datetime.fromisoformat(access["until"]) < utcnow():
        session.pop("status_access", None)
        return None
    return db.session.get(Report, access["report"])


def _child_choices(report: Report) -> list[Any]:
    return options(
        (str(child.id), f"{number}: {child.given_name}")
        for number, child in enumerate(report.children, start=1)
    )


@bp.route("/status/report", methods=["GET", "POST"])
def status_view() -> Any:
    report = _report_from_session()
    if report is None:
        return redirect(url_for("public.status"))
    form = AddInformationForm.from_request()
    form.child.choices = _child_choices(report)
    if len(report.children) == 1 and request.method == "POST":
        form.child.data = str(report.children[0].id)
    added = False
    if request.method == "POST" and form.validate():
        record = db.session.scalars(
            sa.select(PersonRecord).where(
                PersonRecord.id == int(form.child.data), PersonRecord.report_id == report.id
            )
        ).one()
        intake.add_family_information(report, record, form.information.data)
        db.session.commit()
        added = True
        form = AddInformationForm(data={})
        form.child.choices = _child_choices(report)
    code = 400 if request.method == "POST" and form.csrf_token.errors else 200
    return render_template("public/status_view.html", report=report, form=form, added=added), code
