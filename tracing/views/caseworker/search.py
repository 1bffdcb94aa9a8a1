"""Search by name in any script, with optional date of birth or age, sex and place."""

from __future__ import annotations

from flask import render_template, request

from tracing.db import db
from tracing.forms.casework import SearchForm
from tracing.services.search import SearchQuery, search
from tracing.views.caseworker import bp
from tracing.views.caseworker import signed_in_user as _user


@bp.route("/search", methods=["GET", "POST"])
def search_records() -> str:
    # POSTed, so a child's name never lands in a URL, a browser history or an access log
    form = SearchForm.from_request()
    hits = None
    if request.method == "POST" and form.validate() and form.q.data:
        hits = search(
            _user(),
            SearchQuery(
                text=form.q.data,
                birth=form.birth.data or None,
                age=form.age.data or None,
                sex=form.sex.data or None,
                place=form.place.data or None,
            ),
        )
        db.session.commit()
    return render_template("caseworker/search.html", form=form, hits=hits)
