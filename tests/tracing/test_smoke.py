"""Every page a signed-in user can open renders without a server error, on demo data."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.tracing.conftest import login
from tracing.db import db
from tracing.demo.seed import seed
from tracing.models import ImportBatch, PersonRecord, Suggestion, User

ARGS = {
    "record_id": lambda: db.session.scalar(sa.select(sa.func.min(PersonRecord.id))),
    "suggestion_id": lambda: db.session.scalar(sa.select(sa.func.min(Suggestion.id))),
    "batch_id": lambda: db.session.scalar(sa.select(sa.func.min(ImportBatch.id))),
}


@pytest.mark.parametrize("email", ["admin@intake.demo", "caseworker@ngo.demo"])
def test_every_page_renders_on_demo_data(
    app: Flask, client: FlaskClient, tmp_path: object, email: str
) -> None:
    seed(app.instance_path, families=25)
    db.session.commit()
    user = db.session.scalars(sa.select(User).where(User.email == email)).one()
    login(client, user)
    failures = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint == "static":
            continue
        url = rule.rule
        for arg in rule.arguments:
            value = ARGS.get(arg, lambda: None)()
            if value is None:
                break
            url = re.sub(rf"<(\w+:)?{arg}>", str(value), url)
        else:
            for lang in ("uk", "en"):
                response = client.get(f"{url}?lang={lang}&page=2")
                if response.status_code >= 500:
                    failures.append((url, lang, response.status_code))
    assert failures == []
