"""Schemathesis drives every operation of the OpenAPI document against the app.

Each operation gets generated requests (valid and invalid) with a valid token holding
every scope; no answer may be a server error, have a status code or content type the
document does not list, or a body that breaks the documented schema. The seed is fixed,
so a run is repeatable; the figures are printed at the end of the session.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, seed, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.tracing.exchange_helpers import bearer, issue_token
from tracing.db import db
from tracing.exchange import openapi
from tracing.models import Role, TokenScope, User

SEED = 20261125
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_dict(openapi.document())
_examples: Counter[str] = Counter()
_failures: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _figures(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if _examples:
        capture = request.config.pluginmanager.getplugin("capturemanager")
        with capture.global_and_fixture_disabled():
            print(
                f"\nschemathesis (seed {SEED}): {len(_examples)} operations, "
                f"{sum(_examples.values())} examples, {sum(_failures.values())} failing examples"
            )


@pytest.fixture
def full_token(make_user: Callable[..., User], make_record: Callable[..., Any]) -> str:
    admin = make_user(Role.ORG_ADMIN)
    make_record(admin.organization, source_record_id="seed-1", consent_sharing=True)
    secret = issue_token(admin, TokenScope.READ, TokenScope.WRITE, TokenScope.EXPORT)
    db.session.commit()
    return secret


@schema.parametrize()
@seed(SEED)
@settings(
    max_examples=60,
    database=None,  # no replay of earlier runs: the seed alone decides
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_openapi_document(
    case: schemathesis.Case, app: Flask, full_token: str
) -> None:
    _examples[case.operation.label] += 1
    try:
        case.call_and_validate(app=app, headers=bearer(full_token), checks=CHECKS)
    except Exception:
        _failures[case.operation.label] += 1
        raise
