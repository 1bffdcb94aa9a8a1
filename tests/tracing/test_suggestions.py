"""Suggested matches: candidates on every new record, review with four eyes, lifecycle."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.tracing.conftest import csrf_token, login, post_form
from tests.tracing.intake_helpers import file_report
from tracing.db import db
from tracing.models import (
    AuditEvent,
    AuditTag,
    CaseStage,
    DatePrecision,
    Decision,
    MatchKey,
    MatchProfile,
    Organization,
    OrgKind,
    PersonRecord,
    RecordKind,
    Role,
    Sex,
    Suggestion,
    SuggestionStatus,
    User,
    Verdict,
)
from tracing.services import linking, rebuild, review
from tracing.services.key_snapshot import KeySnapshot


@pytest.fixture
def ngo(make_org: Callable[..., Organization]) -> Organization:
    return make_org("ngo", OrgKind.NGO)


@pytest.fixture
def add_record(make_record: Callable[..., PersonRecord]) -> Callable[..., PersonRecord]:
    """A record stored and matched the way every write path does it."""

    def add(org: Organization, **fields: Any) -> PersonRecord:
        record = make_record(org, **fields)
        linking.records_changed([record])
        db.session.commit()
        return record

    return add


CHILD = {
    "given_name": "Олександр",
    "family_name": "Шевченко",
    "patronymic": "Петрович",
    "sex": Sex.MALE,
    "birth_date": date(2014, 3, 5),
    "birth_date_precision": DatePrecision.DAY,
    "birth_place": "Маріуполь",
}


def _pair(a: PersonRecord, b: PersonRecord) -> Suggestion | None:
    low, high = sorted((a.id, b.id))
    return db.session.scalars(
        sa.select(Suggestion).where(Suggestion.left_id == low, Suggestion.right_id == high)
    ).first()


def _decide(client: FlaskClient, suggestion: Suggestion, verdict: str, **extra: str) -> Any:
    url = f"/cases/suggestions/{suggestion.id}"
    db.session.expire_all()
    current = db.session.get(Suggestion, suggestion.id)
    assert current is not None
    return client.post(
        f"{url}/decide",
        data={
            "csrf_token": csrf_token(client, url),
            "verdict": verdict,
            "version": str(current.version),
            **extra,
        },
    )


def test_family_report_and_ngo_record_meet_and_are_confirmed_by_two_caseworkers(
    client: FlaskClient,
    app: Flask,
    intake_org: Organization,
    ngo: Organization,
    make_user: Callable[..., User],
) -> None:
    # A family reports Олександр Шевченко.
    reference, code = file_report(client)
    # An NGO registers a found child, written in Latin the Russian way.
    ngo_worker = make_user(Role.CASEWORKER, ngo)
    db.session.commit()
    login(client, ngo_worker)
    created = post_form(
        client,
        "/cases/records/new",
        {
            "kind": "found",
            "given_name": "Aleksandr",
            "family_name": "Shevchenko",
            "sex": "male",
            "birth": "2014-03-05",
            "birth_place": "Mariupol",
            "consent_tracing": "y",
            "consent_sharing": "y",
        },
    )
    assert created.status_code == 302
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/cases/")})

    sought = db.session.scalars(
        sa.select(PersonRecord).where(PersonRecord.kind == RecordKind.SOUGHT)
    ).one()
    found = db.session.scalars(
        sa.select(PersonRecord).where(PersonRecord.kind == RecordKind.FOUND)
    ).one()
    suggestion = _pair(sought, found)
    assert suggestion is not None and suggestion.band == "match"
    codes = {r["code"] for r in suggestion.reasons}
    assert any(c.startswith("name.") for c in codes)
    assert any(c.startswith("date.") for c in codes)
    db.session.refresh(sought)
    assert sought.case_stage is CaseStage.MATCH_SUGGESTED

    # The intake organisation's caseworkers see it in their queue, with its reasons.
    first, second = make_user(Role.CASEWORKER, intake_org), make_user(Role.CASEWORKER, intake_org)
    db.session.commit()
    login(client, first)
    assert f"/cases/suggestions/{suggestion.id}" in client.get("/cases/").get_data(as_text=True)
    page = client.get(f"/cases/suggestions/{suggestion.id}?lang=en").get_data(as_text=True)
    assert "Aleksandr" in page and "Олександр" in page
    assert _decide(client, suggestion, "confirm", note="Фото збігається").status_code == 302
    db.session.expire_all()
    assert db.session.get(Suggestion, suggestion.id).status is SuggestionStatus.AWAITING_SECOND  # type: ignore[union-attr]
    # The family is not told yet.
    status_client = app.test_client()
    post_form(status_client, "/status?lang=en", {"reference": reference, "code": code})
    assert "We may have news" not in status_client.get("/status/report?lang=en").get_data(
        as_text=True
    )

    # A second caseworker approves, blind to the first decision.
    client2 = app.test_client()
    login(client2, second)
    blind = client2.get(f"/cases/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "Фото збігається" not in blind
    assert _decide(client2, suggestion, "approve").status_code == 302
    db.session.expire_all()
    assert db.session.get(Suggestion, suggestion.id).status is SuggestionStatus.CONFIRMED  # type: ignore[union-attr]
    assert db.session.get(PersonRecord, sought.id).case_stage is CaseStage.MATCH_CONFIRMED  # type: ignore[union-attr]
    groups = {p.group_id for p in db.session.scalars(sa.select(MatchProfile))}
    assert len(groups) == 1  # linked as one person; both records kept

    # The family's status page now shows the new stage, and nothing about the found child.
    post_form(status_client, "/status?lang=en", {"reference": reference, "code": code})
    family_page = status_client.get("/status/report?lang=en").get_data(as_text=True)
    assert "We may have news" in family_page
    assert "Mariupol" not in family_page and "Aleksandr" not in family_page


def test_one_caseworker_cannot_approve_their_own_confirmation(
    client: FlaskClient,
    ngo: Organization,
    make_user: Callable[..., User],
    add_record: Callable[..., PersonRecord],
) -> None:
    a = add_record(ngo, **CHILD)
    b = add_record(ngo, **{**CHILD, "given_name": "Александр", "family_name": "Шевченко"})
    suggestion = _pair(a, b)
    assert suggestion is not None
    user = make_user(Role.SUPERVISOR, ngo)
    db.session.commit()
    login(client, user)
    _decide(client, suggestion, "confirm")
    response = _decide(client, suggestion, "approve")
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Suggestion, suggestion.id).status is SuggestionStatus.AWAITING_SECOND  # type: ignore[union-attr]


def test_supervisor_rule_for_the_second_review(
    app_factory: Callable[..., Flask],
    ngo: Organization,
    make_user: Callable[..., User],
    add_record: Callable[..., PersonRecord],
) -> None:
    app = app_factory(SECOND_REVIEWER="supervisor")
    a = add_record(ngo, **CHILD)
    b = add_record(ngo, **{**CHILD, "given_name": "Александр"})
    suggestion = _pair(a, b)
    assert suggestion is not None
    first, peer, boss = (
        make_user(Role.CASEWORKER, ngo),
        make_user(Role.CASEWORKER, ngo),
        make_user(Role.SUPERVISOR, ngo),
    )
    db.session.commit()
    c1, c2, c3 = app.test_client(), app.test_client(), app.test_client()
    login(c1, first), login(c2, peer), login(c3, boss)
    _decide(c1, suggestion, "confirm")
    assert _decide(c2, suggestion, "approve").status_code == 400
    assert _decide(c3, suggestion, "approve").status_code == 302


def test_disagreement_returns_the_pair_to_the_queue_with_both_views(
    client: FlaskClient,
    app: Flask,
    ngo: Organization,
    make_user: Callable[..., User],
    add_record: Callable[..., PersonRecord],
) -> None:
    a = add_record(ngo, **CHILD)
    b = add_record(ngo, **{**CHILD, "given_name": "Александр"})
    suggestion = _pair(a, b)
    assert suggestion is not None
    u1, u2 = make_user(Role.CASEWORKER, ngo), make_user(Role.CASEWORKER, ngo)
    db.session.commit()
    login(client, u1)
    _decide(client, suggestion, "confirm", note="same scar")
    other = app.test_client()
    login(other, u2)
    _decide(other, suggestion, "disagree", note="different mother")
    db.session.expire_all()
    s = db.session.get(Suggestion, suggestion.id)
    assert s is not None and s.status is SuggestionStatus.DISPUTED
    assert [(d.verdict, d.note) for d in s.decisions] == [
        (Verdict.CONFIRM, "same scar"),
        (Verdict.DISAGREE, "different mother"),
    ]
    assert f"/cases/suggestions/{s.id}" in client.get("/cases/").get_data(as_text=True)


def test_a_rejected_pair_stays_rejected_after_a_rebuild_unless_a_record_changes(
    client: FlaskClient,
    ngo: Organization,
    make_user: Callable[..., User],
    add_record: Callable[..., PersonRecord],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a = add_record(ngo, **CHILD)
    b = add_record(ngo, **{**CHILD, "given_name": "Александр", "birth_date": date(2014, 5, 3)})
    suggestion = _pair(a, b)
    assert suggestion is not None
    login(client, make_user(Role.CASEWORKER, ngo))
    db.session.commit()
    missing_reason = _decide(client, suggestion, "reject")
    assert missing_reason.status_code == 400  # a rejection needs a coded reason
    assert _decide(client, suggestion, "reject", reason="sibling").status_code == 302

    db.session.expire_all()  # the decision was made in the request's own session
    # ...even when the rebuild follows a matcher upgrade
    monkeypatch.setattr(linking, "MATCHER_VERSION", "99.0.0")
    count = rebuild.rebuild(workers=0)
    db.session.expire_all()
    assert count >= 1
    s = db.session.get(Suggestion, suggestion.id)
    assert s is not None and s.status is SuggestionStatus.REJECTED
    assert s.decisions[0].reason is not None
    assert s.matcher_version == "99.0.0"  # re-scored by the new matcher all the same

    # A material change (a corrected birth date) brings the pair back for review.
    record = db.session.get(PersonRecord, b.id)
    assert record is not None
    record.birth_date = date(2014, 3, 5)
    db.session.flush()
    linking.records_changed([record])
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Suggestion, suggestion.id).status is SuggestionStatus.OPEN  # type: ignore[union-attr]
    # ...and the earlier rejection is still on record.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 1


def test_simultaneous_decisions_one_wins_the_other_sees_a_conflict(
    app: Flask,
    ngo: Organization,
    make_user: Callable[..., User],
    add_record: Callable[..., PersonRecord],
) -> None:
    a = add_record(ngo, **CHILD)
    b = add_record(ngo, **{**CHILD, "given_name": "Александр"})
    suggestion = _pair(a, b)
    assert suggestion is not None
    c1, c2 = app.test_client(), app.test_client()
    u1, u2 = make_user(Role.CASEWORKER, ngo), make_user(Role.CASEWORKER, ngo)
    db.session.commit()
    login(c1, u1), login(c2, u2)
    url = f"/cases/suggestions/{suggestion.id}"
    forms = []
    for c in (c1, c2):  # both open the page before either decides
        page = c.get(url).get_data(as_text=True)
        version = re.search(r'name="version" value="(\d+)"', page)
        assert version
        forms.append({"csrf_token": csrf_token(c, url), "version": version.group(1)})
    won = c1.post(f"{url}/decide", data={**forms[0], "verdict": "confirm"})
    lost = c2.post(
        f"{url}/decide",
        data={**forms[1], "verdict": "reject", "reason": "namesake", "note": "Інша мати"},
    )
    assert won.status_code == 302
    assert lost.status_code == 409
    conflict_page = lost.get_data(as_text=True)
    assert "Інша мати" in conflict_page  # nothing typed is lost
    db.session.expire_all()
    s = db.session.get(Suggestion, suggestion.id)
    assert s is not None and s.status is SuggestionStatus.AWAITING_SECOND
    assert len(s.decisions) == 1


def test_suggestions_about_other_organisations_records_need_sharing(
    client: FlaskClient,
    ngo: Organization,
    make_org: Callable[..., Organization],
    make_user: Callable[..., User],
    add_record: Callable[..., PersonRecord],
) -> None:
    registry = make_org("registry", OrgKind.REGISTRY)
    mine = add_record(ngo, **CHILD)
    private = add_record(registry, **{**CHILD, "given_name": "Александр"}, consent_sharing=False)
    shared = add_record(registry, **{**CHILD, "given_name": "Aleksandr"}, consent_sharing=True)
    user = make_user(Role.CASEWORKER, ngo)
    db.session.commit()
    login(client, user)
    queue = client.get("/cases/").get_data(as_text=True)
    visible = _pair(mine, shared)
    assert visible is not None and f'/cases/suggestions/{visible.id}"' in queue
    hidden = _pair(mine, private)
    if hidden is not None:  # stored for the registry's own caseworkers, never shown to us
        assert f'/cases/suggestions/{hidden.id}"' not in queue
        assert client.get(f"/cases/suggestions/{hidden.id}").status_code == 404
    assert client.get(f"/cases/records/{private.id}").status_code == 404
    # A third organisation with no record in the pair sees nothing of it.
    outsider = make_user(Role.CASEWORKER, make_org())
    db.session.commit()
    other = client.application.test_client()
    login(other, outsider)
    assert other.get(f"/cases/suggestions/{visible.id}").status_code == 404


def test_records_without_tracing_consent_are_not_suggested_until_a_supervisor_overrides(
    client: FlaskClient,
    ngo: Organization,
    make_user: Callable[..., User],
    add_record: Callable[..., PersonRecord],
) -> None:
    a = add_record(ngo, **CHILD)
    b = add_record(ngo, **{**CHILD, "given_name": "Александр"}, consent_tracing=False)
    assert _pair(a, b) is None
    caseworker, supervisor = make_user(Role.CASEWORKER, ngo), make_user(Role.SUPERVISOR, ngo)
    db.session.commit()
    login(client, caseworker)
    url = f"/cases/records/{b.id}"
    denied = client.post(
        f"{url}/consent-override", data={"reason": "x", "csrf_token": csrf_token(client, url)}
    )
    assert denied.status_code == 403
    login(client, supervisor)
    ok = client.post(
        f"{url}/consent-override",
        data={"reason": "Court order 12/2024", "csrf_token": csrf_token(client, url)},
    )
    assert ok.status_code == 302
    assert _pair(a, b) is not None
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.tag == AuditTag.RECORD_CONSENT_OVERRIDE)
    ).one()
    assert event.actor_id == supervisor.id and event.object_id == b.id


def test_two_reports_of_one_child_are_linked_and_then_considered_once(
    app: Flask,
    client: FlaskClient,
    intake_org: Organization,
    ngo: Organization,
    make_user: Callable[..., User],
    add_record: Callable[..., PersonRecord],
) -> None:
    mother = add_record(intake_org, **CHILD)
    grandmother = add_record(intake_org, **{**CHILD, "patronymic": None})
    duplicate = _pair(mother, grandmother)
    assert duplicate is not None
    u1, u2 = make_user(Role.CASEWORKER, intake_org), make_user(Role.CASEWORKER, intake_org)
    db.session.commit()
    login(client, u1)
    _decide(client, duplicate, "confirm")
    other = app.test_client()
    login(other, u2)
    _decide(other, duplicate, "approve")
    db.session.expire_all()
    # Both reports are kept, linked as one person, and neither is "match confirmed".
    for record_id in (mother.id, grandmother.id):
        record = db.session.get(PersonRecord, record_id)
        assert record is not None and record.case_stage is not CaseStage.MATCH_CONFIRMED
    # A new finding suggests one pair for the linked group, not one per report.
    found = add_record(
        ngo,
        **{**CHILD, "given_name": "Aleksandr", "family_name": "Shevchenko"},
        kind=RecordKind.FOUND,
        consent_sharing=True,
    )
    pairs = [p for p in (_pair(found, mother), _pair(found, grandmother)) if p is not None]
    assert len(pairs) == 1


def test_keys_follow_the_record_in_the_same_transaction(
    ngo: Organization,
    add_record: Callable[..., PersonRecord],
) -> None:
    record = add_record(ngo, **CHILD)
    before = set(
        db.session.scalars(sa.select(MatchKey.key_hash).where(MatchKey.record_id == record.id))
    )
    assert before
    record.family_name = "Коваленко"
    db.session.flush()
    linking.records_changed([record])
    after = set(
        db.session.scalars(sa.select(MatchKey.key_hash).where(MatchKey.record_id == record.id))
    )
    assert after and after != before
    db.session.rollback()  # the record's change and its keys go together
    assert (
        set(db.session.scalars(sa.select(MatchKey.key_hash).where(MatchKey.record_id == record.id)))
        == before
    )


def test_a_rebuild_restores_each_records_keys(
    ngo: Organization,
    add_record: Callable[..., PersonRecord],
) -> None:
    record, other = add_record(ngo, **CHILD), add_record(ngo, **CHILD)

    def stored(record_id: int) -> set[int]:
        query = sa.select(MatchKey.key_hash).where(MatchKey.record_id == record_id)
        return set(db.session.scalars(query))

    right = stored(record.id)
    kept, lost = sorted(right)[1:], sorted(right)[0]
    db.session.execute(
        sa.delete(MatchKey).where(MatchKey.record_id == record.id, MatchKey.key_hash == lost)
    )
    bogus = linking.key_hash("n:bogus|key")
    db.session.add(MatchKey(record_id=record.id, key_hash=bogus))
    db.session.flush()
    assert stored(record.id) == {*kept, bogus}

    # and a record deleted without its keys (no foreign key takes them): they go
    gone = add_record(ngo, **CHILD)
    db.session.execute(sa.delete(PersonRecord).where(PersonRecord.id == gone.id))
    assert stored(gone.id) == right

    rebuild.rebuild(workers=0)
    assert stored(record.id) == right == stored(other.id)
    assert stored(gone.id) == set()


def test_mending_keys_holds_when_the_record_changed_since_they_were_read(
    ngo: Organization,
    add_record: Callable[..., PersonRecord],
) -> None:
    # the rebuild reads the index and the profiles' lists one after the other, so a record
    # stored or edited in between differs between the two reads; its keys stay as listed
    record, edited = add_record(ngo, **CHILD), add_record(ngo, **CHILD)
    keys = set(
        db.session.scalars(sa.select(MatchKey.key_hash).where(MatchKey.record_id == record.id))
    )
    edited.family_name = "Коваленко"
    linking.records_changed([edited])
    listed = set(linking.unpack_keys(db.session.get(MatchProfile, edited.id).key_hashes))
    stale = keys - listed  # held before the edit, as the index was read
    assert listed and stale

    linking.mend_keys({record.id: [], edited.id: sorted(keys)})
    db.session.flush()

    def stored(record_id: int) -> set[int]:
        query = sa.select(MatchKey.key_hash).where(MatchKey.record_id == record_id)
        return set(db.session.scalars(query))

    assert stored(record.id) == keys
    assert stored(edited.id) == listed


def test_candidates_come_from_the_key_index(
    ngo: Organization,
    add_record: Callable[..., PersonRecord],
) -> None:
    target = add_record(ngo, **CHILD)
    stranger = add_record(
        ngo,
        given_name="Марія",
        family_name="Бондаренко",
        birth_date=date(2009, 1, 2),
        birth_date_precision=DatePrecision.DAY,
    )
    keys = linking.record_keys(linking.match_mapping(target))
    ids = linking.candidate_ids(0, keys)
    assert target.id in ids and stranger.id not in ids
    # ...by the index, never by reading the whole table (the plan, not the timing)
    query = linking.candidate_query(0, sorted(keys), linking.CANDIDATE_LIMIT)
    sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "sqlite":
        plan = " ".join(
            str(row[-1]) for row in db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {sql}"))
        )
        assert "match_keys USING PRIMARY KEY (key_hash=?)" in plan, plan
    else:  # a table this small may well be read whole: ask whether the index can serve
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(str(row[0]) for row in db.session.execute(sa.text(f"EXPLAIN {sql}")))
        assert "Index" in plan and "Seq Scan on match_keys" not in plan, plan


def test_candidates_rank_by_the_weight_of_shared_keys(
    ngo: Organization,
    add_record: Callable[..., PersonRecord],
) -> None:
    subject, typos, adopted = (add_record(ngo, **CHILD) for _ in range(3))
    # two typo keys (weight 1 each) against one given name + father's name + year (3):
    # by count the namesake would come first, by weight the child under a new surname
    typo_keys, father_key = ["e:lksntr|sfnk", "g:lsntr|sfnk"], "f:lksntr|lksntr:2010"
    keys = {subject.id: [*typo_keys, father_key], typos.id: typo_keys, adopted.id: [father_key]}
    connection = db.session.connection()
    for record_id, texts in keys.items():
        listed = db.session.get(MatchProfile, record_id)
        assert listed is not None
        hashes = [linking.key_hash(t) for t in texts]
        linking.replace_keys(
            connection, {record_id: hashes}, {record_id: linking.unpack_keys(listed.key_hashes)}
        )
        listed.key_hashes = linking.pack_keys(hashes)
    db.session.flush()
    assert [linking.key_hash(t) & 3 for t in keys[subject.id]] == [0, 0, 2]
    hashes = [linking.key_hash(t) for t in keys[subject.id]]
    assert linking.candidate_ids(subject.id, hashes) == [adopted.id, typos.id]
    # the rebuild's snapshot of the key index ranks them alike
    snapshot = KeySnapshot.read(connection)
    subject_keys = linking.key_rows([subject.id], connection)
    assert sorted(subject_keys) == sorted((subject.id, h) for h in hashes)
    assert snapshot.candidates_of(subject_keys) == {subject.id: [adopted.id, typos.id]}


def test_search_across_scripts_and_spellings(
    client: FlaskClient,
    ngo: Organization,
    make_org: Callable[..., Organization],
    make_user: Callable[..., User],
    add_record: Callable[..., PersonRecord],
) -> None:
    registry = make_org("registry", OrgKind.REGISTRY)
    uk = add_record(ngo, given_name="Олександр", family_name="Шевченко", birth_place="Харків")
    ru = add_record(
        registry,
        given_name="Александр",
        family_name="Шевченко",
        birth_place="Харьков",
        consent_sharing=True,
    )
    hidden = add_record(
        registry,
        given_name="Александр",
        family_name="Шевченко",
        birth_place="Харьков",
        consent_sharing=False,
    )
    other = add_record(ngo, given_name="Марія", family_name="Бондаренко", birth_place="Львів")
    login(client, make_user(Role.CASEWORKER, ngo))
    db.session.commit()
    page = post_form(client, "/cases/search", {"q": "Oleksandr Shevchenko Kharkov"}).get_data(
        as_text=True
    )
    for record in (uk, ru):
        assert f'/cases/records/{record.id}"' in page
    assert f'/cases/records/{hidden.id}"' not in page
    assert f'/cases/records/{other.id}"' not in page
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.tag == AuditTag.RECORD_SEARCH)
    ).one()
    assert "Shevchenko" not in (event.detail or "")  # no personal data in the audit trail
    assert {str(uk.id), str(ru.id)} <= set((event.detail or "").split("shown=")[1].split(","))
    # a name in a URL is never searched for (it would sit in access logs and histories)
    linked = client.get("/cases/search?q=Oleksandr+Shevchenko").get_data(as_text=True)
    assert f'/cases/records/{uk.id}"' not in linked


def test_case_lifecycle_steps_go_on_the_timeline(
    client: FlaskClient,
    ngo: Organization,
    make_user: Callable[..., User],
    add_record: Callable[..., PersonRecord],
) -> None:
    record = add_record(ngo, **CHILD)
    login(client, make_user(Role.CASEWORKER, ngo))
    db.session.commit()
    url = f"/cases/records/{record.id}"

    def move(stage: str, **extra: str) -> int:
        data = {"stage": stage, "csrf_token": csrf_token(client, url), **extra}
        return client.post(f"{url}/stage", data=data).status_code

    assert move("reunified") == 200  # not allowed from "reported": the form says so
    assert move("under_review") == 302
    assert move("closed") == 200  # closing needs a reason
    assert move("closed", reason="withdrawn") == 302
    db.session.expire_all()
    fresh = db.session.get(PersonRecord, record.id)
    assert fresh is not None and fresh.case_stage is CaseStage.CLOSED
    stages = [e.stage for e in fresh.events if e.stage]
    assert stages == [CaseStage.UNDER_REVIEW, CaseStage.CLOSED]


def test_undo_a_recent_decision_with_a_reason(
    client: FlaskClient,
    ngo: Organization,
    make_user: Callable[..., User],
    add_record: Callable[..., PersonRecord],
) -> None:
    a = add_record(ngo, **CHILD)
    b = add_record(ngo, **{**CHILD, "given_name": "Александр"})
    suggestion = _pair(a, b)
    assert suggestion is not None
    login(client, make_user(Role.CASEWORKER, ngo))
    db.session.commit()
    _decide(client, suggestion, "reject", reason="namesake")
    url = f"/cases/suggestions/{suggestion.id}"
    db.session.expire_all()
    current = db.session.get(Suggestion, suggestion.id)
    assert current is not None
    response = client.post(
        f"{url}/undo",
        data={
            "csrf_token": csrf_token(client, url),
            "version": current.version,
            "note": "wrong button",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    undone = db.session.get(Suggestion, suggestion.id)
    assert undone is not None and undone.status is SuggestionStatus.OPEN
    assert [d.verdict for d in undone.decisions] == [Verdict.REJECT, Verdict.UNDO]


def test_rebuild_resumes_and_counts(
    ngo: Organization, add_record: Callable[..., PersonRecord]
) -> None:
    for given in ("Олександр", "Александр", "Oleksandr"):
        add_record(ngo, **{**CHILD, "given_name": given})
    run = rebuild.current_run()
    run.phase, run.last_record_id = "pairs", 0
    db.session.commit()
    calls: list[int] = []
    count = rebuild.rebuild(progress=calls.append, workers=0)
    assert count == 3  # three records, three pairs
    assert sum(calls) == 3  # resumed in the pairs phase: the keys phase was not redone
    assert rebuild.current_run().phase == "keys"  # the finished run is closed; a new one starts
    assert review.QUEUE_STATUSES


def test_decisions_feed_the_matchers_evaluation(
    app: Flask,
    client: FlaskClient,
    ngo: Organization,
    make_user: Callable[..., User],
    add_record: Callable[..., PersonRecord],
    tmp_path: Any,
) -> None:
    a = add_record(ngo, **CHILD)
    b = add_record(ngo, **{**CHILD, "given_name": "Александр"})
    suggestion = _pair(a, b)
    assert suggestion is not None
    login(client, make_user(Role.CASEWORKER, ngo))
    db.session.commit()
    _decide(client, suggestion, "reject", reason="sibling")
    db.session.expire_all()
    from tracing.services.decisions_export import labelled_pairs

    [line] = list(labelled_pairs())
    assert line["label"] == 0 and line["reason"] == "sibling"
    assert {line["left"]["given_name"], line["right"]["given_name"]} == {"Олександр", "Александр"}


def test_a_record_sent_through_the_api_is_matched(
    client: FlaskClient,
    intake_org: Organization,
    ngo: Organization,
    make_user: Callable[..., User],
    add_record: Callable[..., PersonRecord],
) -> None:
    from tracing.models import TokenScope
    from tracing.services.exchange import tokens

    sought = add_record(intake_org, **CHILD)
    secret = tokens.create_token(make_user(Role.ORG_ADMIN, ngo), "feed", {TokenScope.WRITE}).secret
    db.session.commit()
    response = client.post(
        "/api/v1/records",
        json={
            "source_record_id": "ngo-1",
            "given_name": "Oleksandr",
            "family_name": "Shevchenko",
            "sex": "male",
            "date_of_birth": "2014-03-05",
            "consent_tracing": True,
            "consent_sharing": True,
            "kind": "found",
        },
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 201, response.get_json()
    found = db.session.scalars(
        sa.select(PersonRecord).where(PersonRecord.source_record_id == "ngo-1")
    ).one()
    assert _pair(sought, found) is not None


def test_reasons_are_shown_in_the_readers_language(
    client: FlaskClient,
    ngo: Organization,
    make_user: Callable[..., User],
    add_record: Callable[..., PersonRecord],
) -> None:
    a = add_record(ngo, **CHILD)
    b = add_record(ngo, **{**CHILD, "given_name": "Александр"})
    suggestion = _pair(a, b)
    assert suggestion is not None
    login(client, make_user(Role.CASEWORKER, ngo))
    db.session.commit()
    url = f"/cases/suggestions/{suggestion.id}"
    uk = client.get(f"{url}?lang=uk").get_data(as_text=True)
    ru = client.get(f"{url}?lang=ru").get_data(as_text=True)
    en = client.get(f"{url}?lang=en").get_data(as_text=True)
    assert "українська й російська форми одного імені" in uk
    assert "украинская и русская формы одного имени" in ru
    assert "Ukrainian and Russian forms of one name" in en


def _edit(client: FlaskClient, record: PersonRecord, **changes: Any) -> Any:
    """Post the record's edit form as the page shows it, with ``changes`` applied."""
    url = f"/cases/records/{record.id}/edit"
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page)
    assert version, "the form carries the version it was read at"
    form = {
        "version": version.group(1),
        "kind": record.kind.value,
        "given_name": record.given_name,
        "family_name": record.family_name or "",
        "patronymic": record.patronymic or "",
        "sex": record.sex.value if record.sex else "",
        "birth": record.birth_date.isoformat() if record.birth_date else "",
        "birth_place": record.birth_place or "",
        "consent_tracing": "y" if record.consent_tracing else "",
        "consent_sharing": "y" if record.consent_sharing else "",
        **changes,
    }
    return post_form(client, url, {k: v for k, v in form.items() if v != ""})


def test_a_caseworkers_correction_repairs_and_withdrawn_consent_leaves_the_queue(
    client: FlaskClient,
    ngo: Organization,
    make_user: Callable[..., User],
    add_record: Callable[..., PersonRecord],
) -> None:
    a = add_record(ngo, **CHILD)
    b = add_record(ngo, **{**CHILD, "given_name": "Ірина", "sex": Sex.FEMALE})
    assert _pair(a, b) is None  # a different child
    login(client, make_user(Role.CASEWORKER, ngo))
    db.session.commit()
    # The name was typed wrongly: corrected, the pair is suggested in the same request.
    assert _edit(client, b, given_name="Александр", sex="male").status_code == 302
    db.session.expire_all()
    suggestion = _pair(a, b)
    assert suggestion is not None
    sid = suggestion.id
    assert f"/cases/suggestions/{sid}" in client.get("/cases/").get_data(as_text=True)
    assert {a.case_stage, b.case_stage} == {CaseStage.MATCH_SUGGESTED}

    # The family withdraws consent to tracing: the pair leaves the queue and is not kept,
    # and neither case still says a match was suggested.
    b = db.session.get(PersonRecord, b.id)  # type: ignore[assignment]
    assert _edit(client, b, consent_tracing="").status_code == 302
    db.session.expire_all()
    assert _pair(a, b) is None
    assert client.get(f"/cases/suggestions/{sid}").status_code == 404
    for record in (a, b):
        assert record.case_stage is CaseStage.UNDER_REVIEW
        assert record.events[-1].stage is CaseStage.UNDER_REVIEW
        assert record.events[-1].author_label == "system"


def test_editing_a_record_someone_else_changed_meanwhile_is_a_conflict(
    client: FlaskClient,
    ngo: Organization,
    make_user: Callable[..., User],
    add_record: Callable[..., PersonRecord],
) -> None:
    record = add_record(ngo, **CHILD)
    login(client, make_user(Role.CASEWORKER, ngo))
    db.session.commit()
    url = f"/cases/records/{record.id}/edit"
    stale = re.search(r'name="version"[^>]*value="(\d+)"', client.get(url).get_data(as_text=True))
    assert stale
    assert _edit(client, record, birth_place="Бердянськ").status_code == 302  # another edit
    db.session.expire_all()
    lost = post_form(
        client,
        url,
        {"version": stale.group(1), "kind": "sought", "given_name": "Олексій", "sex": "male"},
    )
    assert lost.status_code == 409
    assert "Олексій" in lost.get_data(as_text=True)  # what was typed is kept
    db.session.expire_all()
    kept = db.session.get(PersonRecord, record.id)
    assert kept is not None and kept.given_name == "Олександр" and kept.birth_place == "Бердянськ"


def test_a_finding_paired_with_two_reports_of_one_child_becomes_one_question(
    app: Flask,
    client: FlaskClient,
    intake_org: Organization,
    ngo: Organization,
    make_user: Callable[..., User],
    add_record: Callable[..., PersonRecord],
) -> None:
    mother = add_record(intake_org, **CHILD)
    found = add_record(
        ngo,
        **{**CHILD, "given_name": "Aleksandr", "family_name": "Shevchenko"},
        kind=RecordKind.FOUND,
        consent_sharing=True,
    )
    grandmother = add_record(intake_org, **{**CHILD, "patronymic": None})
    assert _pair(mother, found) is not None and _pair(grandmother, found) is not None
    duplicate = _pair(mother, grandmother)
    assert duplicate is not None
    u1, u2 = make_user(Role.CASEWORKER, intake_org), make_user(Role.CASEWORKER, intake_org)
    db.session.commit()
    login(client, u1)
    _decide(client, duplicate, "confirm")
    other = app.test_client()
    login(other, u2)
    _decide(other, duplicate, "approve")
    db.session.expire_all()

    def questions() -> list[Suggestion]:
        return [p for p in (_pair(found, mother), _pair(found, grandmother)) if p is not None]

    assert len(questions()) == 1  # the two reports are one child: one question remains
    rebuild.rebuild(workers=0)
    db.session.expire_all()
    assert len(questions()) == 1  # and a rebuild, scoring record by record, keeps it so


def test_a_pair_rescored_while_open_offers_the_same_answer_again(
    client: FlaskClient,
    ngo: Organization,
    make_user: Callable[..., User],
    add_record: Callable[..., PersonRecord],
) -> None:
    a = add_record(ngo, **CHILD)
    b = add_record(ngo, **{**CHILD, "given_name": "Александр", "birth_place": None})
    suggestion = _pair(a, b)
    assert suggestion is not None
    sid = suggestion.id
    login(client, make_user(Role.CASEWORKER, ngo))
    db.session.commit()
    url = f"/cases/suggestions/{sid}"
    seen = re.search(r'name="version" value="(\d+)"', client.get(url).get_data(as_text=True))
    assert seen
    token = csrf_token(client, url)
    # Meanwhile an import adds the birth place: the pair is re-scored, still undecided.
    record = db.session.get(PersonRecord, b.id)
    assert record is not None
    record.birth_place = "Маріуполь"
    linking.records_changed([record])
    db.session.commit()
    answer = {"csrf_token": token, "version": seen.group(1), "verdict": "reject"}
    lost = client.post(f"{url}/decide", data={**answer, "reason": "sibling", "note": "Брат"})
    assert lost.status_code == 409
    page = lost.get_data(as_text=True)
    assert "Брат" in page and 'name="verdict" value="reject"' in page
    retry = re.search(r'name="version" value="(\d+)"', page)
    assert retry and retry.group(1) != seen.group(1)
    again = client.post(
        f"{url}/decide",
        data={**answer, "version": retry.group(1), "reason": "sibling", "note": "Брат"},
    )
    assert again.status_code == 302
    db.session.expire_all()
    decided = db.session.get(Suggestion, sid)
    assert decided is not None and decided.status is SuggestionStatus.REJECTED


def test_keyboard_review_moves_through_the_queue_in_its_order(
    client: FlaskClient,
    ngo: Organization,
    make_user: Callable[..., User],
    add_record: Callable[..., PersonRecord],
) -> None:
    add_record(ngo, **CHILD)
    # the same child written several ways, and an adult namesake: pairs of different
    # scores, children's pairs ahead of the adult's
    add_record(ngo, **{**CHILD, "given_name": "Александр", "kind": RecordKind.FOUND})
    add_record(ngo, **{**CHILD, "given_name": "Oleksandr", "family_name": "Shevchenko"})
    add_record(ngo, **{**CHILD, "birth_date": date(2014, 5, 3), "birth_place": None})
    add_record(ngo, **{**CHILD, "birth_date": date(1990, 3, 5), "patronymic": None})
    user = make_user(Role.CASEWORKER, ngo)
    db.session.commit()
    rows, total = review.queue(user, review.QueueFilters(), per_page=100)
    assert total == len(rows) >= 4
    assert len({(r.is_child, r.score) for r in rows}) > 2  # the order is not trivial
    ids = [r.id for r in rows]
    for position, suggestion in enumerate(rows):
        previous, following = review.neighbours(user, suggestion)
        assert previous == (ids[position - 1] if position else None)
        assert following == (ids[position + 1] if position + 1 < len(ids) else None)

    login(client, user)
    page = client.get(f"/cases/suggestions/{ids[1]}").get_data(as_text=True)
    assert f'href="/cases/suggestions/{ids[0]}" rel="prev" data-key="p"' in page
    assert f'href="/cases/suggestions/{ids[2]}" rel="next" data-key="n"' in page
