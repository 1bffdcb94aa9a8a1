"""Match suggestions that concern an organisation's records, for the API.

The same visibility rule as the caseworkers' queue (services.review): a suggestion is
listed when one side is the organisation's record and the other side is its own too, or
belongs to a verified organisation and its sharing consent allows it. Only the
organisation's own side is named; of the other side, only which organisation holds it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from tracing.db import db
from tracing.models import Organization, PersonRecord, Suggestion
from tracing.reasons import reason_text
from tracing.services.exchange.exporter import BadCursor
from tracing.services.visibility import matchable, visible_to


def suggestions_for_org(
    org: Organization, *, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Suggestions naming one of ``org``'s records, oldest first, and the next cursor.

    Each item: ``{"id", "record_id", "source_record_id", "other_organization", "score",
    "band", "status", "reasons": [str], "created_at"}`` (the OpenAPI ``Suggestion``).
    A suggestion between two of the organisation's records is listed once for each.
    """
    if cursor and not (cursor.isdigit() and len(cursor) < 12):
        raise BadCursor(cursor)
    after = int(cursor) if cursor else 0
    left, right = aliased(PersonRecord), aliased(PersonRecord)
    left_org, right_org = aliased(Organization), aliased(Organization)
    rows = db.session.execute(
        sa.select(Suggestion, left, right, left_org.slug, right_org.slug)
        .join(left, Suggestion.left_id == left.id)
        .join(right, Suggestion.right_id == right.id)
        .join(left_org, left_org.id == left.org_id)
        .join(right_org, right_org.id == right.org_id)
        .where(
            Suggestion.id > after,
            sa.or_(left.org_id == org.id, right.org_id == org.id),
            visible_to(org.id, left, left_org),
            visible_to(org.id, right, right_org),
            matchable(left),
            matchable(right),
        )
        .order_by(Suggestion.id)
        .limit(limit + 1)
    ).all()
    more = len(rows) > limit
    items: list[dict[str, Any]] = []
    for suggestion, left_record, right_record, left_slug, right_slug in rows[:limit]:
        sides = ((left_record, right_slug), (right_record, left_slug))
        for ours, other_slug in sides:
            if ours.org_id != org.id:
                continue
            items.append(
                {
                    "id": suggestion.id,
                    "record_id": ours.id,
                    "source_record_id": ours.source_record_id,
                    "other_organization": other_slug,
                    "score": suggestion.score,
                    "band": suggestion.band,
                    "status": suggestion.status.value,
                    "reasons": [reason_text(r) for r in suggestion.reasons],
                    "created_at": suggestion.created_at.isoformat().replace("+00:00", "Z"),
                }
            )
    next_cursor = str(rows[limit - 1][0].id) if more and limit else None
    return items, next_cursor
