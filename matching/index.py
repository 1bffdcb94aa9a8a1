"""An in-memory candidate index over blocking keys.

``Index(records)`` stores each record's blocking keys; ``candidates(query,
top=k)`` looks up the records that share at least one key and ranks only
those — never all pairs.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from matching.explain import MatchResult, build_result
from matching.features import Features, prepare
from matching.keys import feature_keys, key_weight
from matching.matcher import as_record
from matching.record import Record
from matching.score import evaluate

__all__ = ["Index"]


class Index:
    """Records by blocking key, with top-k candidate search."""

    def __init__(
        self,
        records: Iterable[Record | Mapping[str, Any]] = (),
        *,
        surname_counts: Mapping[str, float] | None = None,
    ) -> None:
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._features: list[Features] = []
        self._ids: list[str] = []
        self.surname_counts = surname_counts
        for r in records:
            self.add(r)

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, record: Record | Mapping[str, Any]) -> None:
        """Add one record; its ``id`` (or its position) identifies it."""
        rec = as_record(record)
        feats = prepare(rec)
        pos = len(self._ids)
        self._ids.append(rec.id if rec.id is not None else str(pos))
        self._features.append(feats)
        for key in feature_keys(feats):
            self._postings[key].append(pos)

    def candidate_ids(self, query: Record | Mapping[str, Any]) -> list[str]:
        """Ids of the records sharing at least one blocking key with ``query``."""
        return [self._ids[p] for p in sorted(self._positions(prepare(as_record(query))))]

    def ranked_candidate_ids(
        self, query: Record | Mapping[str, Any], *, top: int | None = None
    ) -> list[str]:
        """Ids of the records sharing a key with ``query``, the weightiest shared keys
        first (:func:`~matching.keys.key_weight`; ties in insertion order): the order in
        which a store that scores only ``top`` candidates of a record keeps them."""
        weights: dict[int, int] = defaultdict(int)
        for key in feature_keys(prepare(as_record(query))):
            for pos in self._postings.get(key, ()):
                weights[pos] += key_weight(key)
        ranked = sorted(weights, key=lambda pos: (-weights[pos], pos))
        return [self._ids[p] for p in ranked[:top]]

    def _positions(self, q: Features) -> set[int]:
        found: set[int] = set()
        for key in feature_keys(q):
            hits = self._postings.get(key)
            if hits:
                found.update(hits)
        return found

    def candidates(
        self, query: Record | Mapping[str, Any], *, top: int = 10
    ) -> list[tuple[str, MatchResult]]:
        """The ``top`` best-scoring blocked candidates, best first (ties by id)."""
        q = prepare(as_record(query))
        scored = [
            (evaluate(q, self._features[pos], self.surname_counts), self._ids[pos])
            for pos in self._positions(q)
        ]
        # reasons are built only for the few kept
        best = heapq.nsmallest(top, scored, key=lambda item: (-item[0].probability, item[1]))
        return [(rid, build_result(s)) for s, rid in best]
