from __future__ import annotations

import json
from pathlib import Path

from matching import Index, blocking_keys, key_weight, record_from_mapping


def test_keys_are_short_and_shared_across_scripts() -> None:
    a = blocking_keys(
        record_from_mapping(
            {"given_name": "Олександр", "family_name": "Ковальов", "date_of_birth": "2012-03-04"}
        )
    )
    b = blocking_keys(
        record_from_mapping(
            {"given_name": "Aleksandr", "family_name": "Kovalev", "date_of_birth": "2012-04-03"}
        )
    )
    assert a & b
    assert all(len(k) <= 64 for k in a | b)
    assert {key_weight(k) for k in a | b} == {1, 2, 3}  # every kind of key has a weight


def test_keys_need_two_pieces_of_evidence() -> None:
    keys = blocking_keys(record_from_mapping({"given_name": "Олександр"}))
    assert keys == frozenset()  # a common given name alone would block half the table


def test_index_finds_candidates_by_keys() -> None:
    recs = [
        {
            "id": "a",
            "given_name": "Olha",
            "family_name": "Kovalenko",
            "date_of_birth": "2011-05-06",
        },
        {
            "id": "b",
            "given_name": "Ольга",
            "family_name": "Коваленко",
            "date_of_birth": "2011-05-06",
        },
        {
            "id": "c",
            "given_name": "Ірина",
            "family_name": "Коваленко",
            "date_of_birth": "2008-01-06",
        },
        {
            "id": "d",
            "given_name": "Петро",
            "family_name": "Сидоренко",
            "date_of_birth": "2015-05-06",
        },
    ]
    index = Index(recs[1:])
    found = index.candidates(recs[0], top=3)
    assert found[0][0] == "b"
    assert "d" not in index.candidate_ids(recs[0])
    olga = {"id": "e", "given_name": "Olga", "family_name": "Kovalenko", "date_of_birth": "2011"}
    index.add(olga)
    assert "e" in index.candidate_ids(recs[0])
    assert len(index) == 4

    # ranked: by the summed weight of the keys each candidate shares with the query
    ranked = index.ranked_candidate_ids(recs[0])
    assert sorted(ranked) == sorted(index.candidate_ids(recs[0]))
    query_keys = blocking_keys(record_from_mapping(recs[0]))
    by_id = {r["id"]: r for r in [*recs, olga]}
    weights = [
        sum(key_weight(k) for k in query_keys & blocking_keys(record_from_mapping(by_id[i])))
        for i in ranked
    ]
    assert weights == sorted(weights, reverse=True) and weights[0] > weights[-1]
    assert ranked[0] == "b" and index.ranked_candidate_ids(recs[0], top=2) == ranked[:2]


def test_blocking_recall_on_dev_set(dev_set: Path) -> None:
    def load(name: str) -> list[dict[str, object]]:
        with open(dev_set / name, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh]

    cands = [{k: v for k, v in c.items() if k != "source"} for c in load("candidates.jsonl")]
    queries = {q["id"]: q for q in load("queries.jsonl")}
    gold = [g for g in load("gold_links.jsonl") if g["candidate_ids"]][:600]
    index = Index(cands)
    hits = total = 0
    for g in gold:
        q = {k: v for k, v in queries[str(g["query_id"])].items() if k != "source"}
        ids = set(index.candidate_ids(q))
        for cid in g["candidate_ids"]:  # type: ignore[attr-defined]
            total += 1
            hits += cid in ids
    assert hits / total >= 0.99


def test_keys_survive_one_typo_in_a_name_without_a_birth_date() -> None:
    def keys(given: str, family: str) -> frozenset[str]:
        return blocking_keys(record_from_mapping({"given_name": given, "family_name": family}))

    assert keys("Рафаель", "Мамєдов") & keys("Рафаэль", "Маседов")  # a letter changed
    assert keys("Олексій", "Кулешов") & keys("Aleksei", "Kulehsov")  # two letters swapped
    assert keys("Олександр", "Аділов") & keys("Oleksanr", "Adilov")  # in the given name
    assert not keys("Стас", "Пушкарев") & keys("Ірина", "Бондар")


def test_linking_at_scale_finds_the_listed_people() -> None:
    from matching.bench.scale import link_at_scale, synthetic_people

    candidates, queries, gold = synthetic_people(2000, 200)
    assert len(candidates) == 2000 and len(queries) == 200 and len(gold) == 100
    figures = link_at_scale(candidates, queries, gold)
    assert figures.top1 >= 0.95
    assert 0 < figures.candidates_per_query < 200
