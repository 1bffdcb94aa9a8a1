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
from datetime import date, datetime
from typing import Any, NamedTuple, cast

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
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
from tracing.services.visibility import visible_to

MATCHER_VERSION = matching.MATCHER_VERSION
# Candidates scored per record: those whose shared keys weigh most (matching.key_weight).
CANDIDATE_LIMIT = matching.CANDIDATES_PER_RECORD
CHILD_AGE = 18


def script_of(text: str | None) -> Script | None:
    """The script a name was typed in, as stored beside the name."""
    if not text or not text.strip():
        return None
    return Script(matching.detect_script(text))


# --- what the matcher sees ---------------------------------------------------------


def _birth(record: Any) -> str | None:
    if record.birth_date is None:
        return None
    if record.birth_date_precision is DatePrecision.YEAR:
        return f"{record.birth_date.year:04d}"
    if record.birth_date_precision is DatePrecision.MONTH:
        return str(record.birth_date.strftime("%Y-%m"))
    return str(record.birth_date.isoformat())


def _age(record: Any) -> str | None:
    low, high = record.age_min, record.age_max
    if low is None and high is None:
        return None
    return f"{low if low is not None else 0}-{high if high is not None else low}"


def match_mapping(record: Any, alternate_names: list[str] | None = None) -> dict[str, Any]:
    """The record in the matcher's JSON vocabulary (PFIF field names).

    ``record`` is a PersonRecord or a row with its columns (the bulk rebuild reads rows);
    ``alternate_names`` defaults to the record's own.
    """
    if alternate_names is None:
        alternate_names = [n.name for n in record.alternate_names]
    has_age = record.age_min is not None or record.age_max is not None
    mapping: dict[str, Any] = {
        "id": str(record.id),
        "given_name": record.given_name,
        "family_name": record.family_name,
        "patronymic": record.patronymic,
        "alternate_names": alternate_names,
        "sex": record.sex.value if record.sex else None,
        "date_of_birth": _birth(record),
        "age": _age(record),
        "birth_place": record.birth_place,
        "home_city": record.last_seen_place,
        # An age is relative to when the source recorded it.
        "source_date": record.source_date.date().isoformat() if has_age else None,
    }
    return {k: v for k, v in mapping.items() if v not in (None, [], "")}


def material_hash(mapping: dict[str, Any]) -> str:
    """Changes exactly when something the matcher reads changes.

    Not with the matcher's version: a rejection holds for the records as they were
    judged, and a matcher upgrade does not change a record.
    """
    material = {k: v for k, v in mapping.items() if k != "id"}
    payload = json.dumps(material, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


# A stored key's two lowest bits hold its weight less one, so that SQL (and the rebuild's
# key snapshot) rank candidates by the weight of the keys they share with no table of
# weights to join.
WEIGHT_BITS = 3


def key_hash(key: str) -> int:
    """A blocking key as a signed 64-bit integer (compact, and fast to index everywhere)
    carrying its weight in its lowest bits."""
    digest = int.from_bytes(
        hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True
    )
    return (digest & ~WEIGHT_BITS) | (matching.key_weight(key) - 1)


def _shared_weight(key_column: str) -> str:
    """SQL: the summed weight of the shared keys among the grouped ``match_keys`` rows."""
    return f"SUM(({key_column} & {WEIGHT_BITS}) + 1)"


def record_keys(mapping: dict[str, Any]) -> set[int]:
    return prepared_keys(mapping)[1]


def prepared_keys(mapping: dict[str, Any]) -> tuple[matching.Features, set[int]]:
    """The record prepared for comparison, and its keys (which are drawn from that)."""
    features = matching.prepare(matching.record_from_mapping(mapping))
    return features, {key_hash(k) for k in matching.feature_keys(features)}


# --- keeping profiles and keys in step ---------------------------------------------


def refresh_profile(record: PersonRecord, *, force: bool = False) -> tuple[MatchProfile, bool]:
    """Bring the record's profile and keys up to date; True when they changed.

    ``force`` rewrites them even when unchanged (a rebuild after a matcher upgrade).
    """
    mapping = match_mapping(record)
    digest = material_hash(mapping)
    profile = db.session.get(MatchProfile, record.id)
    if (
        profile is not None
        and profile.material_hash == digest
        and profile.matcher_version == MATCHER_VERSION
        and not force
    ):
        return profile, False
    held = unpack_keys(profile.key_hashes) if profile is not None else []
    if profile is None:
        profile = MatchProfile(record_id=record.id, group_id=record.id)
        db.session.add(profile)
    keys = sorted(record_keys(mapping))
    profile.profile = mapping
    profile.material_hash = digest
    profile.matcher_version = MATCHER_VERSION
    profile.key_hashes = pack_keys(keys)
    db.session.flush()
    replace_keys(db.session.connection(), {record.id: keys}, {record.id: held})
    return profile, True


def pack_keys(keys: Iterable[int]) -> bytes:
    """A record's key hashes as its profile lists them: sorted, 8 bytes each."""
    return np.array(sorted(keys), dtype=_PACKED).tobytes()


def unpack_keys(packed: bytes) -> list[int]:
    return cast(list[int], np.frombuffer(packed, dtype=_PACKED).tolist())


_PACKED = np.dtype("<i8")
_INSERT_KEYS = "INSERT INTO match_keys (record_id, key_hash) VALUES (?, ?)"  # SQLite
_COPY_KEYS = "COPY match_keys (record_id, key_hash) FROM STDIN"  # PostgreSQL
_DELETE_KEYS = "DELETE FROM match_keys WHERE key_hash = ? AND record_id = ?"  # SQLite
_DELETE_KEYS_PG = (
    "DELETE FROM match_keys USING unnest(%s::bigint[], %s::integer[]) AS gone(k, r) "
    "WHERE key_hash = gone.k AND record_id = gone.r"
)


class KeyChanges(NamedTuple):
    """The rows that turn some records' stored keys into the wanted ones, as (record id,
    key hash) pairs: arrays, cheap to send from a rebuild's worker to the writer."""

    new: npt.NDArray[np.int64]  # in index order (by key)
    gone: npt.NDArray[np.int64]


def key_changes(wanted: dict[int, list[int]], held: dict[int, list[int]]) -> KeyChanges:
    """Only the rows that differ: an edit that keeps most keys, or a rebuild after an
    upgrade that does, rewrites few (a rebuild meets 34 million at a million records)."""
    gone: list[tuple[int, int]] = []
    new: list[tuple[int, int]] = []
    for record_id in wanted.keys() | held.keys():
        had, want = set(held.get(record_id, ())), set(wanted.get(record_id, ()))
        gone.extend((record_id, key) for key in had - want)
        new.extend((record_id, key) for key in want - had)
    rows = _rows(new)
    # in index order: each page of the key index is then visited once per batch, not once
    # per key that falls on it
    return KeyChanges(rows[np.argsort(rows[:, 1], kind="stable")], _rows(gone))


def _rows(pairs: list[tuple[int, int]]) -> npt.NDArray[np.int64]:
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def write_key_changes(connection: sa.Connection, changes: KeyChanges) -> None:
    if len(changes.gone):
        _delete_keys(connection, _pairs(changes.gone[:, 1], changes.gone[:, 0]))
    if len(changes.new):
        _insert_keys(connection, _pairs(changes.new[:, 0], changes.new[:, 1]))


def _pairs(first: npt.NDArray[np.int64], second: npt.NDArray[np.int64]) -> list[tuple[int, int]]:
    return list(zip(first.tolist(), second.tolist(), strict=True))


def replace_keys(
    connection: sa.Connection, wanted: dict[int, list[int]], held: dict[int, list[int]]
) -> None:
    """Make these records' stored keys the wanted ones, given those they hold."""
    write_key_changes(connection, key_changes(wanted, held))


def forget_keys(record_ids: Sequence[int]) -> None:
    """Delete these records' keys: call before deleting the records (the key table has no
    foreign key to do it)."""
    replace_keys(db.session.connection(), {}, listed_keys(record_ids, db.session.connection()))


def mend_keys(seen: dict[int, list[int]]) -> None:
    """Make these records' stored keys those their profiles list now. ``seen``: the keys
    the index was seen holding for each, a moment ago: with no index by record to find
    them again, those not listed are deleted, and the listed ones inserted where missing,
    so that an edit committed meanwhile makes neither step fail."""
    connection = db.session.connection()
    listed = listed_keys(list(seen), connection)
    gone = [
        (key, record_id)
        for record_id, keys in seen.items()
        for key in set(keys).difference(listed.get(record_id, ()))
    ]
    if gone:
        _delete_keys(connection, gone)
    rows = [{"record_id": rid, "key_hash": key} for rid, keys in listed.items() for key in keys]
    if rows:
        table = cast(sa.Table, MatchKey.__table__)
        dialect = sqlite if connection.dialect.name == "sqlite" else postgresql
        connection.execute(dialect.insert(table).on_conflict_do_nothing(), rows)


def _delete_keys(connection: sa.Connection, rows: Sequence[Sequence[int]]) -> None:
    """Delete (key hash, record id) rows; in PostgreSQL as one statement over two arrays."""
    if connection.dialect.name == "postgresql":
        hashes, records = zip(*rows, strict=True)
        connection.exec_driver_sql(_DELETE_KEYS_PG, (list(hashes), list(records)))
        return
    connection.exec_driver_sql(_DELETE_KEYS, rows)


def _insert_keys(connection: sa.Connection, keys: Sequence[Sequence[int]]) -> None:
    """Tens of millions of rows on a full rebuild: straight to the driver (SQLAlchemy's
    per-row parameter handling would cost more than the insert); into PostgreSQL by COPY,
    its bulk-loading path, rather than row by row."""
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor, cursor.copy(_COPY_KEYS) as copy:
            for row in keys:
                copy.write_row(row)
        return
    connection.exec_driver_sql(_INSERT_KEYS, keys)


# --- candidates and scores ---------------------------------------------------------


class Prepared(NamedTuple):
    """What pairing reads of a record that holds as long as its material hash does."""

    features: matching.Features
    is_child: bool
    created_at: datetime


# by (record id, material hash): a record edited meanwhile is prepared anew
PreparedCache = dict[tuple[int, str], Prepared]


def _is_child(birth_date: date | None, age_min: int | None, today: date) -> bool:
    if birth_date is not None:
        return today.year - birth_date.year < CHILD_AGE
    return age_min is None or age_min < CHILD_AGE


def prepared_of(features: matching.Features, record: Any, today: date) -> Prepared:
    """``record``: a PersonRecord or a row with its birth date, age and creation time."""
    is_child = _is_child(record.birth_date, record.age_min, today)
    return Prepared(features, is_child, record.created_at)


class SideState(NamedTuple):
    """Who may see a record and whether it may be matched, as stored now."""

    record_id: int
    group_id: int
    org_id: int
    shareable: bool  # other organisations may see it (consent and a verified holder)
    eligible: bool  # it may be matched at all (tracing consent, or a supervisor's override)
    material_hash: str


class Side(NamedTuple):
    """What pairing needs to know of one record: its state, and the record prepared."""

    state: SideState
    prepared: Prepared


# Read for thousands of records at once (a rebuild batch's candidates, and the records
# of its scored pairs before they are stored), so through the driver (see key_rows).
_SIDES_SQL = (
    "SELECT p.record_id, p.group_id, p.material_hash, r.org_id, "
    "r.consent_sharing AND o.verified, "
    "r.consent_tracing OR COALESCE(r.tracing_override_reason, '') <> '' "
    "FROM match_profiles p JOIN person_records r ON r.id = p.record_id "
    "JOIN organizations o ON o.id = r.org_id WHERE p.record_id IN ({ids})"
)


def side_states(ids: Iterable[int], conn: Any = None) -> dict[int, SideState]:
    """The current state of these records (``conn``: a connection, default the session's);
    records since deleted are absent."""
    id_list = ",".join(str(int(i)) for i in ids)
    if not id_list:
        return {}
    connection = conn if conn is not None else db.session.connection()
    rows = connection.exec_driver_sql(_SIDES_SQL.format(ids=id_list)).all()
    return {
        record_id: SideState(record_id, group_id, org_id, bool(shareable), bool(eligible), digest)
        for record_id, group_id, digest, org_id, shareable, eligible in rows
    }


def load_sides(
    ids: Iterable[int], conn: Any = None, cache: PreparedCache | None = None
) -> dict[int, Side]:
    """Sides of these records (``conn``: a connection, default the session's).

    ``cache`` keeps prepared records across calls (the rebuild meets each record as a
    candidate of some thirty others): profiles are read and prepared only for records
    not in it.
    """
    connection = conn if conn is not None else db.session.connection()
    states = side_states(ids, connection)
    prepared = cache if cache is not None else {}
    missing = [i for i, state in states.items() if (i, state.material_hash) not in prepared]
    if missing:
        today = utcnow().date()
        for found in connection.execute(
            sa.select(
                MatchProfile.record_id,
                MatchProfile.material_hash,
                MatchProfile.profile,
                PersonRecord.birth_date,
                PersonRecord.age_min,
                PersonRecord.created_at,
            )
            .join(PersonRecord, PersonRecord.id == MatchProfile.record_id)
            .where(MatchProfile.record_id.in_(missing))
        ):
            features = matching.prepare(matching.record_from_mapping(found.profile))
            prepared[found.record_id, found.material_hash] = prepared_of(features, found, today)
    sides = {}
    for state in states.values():
        kept = prepared.get((state.record_id, state.material_hash))
        if kept is not None:  # else edited between the two reads: met again next time
            sides[state.record_id] = Side(state, kept)
    return sides


def candidate_query(
    record_id: int, keys: list[int], limit: int, *, visible_to_org: int | None = None
) -> sa.Select[int, int]:
    """The key lookup itself (an index range per key on ``match_keys``)."""
    weight = _shared_weight("match_keys.key_hash")
    shared = sa.literal_column(weight, type_=sa.BigInteger).label("shared")
    query = sa.select(MatchKey.record_id, shared).where(
        MatchKey.key_hash.in_(keys), MatchKey.record_id != record_id
    )
    if visible_to_org is not None:
        query = (
            query.join(PersonRecord, PersonRecord.id == MatchKey.record_id)
            .join(Organization, Organization.id == PersonRecord.org_id)
            .where(visible_to(visible_to_org))
        )
    return (
        query.group_by(MatchKey.record_id).order_by(shared.desc(), MatchKey.record_id).limit(limit)
    )


def candidate_ids(
    record_id: int,
    keys: Iterable[int],
    limit: int = CANDIDATE_LIMIT,
    *,
    visible_to_org: int | None = None,
) -> list[int]:
    """Records sharing a key with this one, weightiest shared keys first: one indexed lookup.

    ``visible_to_org``: only records that organisation may see (a search), so records it
    may not see never crowd out those it may.
    """
    keys = list(keys)
    if not keys:
        return []
    query = candidate_query(record_id, keys, limit, visible_to_org=visible_to_org)
    rows = db.session.execute(query).all()
    return [row.record_id for row in rows]


def key_rows(record_ids: Sequence[int], conn: Any) -> list[tuple[int, int]]:
    """(record id, key hash) of each key of these records, as their profiles list them."""
    return [(rid, key) for rid, keys in listed_keys(record_ids, conn).items() for key in keys]


def listed_keys(record_ids: Sequence[int], conn: Any) -> dict[int, list[int]]:
    """The keys each of these records' profiles lists."""
    marks = profile_marks(record_ids, conn)
    return {record_id: unpack_keys(mark.key_hashes) for record_id, mark in marks.items()}


class ProfileMark(NamedTuple):
    """What tells whether a record's profile and keys were rewritten since it was read."""

    material_hash: str
    matcher_version: str
    key_hashes: bytes


def profile_marks(record_ids: Sequence[int], conn: Any) -> dict[int, ProfileMark]:
    """These records' profile marks (read for a rebuild batch's thousand records at once,
    so through the driver); records without a profile are absent."""
    if not record_ids:
        return {}
    ids = ",".join(str(int(i)) for i in record_ids)  # integers from our own tables
    sql = (
        "SELECT record_id, material_hash, matcher_version, key_hashes "  # noqa: S608
        f"FROM match_profiles WHERE record_id IN ({ids})"
    )
    return {
        int(rid): ProfileMark(digest, version, bytes(packed))
        for rid, digest, version, packed in conn.exec_driver_sql(sql)
    }


def _may_pair(subject: SideState, other: SideState) -> bool:
    """Two records of different people (as far as anyone has linked them), both may be
    matched, and someone may see the pair (sharing across organisations)."""
    if other.group_id == subject.group_id or not (subject.eligible and other.eligible):
        return False
    return other.org_id == subject.org_id or other.shareable or subject.shareable


class PairScore(NamedTuple):
    """A scored pair, as it is stored: plain values, cheap to send between the rebuild's
    processes (its records' whole sides and the result objects were not)."""

    left_id: int  # the lower record id
    right_id: int
    left_hash: str  # the material hashes the pair was scored on
    right_hash: str
    is_child: bool
    waiting_since: datetime
    score: float
    band: str
    reasons: list[dict[str, Any]]


def score_pairs(subject: Side, candidates: Iterable[Side]) -> list[PairScore]:
    """Score the subject against candidates, each linked group once (its best member),
    keeping results at or above the review band. Pure: no database."""
    query = subject.prepared.features
    best: dict[int, tuple[Side, float]] = {}
    for other in candidates:
        if not _may_pair(subject.state, other.state):
            continue
        score, band = matching.score_prepared(
            query, other.prepared.features, at_least=matching.REVIEW_THRESHOLD
        )
        if band is matching.Band.NO_MATCH:
            continue
        held = best.get(other.state.group_id)
        if held is None or score > held[1]:
            best[other.state.group_id] = (other, score)
    scores = []
    for other, _score in best.values():  # the reasons, only for the pairs kept
        result = matching.compare_prepared(query, other.prepared.features)
        ours, theirs = subject.state, other.state
        low, high = (ours, theirs) if ours.record_id < theirs.record_id else (theirs, ours)
        scores.append(
            PairScore(
                left_id=low.record_id,
                right_id=high.record_id,
                left_hash=low.material_hash,
                right_hash=high.material_hash,
                is_child=subject.prepared.is_child or other.prepared.is_child,
                waiting_since=min(subject.prepared.created_at, other.prepared.created_at),
                score=result.score,
                band=result.band.value,
                reasons=reasons_of(result),
            )
        )
    return scores


def still_current(scores: list[PairScore]) -> list[PairScore]:
    """The pairs whose records are as they were scored and may still be paired. A pair
    scored from an older reading (the rebuild reads records minutes before it writes) is
    left out: the record's change was scored on its own, by ``records_changed``."""
    states = side_states({s.left_id for s in scores} | {s.right_id for s in scores})
    current = []
    for score in scores:
        left, right = states.get(score.left_id), states.get(score.right_id)
        if (
            left is not None
            and right is not None
            and (left.material_hash, right.material_hash) == (score.left_hash, score.right_hash)
            and _may_pair(left, right)
        ):
            current.append(score)
    return current


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


def _pair_values(score: PairScore) -> dict[str, Any]:
    return {
        "score": score.score,
        "band": score.band,
        "reasons": score.reasons,
        "matcher_version": MATCHER_VERSION,
        "left_hash": score.left_hash,
        "right_hash": score.right_hash,
        "updated_at": utcnow(),
    }


@dataclass(frozen=True)
class SuggestionChanges:
    gained: set[int]  # records that gained a new suggestion
    lost: set[int]  # records whose undecided suggestion went (no longer reaches the band)


def sync_suggestions(
    subject_ids: Sequence[int],
    scores: Iterable[PairScore],
    *,
    higher_only: bool,
    known_at: datetime | None = None,
) -> SuggestionChanges:
    """Store the subjects' scored pairs; returns which records gained or lost suggestions.

    Human decisions are never forgotten: a decided pair keeps its status, except that a
    rejection lapses when either record changed materially since it was judged. Undecided
    open pairs that no longer reach the review band are removed — unless stored after
    ``known_at`` (the rebuild's view of the key index): those were scored on newer keys.
    Written in bulk (Core statements in the session's transaction), as the rebuild needs.
    """
    subjects = list(subject_ids)
    scope = (
        Suggestion.left_id.in_(subjects)
        if higher_only
        else sa.or_(Suggestion.left_id.in_(subjects), Suggestion.right_id.in_(subjects))
    )
    decided = Suggestion.decisions.any().label("decided")
    existing = {
        (row.left_id, row.right_id): row
        for row in db.session.execute(
            sa.select(
                Suggestion.id,
                Suggestion.left_id,
                Suggestion.right_id,
                Suggestion.status,
                Suggestion.left_hash,
                Suggestion.right_hash,
                Suggestion.updated_at,
                decided,
            ).where(scope)
        )
    }
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    gained: set[int] = set()
    now = utcnow()
    for score in scores:
        key = (score.left_id, score.right_id)
        values = _pair_values(score)
        row = existing.pop(key, None)
        if row is None:
            inserts.append(
                {
                    **values,
                    "left_id": key[0],
                    "right_id": key[1],
                    "status": SuggestionStatus.OPEN,
                    "is_child": score.is_child,
                    "waiting_since": score.waiting_since,
                    "created_at": now,
                    "version": 1,
                }
            )
            gained.update(key)
            continue
        status = row.status
        if status is SuggestionStatus.REJECTED and (row.left_hash, row.right_hash) != (
            values["left_hash"],
            values["right_hash"],
        ):
            status = SuggestionStatus.OPEN  # a rejection holds only for the records judged
        updates.append({**values, "sid": row.id, "new_status": status})
    stale = [
        row
        for row in existing.values()
        if row.status is SuggestionStatus.OPEN
        and not row.decided
        and (known_at is None or row.updated_at <= known_at)
    ]
    table = cast(sa.Table, Suggestion.__table__)
    if inserts:
        db.session.execute(sa.insert(table), inserts)
    if updates:
        db.session.execute(
            sa.update(table)
            .where(table.c.id == sa.bindparam("sid"))
            .values(
                score=sa.bindparam("score"),
                band=sa.bindparam("band"),
                reasons=sa.bindparam("reasons"),
                matcher_version=sa.bindparam("matcher_version"),
                left_hash=sa.bindparam("left_hash"),
                right_hash=sa.bindparam("right_hash"),
                status=sa.bindparam("new_status"),
                updated_at=sa.bindparam("updated_at"),
                # Bumped like the ORM's version counter, so a reviewer's stale page conflicts.
                version=table.c.version + 1,
            ),
            updates,
            execution_options={"synchronize_session": False},
        )
    if stale:
        db.session.execute(sa.delete(table).where(table.c.id.in_([row.id for row in stale])))
    lost = {row.left_id for row in stale} | {row.right_id for row in stale}
    return SuggestionChanges(gained, lost)


def linked_records() -> list[int]:
    """Records linked with at least one other record as one person."""
    shared = (
        sa.select(MatchProfile.group_id)
        .group_by(MatchProfile.group_id)
        .having(sa.func.count() > 1)
        .scalar_subquery()
    )
    return list(
        db.session.scalars(
            sa.select(MatchProfile.record_id).where(MatchProfile.group_id.in_(shared))
        )
    )


def collapse_linked_pairs(record_ids: Iterable[int]) -> None:
    """One question per two people: of the undecided open suggestions between the same two
    linked groups (two reports of one child, each paired with the same finding), keep the
    best; none at all when a pair of those groups already carries a decision."""
    ids = list(record_ids)
    for start in range(0, len(ids), _COLLAPSE_CHUNK):
        _collapse(ids[start : start + _COLLAPSE_CHUNK])


_COLLAPSE_CHUNK = 2000


def _collapse(ids: list[int]) -> None:
    decided = Suggestion.decisions.any().label("decided")
    rows = db.session.execute(
        sa.select(
            Suggestion.id, Suggestion.left_id, Suggestion.right_id, Suggestion.score,
            Suggestion.status, decided,
        ).where(sa.or_(Suggestion.left_id.in_(ids), Suggestion.right_id.in_(ids)))
    ).all()  # fmt: skip
    members = {r.left_id for r in rows} | {r.right_id for r in rows}
    group = {
        row.record_id: row.group_id
        for row in db.session.execute(
            sa.select(MatchProfile.record_id, MatchProfile.group_id).where(
                MatchProfile.record_id.in_(members)
            )
        )
    }
    by_groups: dict[tuple[int, int], list[Any]] = {}
    for row in rows:
        pair = sorted((group.get(row.left_id, row.left_id), group.get(row.right_id, row.right_id)))
        by_groups.setdefault((pair[0], pair[1]), []).append(row)
    drop: list[int] = []
    for same_question in by_groups.values():
        undecided = [
            r for r in same_question if r.status is SuggestionStatus.OPEN and not r.decided
        ]
        keep = (
            None
            if len(undecided) < len(same_question)
            else max(undecided, key=lambda r: (r.score, -r.id))
        )
        drop.extend(r.id for r in undecided if r is not keep)
    if drop:
        db.session.execute(sa.delete(Suggestion).where(Suggestion.id.in_(drop)))


def suggest_for(record: PersonRecord) -> SuggestionChanges:
    """Score one record's candidates and store its suggestions (after its keys are fresh)."""
    keys = [key for _, key in key_rows([record.id], db.session.connection())]
    ids = candidate_ids(record.id, keys)
    sides = load_sides([record.id, *ids])
    subject = sides.pop(record.id)
    scores = score_pairs(subject, sides.values())
    changes = sync_suggestions([record.id], scores, higher_only=False)
    linked = db.session.scalar(
        sa.select(sa.func.count()).where(MatchProfile.group_id == subject.state.group_id)
    )
    if (linked or 0) > 1:  # only a record linked with others can double a question
        collapse_linked_pairs([record.id])
    return changes


def records_changed(records: list[PersonRecord], *, force: bool = False) -> set[int]:
    """Call after creating or materially changing records (intake, edit, import).

    Refreshes each record's profile and keys and, when they changed (or ``force``, e.g. a
    consent change), its suggestions — all in the caller's transaction. Records that gained
    a suggestion move to "match suggested"; those left with none to decide move back to
    "under review". Returns the records that gained one.
    """
    from tracing.services import lifecycle

    gained: set[int] = set()
    lost: set[int] = set()
    for record in records:
        db.session.flush()
        _profile, changed = refresh_profile(record)
        if changed or force:
            changes = suggest_for(record)
            gained |= changes.gained
            lost |= changes.lost
    lifecycle.mark_suggested(gained)
    lifecycle.unmark_suggested(lost - gained)
    return gained


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
    # pairs each member had with the same outside person are now one question
    collapse_linked_pairs(members)
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
