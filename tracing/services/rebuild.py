"""Recompute every record's match keys and suggestions, in batches, resumably.

Phase "keys" refreshes profiles and keys; phase "pairs" scores each record against
candidates with a higher id (so every pair is scored once). Progress is kept in
``match_runs`` after each committed batch: an interrupted rebuild resumes where it
stopped. Human decisions are never touched; see ``linking.store_suggestion``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracing.db import db, utcnow
from tracing.models import MatchProfile, MatchRun, PersonRecord, Suggestion
from tracing.services import lifecycle, linking

BATCH = 500


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


def _batches(after: int) -> Iterator[list[PersonRecord]]:
    while True:
        batch = list(
            db.session.scalars(
                sa.select(PersonRecord)
                .where(PersonRecord.id > after)
                .order_by(PersonRecord.id)
                .limit(BATCH)
                .options(
                    selectinload(PersonRecord.alternate_names),
                    selectinload(PersonRecord.organization),
                )
            )
        )
        if not batch:
            return
        yield batch
        after = batch[-1].id


def total_records() -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(PersonRecord)) or 0)


def rebuild(progress: Callable[[int], None] = lambda n: None) -> int:
    """Run (or resume) the rebuild, committing per batch; returns the suggestion count."""
    run = current_run()
    db.session.commit()
    if run.phase == "keys":
        for batch in _batches(run.last_record_id):
            for record in batch:
                linking.refresh_profile(record, force=True)
            run.last_record_id = batch[-1].id
            db.session.commit()
            progress(len(batch))
        run.phase, run.last_record_id = "pairs", 0
        db.session.commit()
    if run.phase == "pairs":
        for batch in _batches(run.last_record_id):
            for record in batch:
                profile = db.session.get(MatchProfile, record.id)
                assert profile is not None
                lifecycle.note_suggestions(
                    linking.suggest_for(record, profile, only_after=record.id)
                )
            run.last_record_id = batch[-1].id
            db.session.commit()
            progress(len(batch))
        run.phase, run.finished_at = "done", utcnow()
        db.session.commit()
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(Suggestion)) or 0)
