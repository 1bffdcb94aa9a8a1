"""Scale benchmark for suggestions: ``python -m tracing.bench [--records N] [--database URL]``.

Seeds N synthetic records (made-up people: a family's report in Ukrainian, often a second
record of the same child in Russian forms, siblings and strangers), rebuilds all match
keys and suggestions, then times producing suggestions for new records one at a time —
the work a family's report or an import triggers. Prints figures; asserts nothing.

    python -m tracing.bench                                  # 10,000 records, SQLite
    python -m tracing.bench --records 1000000                # a million
    python -m tracing.bench --records 1000000 --score-sample 50000   # estimate the rebuild
    python -m tracing.bench --database postgresql+psycopg://… --reset
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa

# Syllables for made-up surnames: plenty of distinct names with a realistic long tail.
_STEMS = [
    "Бон",
    "Ков",
    "Мель",
    "Тка",
    "Крав",
    "Олій",
    "Шев",
    "Полі",
    "Бой",
    "Лис",
    "Руд",
    "Сав",
    "Пет",
    "Мар",
    "Яко",
    "Гон",
    "Лит",
    "Коз",
    "Они",
    "Гри",
    "Пав",
    "Іва",
    "Зін",
    "Лев",
    "Мор",
    "Куш",
    "Дор",
    "Гал",
    "Сте",
    "Дми",
    "Кли",
    "Воло",
    "Соло",
    "Наза",
    "Остап",
    "Тимо",
    "Хом",
    "Юрч",
    "Федо",
    "Бури",
    "Кар",
    "Сем",
    "Бара",
    "Гуц",
    "Дзю",
    "Кушн",
    "Мазу",
    "Оста",
    "Про",
]
_MIDDLES = ["", "ар", "ал", "ен", "ин", "ан", "ор", "ич", "ас", "ов", "ул", "ер", "ищ", "ан"]
_ENDINGS = [
    ("енко", "енко"),
    ("ук", "ук"),
    ("чук", "чук"),
    ("ський", "ский"),
    ("ів", "ов"),
    ("ишин", "ышин"),
    ("як", "як"),
    ("ець", "ец"),
    ("ан", "ан"),
    ("ич", "ич"),
]
_UK_RU = str.maketrans({"і": "и", "ї": "и", "є": "е", "и": "ы", "ґ": "г", "'": "", "’": ""})


def _surname(rng: random.Random) -> tuple[str, str]:
    stem = rng.choice(_STEMS) + rng.choice(_MIDDLES) + rng.choice(_MIDDLES)
    uk_end, ru_end = rng.choice(_ENDINGS)
    return stem + uk_end, stem.translate(_UK_RU) + ru_end


class _Population:
    """Weighted pools of names, about as concentrated as among Ukraine's children.

    Surnames: the commonest near 0.3% of people, the hundred commonest about 14%
    (weights 1/(rank+50)); given names: the commonest about 4% (1/(rank+5)). Given
    names and patronymics, in a Ukrainian form and a Russian or Latin one, come from the
    matcher's labelled set (``matching/data/bench_set.jsonl.gz``, read as data).
    """

    def __init__(self, n: int, rng: random.Random) -> None:
        self.rng = rng
        self.surnames = [_surname(rng) for _ in range(max(1000, n // 10))]
        self.surname_weights = _cumulative(len(self.surnames), 50)
        self.given: dict[str, list[tuple[str, str]]] = {"male": [], "female": []}
        self.fathers: dict[str, list[tuple[str, str]]] = {"male": [], "female": []}
        labelled = resources.files("matching") / "data" / "bench_set.jsonl.gz"
        with labelled.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                left, right = row["left"], row["right"]
                sex = {"M": "male", "F": "female"}.get(left.get("sex") or "")
                if row["label"] != 1 or sex is None:
                    continue
                self.given[sex].append((left["given_name"], right["given_name"]))
                if left.get("patronymic") and right.get("patronymic"):
                    self.fathers[sex].append((left["patronymic"], right["patronymic"]))
        self.given_weights = {sex: _cumulative(len(v), 5) for sex, v in self.given.items()}

    def person(self) -> dict[str, Any]:
        """One made-up child: each name in its Ukrainian and its other form."""
        rng = self.rng
        sex = rng.choice(("male", "female"))
        surname = rng.choices(self.surnames, cum_weights=self.surname_weights)[0]
        given = rng.choices(self.given[sex], cum_weights=self.given_weights[sex])[0]
        father = rng.choice(self.fathers[sex])
        born = date(2006, 1, 1) + timedelta(days=rng.randrange(0, 17 * 365))
        return {"sex": sex, "born": born, "family": surname, "given": given, "father": father}


def _cumulative(count: int, offset: int) -> list[float]:
    total, out = 0.0, []
    for rank in range(1, count + 1):
        total += 1.0 / (rank + offset)
        out.append(total)
    return out


def _people(n: int, population: _Population) -> Iterator[dict[str, Any]]:
    """Record field dicts: a family's report, and for about half of them a registry record."""
    rng = population.rng
    made = 0
    while made < n:
        who = population.person()
        base = {"sex": who["sex"], "birth_date": who["born"], "kind": "sought"}
        yield {
            **base,
            "given_name": who["given"][0],
            "family_name": who["family"][0],
            "patronymic": who["father"][0],
        }
        made += 1
        if rng.random() < 0.5 and made < n:
            born = who["born"]
            moved = born if rng.random() < 0.7 else date(born.year, 1, 1)
            yield {
                **base,
                "kind": "found",
                "birth_date": moved,
                "given_name": who["given"][1],
                "family_name": who["family"][1],
                "patronymic": who["father"][1],
            }
            made += 1


def _insert(
    conn: sa.Connection, org_ids: tuple[int, int], rows: Iterator[dict[str, Any]], n: int
) -> None:
    from tracing.db import utcnow
    from tracing.models import PersonRecord

    table = cast(sa.Table, PersonRecord.__table__)
    now = utcnow()
    batch: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        batch.append(
            {
                **row,
                "org_id": org_ids[row["kind"] == "found"],
                "source_record_id": f"bench-{i}",
                "birth_date_precision": "day",
                "given_name_script": "cyrillic",
                "family_name_script": "cyrillic",
                "patronymic_script": "cyrillic",
                "consent_tracing": True,
                "consent_sharing": True,
                "case_stage": "reported",
                "version": 1,
                "created_at": now,
                "updated_at": now,
                "source_date": now,
            }
        )
        if len(batch) == 5000:
            conn.execute(sa.insert(table), batch)
            batch.clear()
            print(f"  inserted {i + 1:,}/{n:,}", file=sys.stderr, end="\r")
    if batch:
        conn.execute(sa.insert(table), batch)


def _size(engine: sa.Engine, url: str) -> int:
    if engine.dialect.name == "sqlite":
        path = Path(url.split("///", 1)[1])
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    with engine.connect() as conn:
        return int(
            conn.execute(sa.text("SELECT pg_database_size(current_database())")).scalar() or 0
        )


def _twin_recall(scored_up_to: int | None) -> float:
    """Of the made-up children who also have a registry record (written right after the
    family's, so its id is one more), the share whose two records became a suggestion.
    ``scored_up_to``: an interrupted rebuild's last scored record; only its pairs count."""
    from tracing.db import db
    from tracing.models import PersonRecord, RecordKind, Suggestion

    twins = sa.select(PersonRecord.id).where(PersonRecord.kind == RecordKind.FOUND)
    if scored_up_to is not None:
        twins = twins.where(PersonRecord.id - 1 <= scored_up_to)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(twins.subquery()))
    linked = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Suggestion)
        .where(
            Suggestion.right_id.in_(twins),
            Suggestion.left_id == Suggestion.right_id - 1,
        )
    )
    return round((linked or 0) / total, 4) if total else 0.0


class _SampleScored(Exception):
    """The scoring phase's sample is done: the rebuild is stopped there."""


def run(
    records: int, queries: int, url: str, reset: bool, seed: int, score_sample: int = 0
) -> dict[str, Any]:
    from alembic import command
    from alembic.config import Config

    from tracing import create_app
    from tracing.config import ROOT
    from tracing.db import db, make_engine
    from tracing.models import Organization, OrgKind, PersonRecord, Sex, Suggestion
    from tracing.services import linking, rebuild

    engine = make_engine(url)
    if reset and engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.attributes.update(configure_logger=False, url=url)
    command.upgrade(cfg, "head")

    rng = random.Random(seed)  # noqa: S311 - reproducible made-up data
    population = _Population(records, rng)
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": tempfile.mkdtemp(prefix="tracing-bench-"),
        }
    )
    out: dict[str, Any] = {"records": records, "database": engine.dialect.name}
    with app.app_context():
        orgs = (
            Organization(slug="bench-intake", name="Intake", kind=OrgKind.AGENCY, verified=True),
            Organization(
                slug="bench-registry", name="Registry", kind=OrgKind.REGISTRY, verified=True
            ),
        )
        db.session.add_all(orgs)
        db.session.commit()
        started = time.perf_counter()
        with db.engine.begin() as conn:  # type: ignore[union-attr]
            _insert(conn, (orgs[0].id, orgs[1].id), _people(records, population), records)
        out["insert_seconds"] = round(time.perf_counter() - started, 1)

        started = keys_done = time.perf_counter()
        done = 0

        def progress(count: int) -> None:
            nonlocal done, keys_done
            done += count
            if done == records:  # every record has its keys: the scoring phase begins
                keys_done = time.perf_counter()
            elif score_sample and done - records >= score_sample:
                raise _SampleScored

        try:
            out["suggestions"] = rebuild.rebuild(progress)
        except _SampleScored:
            db.session.rollback()  # an interrupted rebuild, as it may be in life: resumable
        elapsed = time.perf_counter() - started
        keys_seconds = keys_done - started
        scored = done - records
        score_rate = scored / (elapsed - keys_seconds)
        out["rebuild_keys_seconds"] = round(keys_seconds, 1)
        out["rebuild_scored_records"] = scored
        out["rebuild_scoring_records_per_second"] = round(score_rate, 1)
        if scored == records:
            out["rebuild_seconds"] = round(elapsed, 1)
            out["rebuild_records_per_second"] = round(records / elapsed, 1)
        else:  # the key phase measured whole, the scoring phase on its first records
            out["rebuild_seconds_estimated"] = round(keys_seconds + records / score_rate)

        timings = []
        candidates = []
        for _ in range(queries):
            who = population.person()  # a child the database may already hold, or not
            record = PersonRecord(
                kind="found",
                given_name=who["given"][1],
                family_name=who["family"][1],
                patronymic=who["father"][1],
                sex=Sex(who["sex"]),
                birth_date=who["born"],
                birth_date_precision="day",
                org_id=orgs[1].id,
                source_record_id=f"bench-q-{rng.random()}",
                consent_tracing=True,
                consent_sharing=True,
            )
            started = time.perf_counter()
            db.session.add(record)
            db.session.flush()
            linking.records_changed([record])
            db.session.commit()
            timings.append((time.perf_counter() - started) * 1000)
            keys = linking.record_keys(linking.match_mapping(record))
            candidates.append(len(linking.candidate_ids(record.id, keys)))
            linking.forget_keys([record.id])
            db.session.delete(record)
            db.session.commit()
        timings.sort()
        out["new_record_ms_p50"] = round(statistics.median(timings), 1)
        out["new_record_ms_p95"] = round(timings[int(0.95 * (len(timings) - 1))], 1)
        out["candidates_per_new_record"] = round(statistics.mean(candidates), 1)
        lookups = []
        for _ in range(queries):
            who = population.person()
            keys = linking.record_keys(
                {
                    "given_name": who["given"][0],
                    "family_name": who["family"][0],
                    "date_of_birth": who["born"].isoformat(),
                }
            )
            started = time.perf_counter()
            linking.candidate_ids(0, keys)
            lookups.append((time.perf_counter() - started) * 1000)
        out["key_lookup_ms_p50"] = round(statistics.median(lookups), 2)
        out["stored_suggestions"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(Suggestion)
        )
        out["twin_recall"] = _twin_recall(
            None if scored == records else rebuild.current_run().last_record_id
        )
        out["bytes_per_record"] = round(_size(engine, url) / records)
    # this process, and the largest of the rebuild's worker processes
    out["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out["peak_worker_memory_mb"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    )
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tracing.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200, help="new records to time")
    parser.add_argument("--database", help="SQLAlchemy URL (default: a new SQLite file)")
    parser.add_argument(
        "--reset", action="store_true", help="drop everything in the PostgreSQL database first"
    )
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument(
        "--score-sample",
        type=int,
        default=0,
        help="stop the rebuild's scoring phase after this many records and estimate the "
        "whole rebuild from its rate (the key phase always runs whole); 0: score all",
    )
    args = parser.parse_args(argv)
    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    result = run(args.records, args.queries, url, args.reset, args.seed, args.score_sample)
    width = max(map(len, result))
    for key, value in result.items():
        print(
            f"{key:<{width}}  {value:,}"
            if isinstance(value, int | float)
            else f"{key:<{width}}  {value}"
        )


if __name__ == "__main__":
    main()
