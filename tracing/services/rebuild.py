"""Recompute every record's match keys and suggestions: in batches, in parallel, resumably.

Phase "keys" rewrites profiles and keys; phase "pairs" scores each record against the
candidates with a higher id, so every pair is scored once, finding them in a snapshot of
the key index held in memory (``key_snapshot``). Worker processes do the
reading and the matching; this process does all the writing, one transaction per batch,
and records progress in ``match_runs`` after each, so an interrupted rebuild resumes
where it stopped. Human decisions are never touched (see ``linking.sync_suggestions``).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager, suppress
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple, cast

import numpy as np
import sqlalchemy as sa

from tracing.db import SQLITE_PAGE_CACHE, db, make_engine, utcnow
from tracing.models import AlternateName, MatchProfile, MatchRun, PersonRecord, Suggestion
from tracing.services import key_snapshot, lifecycle, linking
from tracing.services.key_snapshot import KeySnapshot

BATCH = 1000
# Records written between commits; progress is saved with each. SQLite appends every page
# a transaction dirtied to its WAL at commit, and a batch of keys dirties pages all over
# the key index: larger transactions write each page once for many batches. Scored pairs
# dirty few pages, so that phase commits often: on SQLite a transaction holds the only
# write lock, and a family's report waits for it (at most 30 s, see tracing.db).
COMMIT_EVERY = {"keys": 20_000, "pairs": 2_000}

# Prepared records a worker keeps between batches and from the key phase to the scoring
# phase: each record is a candidate of some thirty others scattered over the whole run,
# and preparing it each time was half a worker's time. Kept whole up to a million and a
# half records (a worker peaked at 2.7 GB rebuilding a million); beyond, the kept set is
# started afresh.
PREPARED_KEPT = 1_500_000

_worker_engine: sa.Engine | None = None
_worker_prepared: linking.PreparedCache = {}
# The sides a worker read in the scoring phase, kept for the phase: reading them again for
# each batch (some 30,000) was an eighth of its time. What changes meanwhile is checked
# when the pairs are written (``linking.still_current``).
_worker_sides: dict[int, linking.Side] = {}
_snapshots: dict[Path, KeySnapshot] = {}  # this process's mapped snapshot, by directory


def current_run() -> MatchRun:
    """The unfinished run for this matcher version, or a new one."""
    run = db.session.scalars(
        sa.select(MatchRun)
        .where(MatchRun.matcher_version == linking.MATCHER_VERSION, MatchRun.finished_at.is_(None))
        .order_by(MatchRun.id.desc())
    ).first()
    if run is None:
        run = MatchRun(matcher_version=linking.MATCHER_VERSION, phase="keys", last_record_id=0)
        db.session.add(run)
        db.session.flush()
    return run


def total_records() -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(PersonRecord)) or 0)


def _id_batches(after: int) -> Iterator[list[int]]:
    while True:
        ids = list(
            db.session.scalars(
                sa.select(PersonRecord.id)
                .where(PersonRecord.id > after)
                .order_by(PersonRecord.id)
                .limit(BATCH)
            )
        )
        if not ids:
            return
        yield ids
        after = ids[-1]


# --- worker side: read and compute, never write ------------------------------------------


def _init_worker(url: str) -> None:
    global _worker_engine
    _worker_engine = make_engine(url)


@contextmanager
def _reader(conn: sa.Connection | None) -> Iterator[sa.Connection]:
    """The given connection (in-process), or a worker's own."""
    if conn is not None:
        yield conn
        return
    assert _worker_engine is not None
    with _worker_engine.connect() as own:
        yield own


class Profiles(NamedTuple):
    """A batch's profiles as a worker computed them, and the key rows to change: this
    process, which writes them, sets the pace of the key phase, so the workers do all
    they can of it."""

    rows: list[tuple[int, dict[str, Any], str, bytes]]  # id, profile, hash, packed keys
    read: dict[int, linking.ProfileMark]  # the stored profiles the changes start from
    changes: linking.KeyChanges


def compute_profiles(ids: list[int], conn: sa.Connection | None = None) -> Profiles:
    """Each record's profile and keys, and how its stored keys change. A worker keeps the
    records it prepared on the way for the scoring phase."""
    in_worker = conn is None
    with _reader(conn) as reader:
        records = list(
            reader.execute(sa.select(PersonRecord.__table__).where(PersonRecord.id.in_(ids)))
        )
        names: dict[int, list[str]] = {}
        for record_id, name in reader.execute(
            sa.select(AlternateName.record_id, AlternateName.name)
            .where(AlternateName.record_id.in_(ids))
            .order_by(AlternateName.id)
        ):
            names.setdefault(record_id, []).append(name)
        read = linking.profile_marks(ids, reader)
    # in a worker, kept for the scoring phase; in this process (tests), not kept
    kept = _kept() if in_worker else {}
    today = utcnow().date()
    rows = []
    wanted: dict[int, list[int]] = {}
    for record in records:
        mapping = linking.match_mapping(record, names.get(record.id, []))
        digest = linking.material_hash(mapping)
        features, keys = linking.prepared_keys(mapping)
        kept[record.id, digest] = linking.prepared_of(features, record, today)
        wanted[record.id] = sorted(keys)
        rows.append((record.id, mapping, digest, linking.pack_keys(keys)))
    held = {rid: linking.unpack_keys(mark.key_hashes) for rid, mark in read.items()}
    if in_worker:
        _settle_kept()
    return Profiles(rows, read, linking.key_changes(wanted, held))


def compute_pairs(
    ids: list[int], conn: sa.Connection | None = None, *, snapshot: Path
) -> list[linking.PairScore]:
    """Scored pairs of these records with every higher-id candidate in the snapshot."""
    # in a worker, kept across batches; in this process (tests), one batch's
    prepared, sides = (_kept(), _worker_sides) if conn is None else ({}, {})
    with _reader(conn) as reader:
        candidates = _snapshot(snapshot).candidates_of(linking.key_rows(ids, reader))
        wanted = set(ids) | {c for others in candidates.values() for c in others}
        sides.update(linking.load_sides(wanted.difference(sides), reader, prepared))
    scores: list[linking.PairScore] = []
    for subject_id in ids:
        subject = sides.get(subject_id)
        others = [sides[c] for c in candidates.get(subject_id, ()) if c in sides]
        if subject is not None and others:
            scores.extend(linking.score_pairs(subject, others))
    if conn is None:
        _settle_kept()
    return scores


def _snapshot(directory: Path) -> KeySnapshot:
    """The phase's key snapshot, mapped once per process."""
    if directory not in _snapshots:
        _snapshots.clear()  # an earlier rebuild's
        _worker_sides.clear()
        _snapshots[directory] = KeySnapshot.open(directory)
    return _snapshots[directory]


def _kept() -> linking.PreparedCache:
    """This worker's kept records, started afresh once there are more than it may keep."""
    if len(_worker_prepared) > PREPARED_KEPT:
        _worker_prepared.clear()
        _worker_sides.clear()
    return _worker_prepared


def _settle_kept() -> None:
    """The kept records are long-lived and hold no reference cycles: out of the cyclic
    collector's sight, or each full collection walks millions of them again."""
    gc.freeze()


# --- this process: write -------------------------------------------------------------------


def _write_profiles(_ids: list[int], computed: Profiles) -> None:
    """Store the batch's profiles and key changes, but for records whose profile was
    rewritten since the worker read it (edited meanwhile, and matched as edited): those
    stand as they are."""
    ids = [row[0] for row in computed.rows]
    stored = linking.profile_marks(ids, db.session.connection())
    moved = {rid for rid in ids if stored.get(rid) != computed.read.get(rid)}
    changes = computed.changes
    if moved:
        changes = linking.KeyChanges(
            *(rows[~np.isin(rows[:, 0], list(moved))] for rows in (changes.new, changes.gone))
        )
    rows = [row for row in computed.rows if row[0] not in moved]
    written = [row[0] for row in rows]
    groups = {
        row.record_id: row.group_id
        for row in db.session.execute(
            sa.select(MatchProfile.record_id, MatchProfile.group_id).where(
                MatchProfile.record_id.in_(written)
            )
        )
    }
    db.session.execute(sa.delete(MatchProfile).where(MatchProfile.record_id.in_(written)))
    now = utcnow()
    if rows:
        db.session.execute(
            sa.insert(cast(sa.Table, MatchProfile.__table__)),
            [
                {
                    "record_id": rid,
                    "group_id": groups.get(rid, rid),
                    "profile": mapping,
                    "material_hash": digest,
                    "matcher_version": linking.MATCHER_VERSION,
                    "key_hashes": packed,
                    "updated_at": now,
                }
                for rid, mapping, digest, packed in rows
            ],
        )
    linking.write_key_changes(db.session.connection(), changes)


def _write_pairs(
    ids: list[int], scores: list[linking.PairScore], *, known_at: datetime | None = None
) -> None:
    current = linking.still_current(scores)
    changes = linking.sync_suggestions(ids, current, higher_only=True, known_at=known_at)
    lifecycle.mark_suggested(changes.gained)
    lifecycle.unmark_suggested(changes.lost - changes.gained)


@contextmanager
def _worker_pool(workers: int, url: str) -> Iterator[ProcessPoolExecutor | None]:
    """Processes that compute (None: compute in this process). Started once per rebuild,
    at its first batch, before this process's page cache grows: forked workers share none
    of it."""
    if workers == 0:
        yield None
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(url,)
    ) as pool:
        yield pool


def _ordered_results(
    compute: Callable[..., Any],
    batches: Iterator[list[int]],
    pool: ProcessPoolExecutor | None,
    ahead: int,
) -> Iterator[tuple[list[int], Any]]:
    """(batch, result) in order. With a pool, ``ahead`` batches are computed in other
    processes while this one writes; without, in this process on the session's connection
    (which also sees uncommitted data, as the tests need)."""
    if pool is None:
        for ids in batches:
            yield ids, compute(ids, db.session.connection())
        return
    pending: deque[tuple[list[int], Future[Any]]] = deque()
    for ids in batches:
        pending.append((ids, pool.submit(compute, ids)))
        if len(pending) > ahead:
            done_ids, future = pending.popleft()
            yield done_ids, future.result()
    while pending:
        done_ids, future = pending.popleft()
        yield done_ids, future.result()


def rebuild(progress: Callable[[int], None] = lambda n: None, *, workers: int | None = None) -> int:
    """Run (or resume) the rebuild; returns the number of stored suggestions.

    ``workers`` processes compute (default: one per core; 0 computes in this process).
    """
    run = current_run()
    db.session.commit()
    assert db.engine is not None
    url = db.engine.url.render_as_string(hide_password=False)
    if workers is None:
        workers = os.cpu_count() or 1
    try:
        with _worker_pool(workers, url) as pool:
            if run.phase == "keys":
                _run_phase(run, compute_profiles, _write_profiles, pool, workers, progress)
                run.phase, run.last_record_id = "pairs", 0
                db.session.commit()
                _refresh_statistics()
            if run.phase == "pairs":
                taken_at = utcnow()
                with _key_snapshot() as snapshot:
                    compute = partial(compute_pairs, snapshot=snapshot)
                    write = partial(_write_pairs, known_at=taken_at)
                    _run_phase(run, compute, write, pool, workers, progress)
                # pairs were scored record by record: linked reports of one child each met
                # the same other record; one question per two people remains
                linking.collapse_linked_pairs(linking.linked_records())
                run.phase, run.last_record_id, run.finished_at = "done", 0, utcnow()
                db.session.commit()
                _refresh_statistics()
    finally:  # interrupted or not, the connection goes back to the pool as it came
        with suppress(sa.exc.SQLAlchemyError):
            _hold_pages(False)
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(Suggestion)) or 0)


@contextmanager
def _key_snapshot() -> Iterator[Path]:
    """The key index as it stands, saved for the scoring processes to map (records and
    keys that change later are suggested for by their own change, as between rebuilds)."""
    snapshot = _mended_snapshot(db.session.connection())
    with tempfile.TemporaryDirectory(prefix="tracing-keys-") as directory:
        path = Path(directory)
        snapshot.save(path)
        del snapshot  # the processes map the saved copy
        try:
            yield path
        finally:
            _snapshots.clear()


def _mended_snapshot(connection: sa.Connection) -> KeySnapshot:
    """The key index as read, once it holds exactly the keys the profiles list. Only the
    code that writes both keeps them in step (no foreign key: see MatchKey), so the
    rebuild checks the whole index, and mends the records that differ: keys left by a
    record deleted without ``linking.forget_keys``, or a table edited by hand."""
    snapshot = KeySnapshot.read(connection)
    stored, listed = (snapshot.records, snapshot.keys), key_snapshot.listed_rows(connection)
    if key_snapshot.same_rows(stored, listed):
        return snapshot
    differing = key_snapshot.differing_records(stored, listed)
    seen: dict[int, list[int]] = {record_id: [] for record_id in differing}
    rows = np.isin(stored[0], differing)
    for record_id, key in zip(stored[0][rows].tolist(), stored[1][rows].tolist(), strict=True):
        seen[record_id].append(key)
    linking.mend_keys(seen)
    return KeySnapshot.read(connection)


def _run_phase(
    run: MatchRun,
    compute: Callable[..., Any],
    write: Callable[[list[int], Any], None],
    pool: ProcessPoolExecutor | None,
    workers: int,
    progress: Callable[[int], None],
) -> None:
    """Compute and write every batch after the run's last record, committing as it goes."""
    _hold_pages(True)
    written, commit_every = 0, COMMIT_EVERY[run.phase]
    batches = _id_batches(run.last_record_id)
    for ids, result in _ordered_results(compute, batches, pool, 2 * workers):
        write(ids, result)
        run.last_record_id = ids[-1]
        written += len(ids)
        if written >= commit_every:
            db.session.commit()
            _hold_pages(True)
            written = 0
        progress(len(ids))


def _hold_pages(hold: bool) -> None:
    """SQLite: while rewriting, keep up to 1 GiB of pages in memory (a transaction's dirty
    pages would otherwise spill to the WAL before the commit); then the usual 64 MiB."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA cache_size=-1048576" if hold else SQLITE_PAGE_CACHE)


def _refresh_statistics() -> None:
    """After rewriting whole tables, let the query planner see their new shape (without it
    PostgreSQL may scan instead of using the key index until autovacuum comes round)."""
    for table in ("match_keys", "match_profiles", "suggestions", "person_records"):
        db.session.execute(sa.text(f"ANALYZE {table}"))
    db.session.commit()
