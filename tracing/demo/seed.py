"""Seed a demo installation: organisations, users, and people described by several sources.

Everything is made up. Each demo child is reported by a family in Ukrainian; some are
also "found" by a Russian registry (Russian forms of the names, sometimes a reset birth
date) or by an NGO writing Latin under one of several standards; siblings and unrelated
children are mixed in so that a matcher has real work to do.
"""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tracing.db import db
from tracing.models import (
    AlternateName,
    CaseEvent,
    Circumstances,
    DatePrecision,
    EventKind,
    NameKind,
    NameSource,
    Organization,
    OrgKind,
    PersonRecord,
    RecordKind,
    Report,
    Role,
    Sex,
    Suggestion,
    User,
)
from tracing.services import linking
from tracing.services.linking import script_of
from tracing.services.users import create_organization, create_user, get_organization
from tracing.tokens import canonical_code, hash_secret, new_access_code, new_reference

NAMES_FILE = Path(__file__).with_name("names.json")
LATIN_STYLES = ["uk_kmu2010", "uk_passport2004", "uk_german", "uk_french", "ru_icao", "ru_mvd310"]

ORGANIZATIONS = [
    ("intake", "Національна лінія розшуку дітей (демо)", OrgKind.AGENCY),
    ("child-search-ngo", "Child Search Network (demo)", OrgKind.NGO),
    ("registry-monitor", "Registry Monitoring Group (demo)", OrgKind.REGISTRY),
]
USERS = [
    ("caseworker@intake.demo", "Оксана Демо", Role.CASEWORKER, "intake"),
    ("supervisor@intake.demo", "Петро Демо", Role.SUPERVISOR, "intake"),
    ("admin@intake.demo", "Ірина Демо", Role.ORG_ADMIN, "intake"),
    ("caseworker@ngo.demo", "Anna Demo", Role.CASEWORKER, "child-search-ngo"),
    ("supervisor@ngo.demo", "Mark Demo", Role.SUPERVISOR, "child-search-ngo"),
    ("caseworker@registry.demo", "Olena Demo", Role.CASEWORKER, "registry-monitor"),
]


@dataclass
class Child:
    given: dict[str, str]
    surname: dict[str, str]
    patronymic: dict[str, str]
    sex: str
    birth: date
    place: dict[str, str]


def _logins_path(instance_path: str) -> Path:
    return Path(instance_path) / "demo_logins.json"


def demo_logins(instance_path: str) -> dict[str, Any]:
    path = _logins_path(instance_path)
    return json.loads(path.read_text()) if path.exists() else {}


def _save_logins(instance_path: str, logins: dict[str, Any]) -> None:
    path = _logins_path(instance_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(logins, ensure_ascii=False, indent=1))
    path.chmod(0o600)


def _random_child(
    rng: random.Random,
    names: dict[str, Any],
    surname: dict[str, Any] | None,
    patronymic: dict[str, Any] | None,
    place: dict[str, str] | None,
) -> Child:
    given = rng.choice(names["given"])
    sex = given["sex"]
    surname = surname or rng.choice(names["surnames"])
    patronymic = patronymic or rng.choice(names["patronymics"])
    birth = date(2007, 1, 1) + timedelta(days=rng.randrange(0, 15 * 365))
    return Child(
        given=given,
        surname=surname[sex],
        patronymic=patronymic[sex],
        sex=sex,
        birth=birth,
        place=place or rng.choice(names["places"]),
    )


def _family(rng: random.Random, names: dict[str, Any]) -> list[Child]:
    """One to three children with the same surname, patronymic and home town."""
    surname = rng.choice(names["surnames"])
    patronymic = rng.choice(names["patronymics"])
    place = rng.choice(names["places"])
    return [
        _random_child(rng, names, surname, patronymic, place)
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3]))
    ]


def _record(
    child: Child,
    style: str,
    org: Organization,
    source_id: str,
    kind: RecordKind,
    rng: random.Random,
) -> PersonRecord:
    given, family = child.given[style], child.surname[style]
    patronymic: str | None = child.patronymic[style]
    birth, precision = child.birth, DatePrecision.DAY
    place = child.place["ru" if style == "ru" else "uk" if style == "uk" else style]
    if kind is RecordKind.FOUND and style == "ru" and rng.random() < 0.2:
        birth = date(child.birth.year, 1, 1)  # registered without papers: reset to 1 January
    if kind is RecordKind.FOUND and rng.random() < 0.15:
        birth, precision = date(child.birth.year, 1, 1), DatePrecision.YEAR
    if style not in ("uk", "ru") and rng.random() < 0.5:
        patronymic = None  # foreign records rarely carry one
    return PersonRecord(
        kind=kind,
        given_name=given,
        given_name_script=script_of(given),
        family_name=family,
        family_name_script=script_of(family),
        patronymic=patronymic,
        patronymic_script=script_of(patronymic),
        sex=Sex(child.sex),
        birth_date=birth,
        birth_date_precision=precision,
        birth_place=place,
        last_seen_place=place if kind is RecordKind.SOUGHT else None,
        circumstances=rng.choice(list(Circumstances)),
        org_id=org.id,
        source_record_id=source_id,
        consent_tracing=True,
        consent_sharing=rng.random() < 0.8,
    )


def seed(instance_path: str, *, families: int = 150, rng_seed: int = 2022) -> dict[str, int]:
    """Create the demo data unless it is already there; returns what was created."""
    created = {"organizations": 0, "users": 0, "records": 0, "suggestions": 0}
    orgs: dict[str, Organization] = {}
    for slug, name, kind in ORGANIZATIONS:
        org = get_organization(slug)
        if org is None:
            org = create_organization(slug, name, kind, verified=True)
            created["organizations"] += 1
        orgs[slug] = org
    logins = demo_logins(instance_path)
    for email, name, role, org_slug in USERS:
        if db.session.scalar(sa.select(User.id).where(User.email == email)) is None:
            password = logins.get("users", {}).get(email) or secrets.token_urlsafe(12)
            create_user(email, name, password, role, orgs[org_slug])
            logins.setdefault("users", {})[email] = password
            created["users"] += 1

    names = json.loads(NAMES_FILE.read_text(encoding="utf-8"))
    rng = random.Random(rng_seed)  # noqa: S311 - reproducible made-up data, not secrets
    existing = set(
        db.session.scalars(
            sa.select(PersonRecord.source_record_id).where(
                PersonRecord.source_record_id.like("demo-%")
            )
        )
    )
    for number in range(1, families + 1):
        children = _family(rng, names)
        ref_id = f"demo-{number:04d}"
        if f"{ref_id}/1" in existing:
            continue
        code = new_access_code()
        report = Report(
            reference=new_reference(),
            access_code_hash=hash_secret(canonical_code(code)),
            reporter_name="Демо Заявник",
            relationship_to_child="mother",
            contact_phone="+380 00 000 0000",
            preferred_language="uk",
        )
        db.session.add(report)
        db.session.flush()
        if number == 1:
            logins["report"] = {"reference": report.reference, "code": code}
        for i, child in enumerate(children, start=1):
            sought = _record(child, "uk", orgs["intake"], f"{ref_id}/{i}", RecordKind.SOUGHT, rng)
            sought.report_id = report.id
            if rng.random() < 0.3:
                diminutive = child.given["uk_kmu2010"]
                sought.alternate_names.append(
                    AlternateName(
                        name=diminutive,
                        script=script_of(diminutive),
                        kind=NameKind.DOCUMENT,
                        source=NameSource.FAMILY,
                    )
                )
            db.session.add(sought)
            created["records"] += 1
            # Some children are found: by a Russian registry, or by an NGO in Latin.
            roll = rng.random()
            if roll < 0.35:
                found = _record(
                    child, "ru", orgs["registry-monitor"], f"{ref_id}-r{i}", RecordKind.FOUND, rng
                )
            elif roll < 0.6:
                found = _record(
                    child,
                    rng.choice(LATIN_STYLES),
                    orgs["child-search-ngo"],
                    f"{ref_id}-n{i}",
                    RecordKind.FOUND,
                    rng,
                )
            else:
                continue
            db.session.add(found)
            created["records"] += 1
        # Unrelated children seen in registries: nobody has reported them (yet).
        if rng.random() < 0.4:
            stranger = _random_child(rng, names, None, None, None)
            db.session.add(
                _record(
                    stranger, "ru", orgs["registry-monitor"], f"{ref_id}-x", RecordKind.FOUND, rng
                )
            )
            created["records"] += 1
    db.session.flush()
    new_records = list(
        db.session.scalars(sa.select(PersonRecord).where(~PersonRecord.events.any()))
    )
    for record in new_records:
        db.session.add(CaseEvent(record_id=record.id, kind=EventKind.REPORTED, author_label="demo"))
    # Match them as every other write path does, so the review queue has real suggestions.
    linking.records_changed(new_records)
    stored = db.session.scalar(sa.select(sa.func.count()).select_from(Suggestion))
    created["suggestions"] = int(stored or 0)
    _save_logins(instance_path, logins)
    return created
