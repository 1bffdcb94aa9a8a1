"""Who may see a record, and which records may be matched: one rule, written once.

A record is visible to its own organisation, and to every other organisation when its
sharing consent allows it and its holder is a verified organisation. A record may be
matched when its tracing consent allows it or a supervisor has overridden that, with a
reason. The same rules decide pairing in ``services.linking`` (``Side``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tracing.models import Organization, PersonRecord


def visible_to(org_id: int, record: Any = PersonRecord, org: Any = Organization) -> Any:
    """SQL condition: ``record`` (held by ``org``, joined) is visible to organisation ``org_id``."""
    return sa.or_(
        record.org_id == org_id,
        sa.and_(record.consent_sharing.is_(True), org.verified.is_(True)),
    )


def matchable(record: Any = PersonRecord) -> Any:
    """SQL condition: ``record`` may be matched (tracing consent, or an override)."""
    return sa.or_(record.consent_tracing.is_(True), record.tracing_override_reason.is_not(None))
