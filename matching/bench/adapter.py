"""The matcher behind the benchmark protocol (score, score_batch, rank, score_name)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matching.features import Features, prepare
from matching.index import Index
from matching.matcher import compare_prepared, explain_name
from matching.record import record_from_mapping

__all__ = ["BenchMatcher", "bench_record"]

_NAME_LEVEL_SCORE = {
    "same": 1.0, "translit": 0.97, "variant": 0.9, "part": 0.7, "similar_high": 0.6,
    "similar_known": 0.2, "similar_low": 0.4, "conflict": 0.05, "conflict_known": 0.02,
    "gender": 0.0,
}  # fmt: skip


def bench_record(rec: Mapping[str, Any]) -> dict[str, Any]:
    """A benchmark row (``birth_date``, ``M``/``F``) as the matcher's JSON record."""
    return {k: v for k, v in rec.items() if k != "source"}


class BenchMatcher:
    """score / score_batch / rank / score_name over the matcher."""

    name = "matching"

    def __init__(self) -> None:
        self._prepared: dict[str, Features] = {}
        self._index: Index | None = None
        self._index_key: tuple[str, ...] | None = None

    def _prep(self, rec: Mapping[str, Any]) -> Features:
        rid = rec.get("id")
        if rid is not None and rid in self._prepared:
            return self._prepared[rid]
        feats = prepare(record_from_mapping(bench_record(rec)))
        if rid is not None:
            self._prepared[rid] = feats
        return feats

    def score(self, a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
        return compare_prepared(self._prep(a), self._prep(b)).score

    def score_batch(
        self, pairs: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]]
    ) -> list[float]:
        return [self.score(a, b) for a, b in pairs]

    def rank(
        self, query: Mapping[str, Any], candidates: Sequence[Mapping[str, Any]]
    ) -> list[tuple[str, float]]:
        key = tuple(str(c.get("id")) for c in candidates)
        if self._index is None or self._index_key != key:
            self._index = Index(bench_record(c) for c in candidates)
            self._index_key = key
        found = self._index.candidates(bench_record(query), top=100)
        return [(cid, res.score) for cid, res in found]

    def score_name(self, a: str, b: str) -> float:
        reason = explain_name(a, b)
        from matching.compare import _given_pair
        from matching.features import given_feat

        c = _given_pair("given_name", given_feat(a), given_feat(b))
        base = _NAME_LEVEL_SCORE[c.key]
        if c.key in ("similar_high", "similar_low", "similar_known") and "similarity" in c.params:
            base += 0.1 * float(c.params["similarity"])
        del reason
        return min(1.0, base)
