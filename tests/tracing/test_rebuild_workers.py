"""The rebuild in worker processes, which keep prepared records from batch to batch.

Workers read on their own connections, so these tests commit for real on a scratch
database of their own (SQLite file, or a PostgreSQL database next to the test database).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask

from tests.tracing.conftest import TEST_CONFIG, alembic_config, scratch_database_url
from tests.tracing.test_suggestions import CHILD
from tracing import create_app
from tracing.db import db, utcnow
from tracing.models import (
    MatchKey,
    MatchProfile,
    Organization,
    OrgKind,
    PersonRecord,
    RecordKind,
    Sex,
    Suggestion,
)
from tracing.services import linking, rebuild


@pytest.fixture
def live_app(tmp_path: Path) -> Iterator[Flask]:
    url = scratch_database_url("tracing_rebuild_workers")
    command.upgrade(alembic_config(url=url), "head")
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        yield app
        db.session.remove()
        assert db.engine is not None
        db.engine.dispose()


def _add(org: Organization, n: int, **fields: Any) -> PersonRecord:
    record = PersonRecord(
        org_id=org.id,
        kind=RecordKind.SOUGHT,
        source_record_id=f"r{n}",
        consent_tracing=True,
        **{**CHILD, **fields},
    )
    db.session.add(record)
    db.session.flush()
    linking.records_changed([record])
    db.session.commit()
    return record


def _suggestions() -> set[tuple[int, int, float, str, str]]:
    return {
        (s.left_id, s.right_id, round(s.score, 6), s.left_hash, s.right_hash)
        for s in db.session.scalars(sa.select(Suggestion))
    }


def _org() -> Organization:
    org = Organization(slug="ngo", name="NGO", kind=OrgKind.NGO, verified=True)
    db.session.add(org)
    db.session.commit()
    return org


def test_workers_suggest_what_one_process_does(live_app: Flask) -> None:
    org = _org()
    spellings = ("Олександр", "Александр", "Oleksandr", "Aleksandr", "Петро", "Sasha")
    for n, given in enumerate(spellings):
        _add(org, n, given_name=given)
    _add(org, 99, given_name="Марія", sex=Sex.FEMALE, patronymic="Петрівна")

    in_workers = rebuild.rebuild(workers=2)
    found = _suggestions()
    assert in_workers == len(found) >= 10  # the five spellings of one name pair up

    assert rebuild.rebuild(workers=0) == in_workers
    assert _suggestions() == found


def test_a_worker_prepares_a_record_edited_since_it_was_kept(live_app: Flask) -> None:
    org = _org()
    first = _add(org, 1)
    other = _add(org, 2, given_name="Петро")
    assert _suggestions() == set()
    ids = [first.id, other.id]
    rebuild._init_worker(db.engine.url.render_as_string(hide_password=False))  # type: ignore[union-attr]
    try:
        rebuild.compute_profiles(ids)  # as a worker: both records prepared and kept
        assert len(rebuild._worker_prepared) == 2

        other.given_name = "Александр"  # a caseworker's correction, meanwhile
        linking.records_changed([other])
        db.session.commit()
        [made] = _suggestions()

        with rebuild._key_snapshot() as snapshot:  # the corrected record, not the kept one
            [pair] = rebuild.compute_pairs(ids, snapshot=snapshot)
        assert (pair.left_id, pair.right_id) == (first.id, other.id)
        assert (pair.left_hash, pair.right_hash) == made[3:]
        assert pair.score == pytest.approx(made[2])
    finally:
        rebuild._worker_prepared.clear()
        assert rebuild._worker_engine is not None
        rebuild._worker_engine.dispose()
        rebuild._worker_engine = None


def test_a_suggestion_made_since_the_key_snapshot_is_kept(live_app: Flask) -> None:
    org = _org()
    first = _add(org, 1)
    other = _add(
        org,
        2,
        given_name="Марія",
        family_name="Бондаренко",
        sex=Sex.FEMALE,
        birth_date=date(1990, 3, 5),
    )
    ids = [first.id, other.id]
    taken_at = utcnow()
    with rebuild._key_snapshot() as snapshot:  # the two share no key yet
        for field in ("given_name", "family_name", "sex", "birth_date"):
            setattr(other, field, CHILD[field])  # a caseworker's correction, meanwhile
        linking.records_changed([other])
        db.session.commit()
        made = _suggestions()
        assert len(made) == 1

        scores = rebuild.compute_pairs(ids, db.session.connection(), snapshot=snapshot)
        assert scores == []  # the snapshot does not know the corrected record's keys
        rebuild._write_pairs(ids, scores, known_at=taken_at)
        assert _suggestions() == made  # the newer suggestion stands
        rebuild._write_pairs(ids, scores)
        assert _suggestions() == set()  # (without the snapshot's time, it would not)


def test_pairs_are_written_only_as_their_records_still_are(live_app: Flask) -> None:
    org = _org()
    first, second, third = (_add(org, n) for n in (1, 2, 3))  # one child, three reports
    ids = [first.id, second.id, third.id]
    taken_at = utcnow()
    with rebuild._key_snapshot() as snapshot:
        scores = rebuild.compute_pairs(ids, db.session.connection(), snapshot=snapshot)
    assert len(scores) == 3

    # before the rebuild writes these, the family withdraws consent for one record and a
    # caseworker corrects another: both are re-scored on the spot
    third.consent_tracing = False
    linking.records_changed([third], force=True)
    second.birth_date = date(2014, 1, 2)
    linking.records_changed([second])
    db.session.commit()
    live = _suggestions()
    assert {s[:2] for s in live} == {(first.id, second.id)}

    rebuild._write_pairs(ids, scores, known_at=taken_at)
    db.session.commit()
    # neither the corrected pair overwritten by its older scoring, nor a pair brought back
    # for a record that may no longer be matched
    assert _suggestions() == live


def test_profiles_computed_before_an_edit_leave_the_edited_record_as_it_was_matched(
    live_app: Flask,
) -> None:
    org = _org()
    first = _add(org, 1)
    other = _add(org, 2, given_name="Петро")
    ids = [first.id, other.id]
    with live_app.app_context():  # a worker reads on a connection of its own
        db.session.execute(sa.update(MatchProfile).values(matcher_version="0"))  # an upgrade
        db.session.commit()
        computed = rebuild.compute_profiles(ids, db.session.connection())
        db.session.rollback()

    other.given_name = "Александр"  # a caseworker's correction, meanwhile
    linking.records_changed([other])
    db.session.commit()
    as_edited = _profile_row(other.id)
    assert as_edited[0] == linking.MATCHER_VERSION

    rebuild._write_profiles(ids, computed)
    db.session.commit()
    assert _profile_row(other.id) == as_edited  # not the name the worker read
    assert _stored_keys(other.id) == set(linking.unpack_keys(as_edited[2]))
    assert _profile_row(first.id)[0] == linking.MATCHER_VERSION  # the other one rewritten


def _profile_row(record_id: int) -> tuple[str, str, bytes]:
    row = db.session.execute(
        sa.select(
            MatchProfile.matcher_version, MatchProfile.material_hash, MatchProfile.key_hashes
        ).where(MatchProfile.record_id == record_id)
    ).one()
    return row[0], row[1], bytes(row[2])


def _stored_keys(record_id: int) -> set[int]:
    return set(
        db.session.scalars(sa.select(MatchKey.key_hash).where(MatchKey.record_id == record_id))
    )
