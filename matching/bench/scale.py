"""Linking at scale: ``Index`` over N synthetic candidates, top-k for M queries.

The records recombine the name parts, birth places and scripts of the repository's
labelled set (``matching/data/bench_set.jsonl.gz``, 600 true-match pairs) into
made-up people: about 600 given names and 600 surnames, so names repeat far more
than in life and blocking meets more candidates per query than it would — a
conservative measure.  Half of the
queries have a copy of their person among the candidates, written by the other side
of a labelled true-match pair (another script or spelling).
"""

from __future__ import annotations

import gzip
import json
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import Any

from matching.index import Index

__all__ = ["LinkFigures", "link_at_scale", "synthetic_people"]

_PARTS = ("given_name", "family_name", "patronymic", "birth_place")


def _true_pairs() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    ref = resources.files("matching") / "data" / "bench_set.jsonl.gz"
    with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [(r["left"], r["right"]) for r in rows if r["label"] == 1]


def synthetic_people(
    n_candidates: int, n_queries: int, seed: int = 7
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, str]]:
    """(candidates, queries, gold): made-up records; gold maps a query to its listed copy."""
    rng = random.Random(seed)  # noqa: S311 - reproducible made-up data
    pairs = _true_pairs()

    def person(rid: str) -> tuple[dict[str, Any], dict[str, Any]]:
        # each name part from its own labelled pair, both renderings of it kept
        chosen = {part: rng.choice(pairs) for part in _PARTS}
        born = date(2005, 1, 1) + timedelta(days=rng.randrange(0, 18 * 365))
        sides = []
        for side in (0, 1):
            rec: dict[str, Any] = {"id": rid, "birth_date": born.isoformat()}
            for part, pair in chosen.items():
                rec[part] = pair[side].get(part)
            sides.append(rec)
        return sides[0], sides[1]

    candidates = [person(f"c{i}")[1] for i in range(n_candidates)]
    queries = []
    gold: dict[str, str] = {}
    slots = rng.sample(range(n_candidates), min(n_candidates, n_queries // 2))
    for i in range(n_queries):
        query, listed = person(f"q{i}")
        queries.append(query)
        if i < len(slots):
            listed["id"] = f"c{slots[i]}"
            candidates[slots[i]] = listed
            gold[query["id"]] = listed["id"]
    return candidates, queries, gold


@dataclass(frozen=True)
class LinkFigures:
    n_candidates: int
    n_queries: int
    build_s: float  # preparing and indexing the candidates
    link_s: float  # blocking and scoring every query, top k kept
    candidates_per_query: float
    top1: float  # share of listed people ranked first


def link_at_scale(
    candidates: Sequence[Mapping[str, Any]],
    queries: Sequence[Mapping[str, Any]],
    gold: Mapping[str, str],
    top: int = 5,
) -> LinkFigures:
    t0 = time.perf_counter()
    index = Index(candidates)
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    ranked = {str(q["id"]): index.candidates(q, top=top) for q in queries}
    link = time.perf_counter() - t0
    sample = queries[:1000]
    blocked = sum(len(index.candidate_ids(q)) for q in sample) / max(1, len(sample))
    first = sum(1 for qid, cid in gold.items() if ranked[qid] and ranked[qid][0][0] == cid)
    return LinkFigures(
        len(candidates), len(queries), build, link, blocked, first / max(1, len(gold))
    )
