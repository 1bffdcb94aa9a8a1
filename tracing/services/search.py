"""Caseworker search by name in any script and spelling, ranked by the matcher.

"Oleksandr Shevchenko Kharkov" finds "Олександр Шевченко, Харків" and "Александр
Шевченко, Харьков": the words become a query record, its blocking keys find candidates
in the key index, and the matcher ranks them. Only records the user may see are
returned, and the search is audited (without its words: they are personal data).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracing.db import db
from tracing.models import AuditTag, Organization, PersonRecord, User
from tracing.services import linking
from tracing.services.audit import audit
from tracing.services.visibility import visible_to

SEARCH_CANDIDATES = 500


@dataclass(frozen=True)
class SearchQuery:
    text: str
    birth: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    age: str | None = None  # N or N-M
    sex: str | None = None
    place: str | None = None


@dataclass(frozen=True)
class Hit:
    record: PersonRecord
    score: float
    band: str
    reasons: list[dict[str, Any]]


def query_mapping(query: SearchQuery) -> dict[str, Any]:
    """The query as a record: names from the text, a trailing known place as a place."""
    words = query.text.split()
    place = query.place
    if place is None and len(words) >= 3 and linking.known_place(words[-1]):
        place = words.pop()
    mapping: dict[str, Any] = {"id": "query", "full_name": " ".join(words)}
    if len(words) == 2:
        # Two words are most often "given family" (or the reverse, which the matcher tries).
        mapping = {"id": "query", "given_name": words[0], "family_name": words[1]}
    extra = {
        "date_of_birth": query.birth,
        "age": query.age,
        "sex": query.sex,
        "birth_place": place,
        "home_city": place,
    }
    mapping.update({k: v for k, v in extra.items() if v})
    return mapping


def search(user: User, query: SearchQuery, *, limit: int = 25) -> list[Hit]:
    mapping = query_mapping(query)
    keys = linking.record_keys(mapping)
    ids = linking.candidate_ids(0, keys, limit=SEARCH_CANDIDATES, visible_to_org=user.org_id)
    records = db.session.scalars(
        sa.select(PersonRecord)
        .join(Organization, Organization.id == PersonRecord.org_id)
        .where(PersonRecord.id.in_(ids), visible_to(user.org_id))
        .options(
            selectinload(PersonRecord.alternate_names), selectinload(PersonRecord.organization)
        )
    ).all()
    hits = []
    for record in records:
        result = linking.compare_mappings(mapping, linking.match_mapping(record))
        hits.append(Hit(record, result.score, result.band.value, linking.reasons_of(result)))
    hits.sort(key=lambda h: (-h.score, h.record.id))
    shown = hits[:limit]
    # which records the search showed (ids only: the query itself is personal data)
    detail = f"candidates={len(ids)}; shown=" + ",".join(str(h.record.id) for h in shown)
    audit(AuditTag.RECORD_SEARCH, detail=detail[:500])
    return shown
