"""Shared pieces of the exchange tests: fixture files, tokens, counting rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tracing.db import db
from tracing.exchange import pfif
from tracing.models import Organization, PersonRecord, Role, TokenScope, User
from tracing.services.exchange import tokens

DATA = Path(__file__).parent / "data"
PFIF_SCHEMA = pfif.schema()


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()


def count(model: Any, *where: Any) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0)


def org_records(org: Organization) -> list[PersonRecord]:
    return list(
        db.session.scalars(
            sa.select(PersonRecord)
            .where(PersonRecord.org_id == org.id)
            .order_by(PersonRecord.source_record_id)
        )
    )


def issue_token(admin: User, *scopes: TokenScope) -> str:
    """A token of ``admin``'s organisation; returns the secret for the header."""
    assert admin.role in (Role.ORG_ADMIN, Role.ADMIN)
    return tokens.create_token(admin, "test client", set(scopes)).secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def assert_schema_valid(document: bytes) -> None:
    from lxml import etree

    tree = etree.fromstring(document)
    assert PFIF_SCHEMA.validate(tree), PFIF_SCHEMA.error_log
