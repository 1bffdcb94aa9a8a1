"""The app's only door into the pure ``matching`` library.

Every record has a match profile (what the matcher sees) and match keys (blocking keys
as 64-bit hashes in an indexed table). Both are refreshed in the caller's transaction
whenever a record changes, and the record's candidates — found by a key lookup in SQL,
never by a scan — are scored; pairs at or above the review band become suggestions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

import matching
import matching.places
from tracing.db import db, utcnow
from tracing.models import (
    DatePrecision,
    MatchKey,
    MatchProfile,
    Organization,
    PersonRecord,
    Script,
    Suggestion,
    SuggestionStatus,
)

MATCHER_VERSION = matching.MATCHER_VERSION
# Candidates scored per record: the best by number of shared keys.
CANDIDATE_LIMIT = 200
CHILD_AGE = 18


def script_of(text: str | None) -> Script | None:
    """The script a name was typed in, as stored beside the name."""
    if not text or not text.strip():
        return None
    return Script(matching.detect_script(text))


# --- what the matcher sees ---------------------------------------------------------


def _birth(record: PersonRecord) -> str | None:
    if record.birth_date is None:
        return None
    if record.birth_date_precision is DatePrecision.YEAR:
        return f"{record.birth_date.year:04d}"
    if record.birth_date_precision is DatePrecision.MONTH:
        return record.birth_date.strftime("%Y-%m")
    return record.birth_date.isoformat()


def _age(record: PersonRecord) -> str | None:
    low, high = record.age_min, record.age_max
    if low is None and high is None:
        return None
    return f"{low if low is not None else 0}-{high if high is not None else low}"


def match_mapping(record: PersonRecord) -> dict[str, Any]:
    """The record in the matcher's JSON vocabulary (PFIF field names)."""
    mapping: dict[str, Any] = {
        "id": str(record.id),
        "given_name": record.given_name,
        "family_name": record.family_name,
        "patronymic": record.patronymic,
        "alternate_names": [n.name for n in record.alternate_names],
        "sex": record.sex.value if record.sex else None,
        "date_of_birth": _birth(record),
        "age": _age(record),
        "birth_place": record.birth_place,
        "home_city": record.last_seen_place,
        "source_date": record.source_date.date().isoformat()
        if record.age_min is not None or record.age_max is not None
        else None,
    }
    return {k: v for k, v in mapping.items() if v not in (None, [], "")}


def material_hash(mapping: dict[str, Any]) -> str:
    """Changes exactly when something the matcher reads changes."""
    material = {k: v for k, v in mapping.items() if k != "id"}
    payload = json.dumps([MATCHER_VERSION, material], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def key_hash(key: str) -> int:
    """A blocking key as a signed 64-bit integer: compact, and fast to index everywhere."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


def record_keys(mapping: dict[str, Any]) -> set[int]:
    return {key_hash(k) for k in matching.blocking_keys(matching.record_from_mapping(mapping))}


# --- keeping profiles and keys in step ---------------------------------------------


def refresh_profile(record: PersonRecord, *, force: bool = False) -> tuple[MatchProfile, bool]:
    """Bring the record's profile and keys up to date; True when they changed.

    ``force`` rewrites them even when unchanged (a rebuild after a matcher upgrade).
    """
    mapping = match_mapping(record)
    digest = material_hash(mapping)
    profile = db.session.get(MatchProfile, record.id)
    if profile is not None and profile.material_hash == digest and not force:
        return profile, False
    if profile is None:
        profile = MatchProfile(record_id=record.id, group_id=record.id)
        db.session.add(profile)
    profile.profile = mapping
    profile.material_hash = digest
    profile.matcher_version = MATCHER_VERSION
    db.session.execute(sa.delete(MatchKey).where(MatchKey.record_id == record.id))
    keys = record_keys(mapping)
    if keys:
        db.session.execute(
            sa.insert(MatchKey), [{"record_id": record.id, "key_hash": k} for k in keys]
        )
    db.session.flush()
    return profile, True


# --- candidates and scores ---------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    record_id: int
    group_id: int
    org_id: int
    shareable: bool
    eligible: bool
    material_hash: str
    profile: dict[str, Any]


def candidate_ids(
    record_id: int, keys: Iterable[int], limit: int = CANDIDATE_LIMIT, *, only_after: int = 0
) -> list[int]:
    """Records sharing a key with this one, most shared keys first: one indexed lookup."""
    keys = list(keys)
    if not keys:
        return []
    shared = sa.func.count().label("shared")
    rows = db.session.execute(
        sa.select(MatchKey.record_id, shared)
        .where(
            MatchKey.key_hash.in_(keys),
            MatchKey.record_id != record_id,
            MatchKey.record_id > only_after,
        )
        .group_by(MatchKey.record_id)
        .order_by(shared.desc(), MatchKey.record_id)
        .limit(limit)
    ).all()
    return [row.record_id for row in rows]


def load_candidates(ids: Sequence[int]) -> list[Candidate]:
    if not ids:
        return []
    rows = db.session.execute(
        sa.select(
            MatchProfile.record_id,
            MatchProfile.group_id,
            MatchProfile.material_hash,
            MatchProfile.profile,
            PersonRecord.org_id,
            PersonRecord.consent_sharing,
            PersonRecord.consent_tracing,
            PersonRecord.tracing_override_reason,
            Organization.verified,
        )
        .join(PersonRecord, PersonRecord.id == MatchProfile.record_id)
        .join(Organization, Organization.id == PersonRecord.org_id)
        .where(MatchProfile.record_id.in_(ids))
    ).all()
    return [
        Candidate(
            record_id=r.record_id,
            group_id=r.group_id,
            org_id=r.org_id,
            shareable=bool(r.consent_sharing and r.verified),
            eligible=bool(r.consent_tracing or r.tracing_override_reason),
            material_hash=r.material_hash,
            profile=r.profile,
        )
        for r in rows
    ]


def _may_pair(record: PersonRecord, record_shareable: bool, other: Candidate) -> bool:
    """Both may be matched, and someone may see the pair (sharing across organisations)."""
    if not other.eligible:
        return False
    return other.org_id == record.org_id or other.shareable or record_shareable


def score_candidates(
    record: PersonRecord, profile: MatchProfile, candidates: list[Candidate]
) -> list[tuple[Candidate, matching.MatchResult]]:
    """Score each linked group once (its best member), keeping review-band results."""
    query = matching.record_from_mapping(profile.profile)
    shareable = bool(record.consent_sharing and record.organization.verified)
    best: dict[int, tuple[Candidate, matching.MatchResult]] = {}
    for candidate in candidates:
        if candidate.group_id == profile.group_id or not _may_pair(record, shareable, candidate):
            continue
        result = matching.compare(query, matching.record_from_mapping(candidate.profile))
        if result.band is matching.Band.NO_MATCH:
            continue
        held = best.get(candidate.group_id)
        if held is None or result.score > held[1].score:
            best[candidate.group_id] = (candidate, result)
    return sorted(best.values(), key=lambda pair: -pair[1].score)


# --- suggestions -------------------------------------------------------------------


def reasons_of(result: matching.MatchResult) -> list[dict[str, Any]]:
    return [
        {
            "field": r.field,
            "level": r.level,
            "weight": round(r.weight, 3),
            "text": r.text,
            "code": r.code,
            "params": dict(r.params),
        }
        for r in result.reasons
    ]


def _is_child(record: PersonRecord, today: date) -> bool:
    if record.birth_date is not None:
        return today.year - record.birth_date.year < CHILD_AGE
    return record.age_min is None or record.age_min < CHILD_AGE


def _ordered(record: PersonRecord, other_id: int, mine: str, theirs: str) -> dict[str, Any]:
    if record.id < other_id:
        return {"left_id": record.id, "right_id": other_id, "left_hash": mine, "right_hash": theirs}
    return {"left_id": other_id, "right_id": record.id, "left_hash": theirs, "right_hash": mine}


def store_suggestion(
    record: PersonRecord, profile: MatchProfile, candidate: Candidate, result: matching.MatchResult
) -> Suggestion:
    """Create or refresh the pair's suggestion without ever forgetting a human decision."""
    pair = _ordered(record, candidate.record_id, profile.material_hash, candidate.material_hash)
    suggestion = db.session.scalars(
        sa.select(Suggestion).where(
            Suggestion.left_id == pair["left_id"], Suggestion.right_id == pair["right_id"]
        )
    ).first()
    if suggestion is None:
        suggestion = Suggestion(
            **pair,
            status=SuggestionStatus.OPEN,
            is_child=_is_child(record, utcnow().date()),
            waiting_since=record.created_at or utcnow(),
        )
        db.session.add(suggestion)
    else:
        changed = (suggestion.left_hash, suggestion.right_hash) != (
            pair["left_hash"],
            pair["right_hash"],
        )
        if suggestion.status is SuggestionStatus.REJECTED and changed:
            # A rejection holds only for the records as they were judged.
            suggestion.status = SuggestionStatus.OPEN
        suggestion.left_hash, suggestion.right_hash = pair["left_hash"], pair["right_hash"]
    suggestion.score = result.score
    suggestion.band = result.band.value
    suggestion.reasons = reasons_of(result)
    suggestion.matcher_version = MATCHER_VERSION
    return suggestion


def _drop_stale_suggestions(record: PersonRecord, kept: set[int], only_after: int = 0) -> None:
    """Undecided suggestions of this record that no longer reach the review band go."""
    stale = db.session.scalars(
        sa.select(Suggestion).where(
            sa.or_(
                Suggestion.left_id == record.id,
                sa.and_(Suggestion.right_id == record.id, Suggestion.left_id > only_after),
            ),
            Suggestion.status == SuggestionStatus.OPEN,
            ~Suggestion.decisions.any(),
        )
    ).all()
    for suggestion in stale:
        other = suggestion.right_id if suggestion.left_id == record.id else suggestion.left_id
        if other not in kept:
            db.session.delete(suggestion)


def suggest_for(
    record: PersonRecord, profile: MatchProfile, *, only_after: int = 0
) -> list[Suggestion]:
    """Score the record's candidates and store the suggestions it earns.

    ``only_after`` limits candidates to higher ids (a rebuild scores each pair once).
    """
    if not record.may_be_matched:
        _drop_stale_suggestions(record, set(), only_after)
        return []
    keys = db.session.scalars(
        sa.select(MatchKey.key_hash).where(MatchKey.record_id == record.id)
    ).all()
    candidates = load_candidates(candidate_ids(record.id, keys, only_after=only_after))
    scored = score_candidates(record, profile, candidates)
    stored = [store_suggestion(record, profile, c, r) for c, r in scored]
    _drop_stale_suggestions(record, {c.record_id for c, _ in scored}, only_after)
    db.session.flush()
    return stored


def records_changed(records: list[PersonRecord], *, force: bool = False) -> list[Suggestion]:
    """Call after creating or materially changing records (intake, edit, import).

    Refreshes each record's profile and keys and, when they changed (or ``force``, e.g. a
    consent change), its suggestions — all in the caller's transaction.
    """
    from tracing.services import lifecycle

    suggestions: list[Suggestion] = []
    for record in records:
        db.session.flush()
        profile, changed = refresh_profile(record)
        if changed or force:
            found = suggest_for(record, profile)
            suggestions.extend(found)
    lifecycle.note_suggestions(suggestions)
    return suggestions


def link_as_one_person(left: PersonRecord, right: PersonRecord) -> list[PersonRecord]:
    """Merge the two records' linked groups; returns every record of the merged group.

    Both records stay as their sources wrote them (like PFIF's linked_person_record_id);
    undecided suggestions inside the group are settled by this link and go.
    """
    profiles = [refresh_profile(record)[0] for record in (left, right)]
    groups = {p.group_id for p in profiles}
    group_id = min(groups)
    db.session.execute(
        sa.update(MatchProfile).where(MatchProfile.group_id.in_(groups)).values(group_id=group_id)
    )
    members = list(
        db.session.scalars(
            sa.select(MatchProfile.record_id).where(MatchProfile.group_id == group_id)
        )
    )
    db.session.execute(
        sa.delete(Suggestion).where(
            Suggestion.left_id.in_(members),
            Suggestion.right_id.in_(members),
            Suggestion.status == SuggestionStatus.OPEN,
            ~Suggestion.decisions.any(),
        )
    )
    return reload_with_names(members)


def compare_mappings(left: dict[str, Any], right: dict[str, Any]) -> matching.MatchResult:
    return matching.compare(left, right)


def known_place(text: str) -> bool:
    """Whether the gazetteer knows a settlement by this name (in any script)."""
    return bool(matching.places.resolve_place(text).ids)


def reload_with_names(ids: Iterable[int]) -> list[PersonRecord]:
    return list(
        db.session.scalars(
            sa.select(PersonRecord)
            .where(PersonRecord.id.in_(list(ids)))
            .options(selectinload(PersonRecord.alternate_names))
        )
    )


def explain_name(left: str, right: str) -> matching.Reason:
    """How two given names relate (the spelling path shown on the comparison page)."""
    return matching.explain_name(left, right)
