"""The matcher's entry points: compare two records, explain a name pair.

Records may be :class:`~matching.record.Record` objects or plain mappings with
the JSON field names (converted with :func:`~matching.record.record_from_mapping`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matching.compare import Comparison, _given_pair
from matching.explain import MatchResult, Reason, build_result
from matching.features import Features, given_feat, prepare
from matching.record import Record, record_from_mapping
from matching.score import WEIGHTS, Band, band_for, evaluate, probability

__all__ = [
    "MATCHER_VERSION",
    "as_record",
    "compare",
    "compare_prepared",
    "explain_name",
    "score_prepared",
]

MATCHER_VERSION = "1.2.0"


def as_record(value: Record | Mapping[str, Any]) -> Record:
    """A :class:`Record` from a record or a JSON-like mapping."""
    if isinstance(value, Record):
        return value
    return record_from_mapping(value)


def compare_prepared(
    left: Features, right: Features, *, surname_counts: Mapping[str, float] | None = None
) -> MatchResult:
    """Compare two prepared records (see :func:`matching.features.prepare`)."""
    return build_result(evaluate(left, right, surname_counts))


def score_prepared(
    left: Features,
    right: Features,
    *,
    surname_counts: Mapping[str, float] | None = None,
    at_least: float | None = None,
) -> tuple[float, Band]:
    """Score and band without the reasons: for filtering or ranking many pairs, then
    :func:`compare_prepared` for the few kept.

    With ``at_least``, a pair whose names (or names and dates) rule that probability out
    is scored no further: its band is exact, its score only an upper bound below
    ``at_least``.
    """
    score = probability(left, right, surname_counts, at_least=at_least)
    return score, band_for(score)


def compare(
    left: Record | Mapping[str, Any],
    right: Record | Mapping[str, Any],
    *,
    surname_counts: Mapping[str, float] | None = None,
) -> MatchResult:
    """Compare two records and return score, band and reasons.

    ``surname_counts`` optionally replaces the shipped surname frequencies
    (keys: surname skeletons; values: shares, or counts with ``"__total__"``).
    """
    return compare_prepared(
        prepare(as_record(left)), prepare(as_record(right)), surname_counts=surname_counts
    )


def explain_name(a: str, b: str) -> Reason:
    """How two given names relate, as a reason (e.g. KMU-2010 romanisation, uk/ru forms)."""
    c: Comparison = _given_pair("given_name", given_feat(a), given_feat(b))
    weight = WEIGHTS["given_name"][c.key]
    return Reason(
        field="given_name",
        level=c.level,
        weight=weight,
        code=c.code,
        params=dict(c.params),
    )
