"""Stage 6 — Fellegi–Sunter scoring: comparison levels → match weights → probability.

Each field's comparison level carries a match weight in bits (log2 of m/u, the
likelihood ratio of seeing that level among true matches versus non-matches).
A missing value weighs 0 (it is not a mismatch).  An agreeing surname gets a
term-frequency adjustment: a rare surname is stronger evidence than a common one.
The weights sum with the prior into log-odds, which a logistic turns into a
probability in [0, 1]; the probability falls into a band.

The weights are fitted on labelled record pairs (``tools/fit_weights.py``: a
logistic regression on the comparison levels, the discriminative counterpart of
estimating m and u), reviewed and rounded; they are plain data here so a person
can read them.

Bands (measured on the development set's 17,107 labelled pairs with
``python -m matching.bench``): ``match`` at a probability of 0.90 or more — a
caseworker still confirms it, but it is rarely wrong (precision about 0.99 on
full records); ``review`` from 0.30 — nearly every true match is at or above it
(recall about 0.996), so the queue misses almost nothing; below is ``no_match``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from matching.compare import (
    Comparison,
    birth_date_outcome,
    compare_birth_date,
    compare_family,
    compare_given,
    compare_patronymic,
    compare_place,
    compare_sex,
    may_agree_given,
    sex_outcome,
)
from matching.features import Features

__all__ = [
    "MATCH_THRESHOLD",
    "PRIOR_BITS",
    "REVIEW_THRESHOLD",
    "WEIGHTS",
    "Band",
    "Scored",
    "band_for",
    "evaluate",
    "probability",
]

# Log2 prior odds that two records found by blocking are the same person.
PRIOR_BITS = -2.2

# Bands on the probability: at or above MATCH_THRESHOLD the pair is called a
# match, at or above REVIEW_THRESHOLD a caseworker should look at it.
MATCH_THRESHOLD = 0.90
REVIEW_THRESHOLD = 0.30

# Fitted by tools/fit_weights.py (logistic regression on one-hot levels, full and
# names-only pairs of the development set), rounded.  Changed by hand: a birth
# place that differs (children are registered anew with new birthplaces, which a
# development set rarely shows) weighs less than fitted; brother/sister names
# (gender) weigh as a near-certain "different people" (fitted -3, beside the sex
# conflict it comes with; twins of both sexes must still fall apart); agreement
# never weighs below zero, nor an exact agreement below a transliterated one;
# levels the set lacks (part, age_overlap, home_city) are set by analogy.  The
# surname frequency credit is clamped to [-1.5, +1] bits.
WEIGHTS: Mapping[str, Mapping[str, float]] = {
    "given_name": {
        "same": 2.9, "translit": 2.9, "variant": 2.8, "part": 2.0, "similar_high": 2.5,
        "similar_known": 1.1, "similar_low": 1.9, "conflict": -3.8, "conflict_known": -7.2,
        "gender": -8.0, "no_data": 0.0,
    },
    "family_name": {
        "same": 1.5, "translit": 1.5, "variant": 1.2, "part": 0.8, "similar_high": 0.3,
        "similar_low": -1.6, "conflict": -2.7, "no_data": 0.0,
    },
    "patronymic": {
        "same": 2.0, "translit": 2.0, "variant": 1.4, "similar_high": 0.0, "conflict": -7.3,
        "no_data": 0.0,
    },
    "birth_date": {
        "exact": 2.9, "year_only": 1.4, "swap": 2.0, "one_off": 1.0, "year_off": 2.2,
        "year_off2": 0.2, "reset": 1.0, "near": -0.2, "same_year": -5.7, "age_overlap": 0.5,
        "conflict_near": -3.4, "conflict": -7.9, "no_data": 0.0,
    },
    "sex": {
        "same": 0.1, "conflict": -6.2, "inferred_same": 0.0, "inferred_conflict": -3.7,
        "no_data": 0.0,
    },
    "birth_place": {"same": 1.6, "similar": 0.6, "region": -2.5, "conflict": -4.5, "no_data": 0.0},
    "home_city": {"same": 1.0, "similar": 0.4, "region": 0.0, "conflict": -1.0, "no_data": 0.0},
}  # fmt: skip
SWAP_PENALTY = 0.0
SWAPPED_TF_BITS = -1.5
_SWAP_ACCEPT = frozenset({"same", "transliteration", "name_variant", "similar"})


class Band(StrEnum):
    """Decision band of a scored pair."""

    MATCH = "match"
    REVIEW = "review"
    NO_MATCH = "no_match"


@dataclass(frozen=True, slots=True)
class Scored:
    """Comparisons with their weights, total log-odds and probability."""

    comparisons: tuple[tuple[Comparison, float], ...]
    bits: float
    probability: float
    swapped: bool


def band_for(probability: float) -> Band:
    if probability >= MATCH_THRESHOLD:
        return Band.MATCH
    if probability >= REVIEW_THRESHOLD:
        return Band.REVIEW
    return Band.NO_MATCH


def _weight(c: Comparison) -> float:
    return WEIGHTS[c.field][c.key] + c.tf_bits


# the most the fields after the names, and after the names and dates, can add (for
# ``probability(at_least=...)``)
_BEST_AFTER_DATES = sum(
    max(WEIGHTS[f].values()) for f in ("patronymic", "birth_place", "home_city")
)
_BEST_OF_THE_REST = (
    _BEST_AFTER_DATES + max(WEIGHTS["birth_date"].values()) + max(WEIGHTS["sex"].values())
)


def _bits(probability: float) -> float:
    if probability <= 0.0:
        return -math.inf
    if probability >= 1.0:
        return math.inf
    return math.log2(probability / (1.0 - probability))


def _probability(bits: float) -> float:
    if bits > 60:
        return 1.0
    if bits < -60:
        return 0.0
    return 1.0 / (1.0 + math.pow(2.0, -bits))


def evaluate(a: Features, b: Features, counts: Mapping[str, float] | None = None) -> Scored:
    """Compare two prepared records field by field and weigh the evidence."""
    given, family, swapped = _names(a, b, counts)
    comps = (
        given,
        family,
        compare_patronymic(a, b),
        compare_birth_date(a, b),
        compare_sex(a, b),
        compare_place("birth_place", a.birth_place, b.birth_place),
        compare_place("home_city", a.home, b.home),
    )
    weighted = tuple([(c, _weight(c)) for c in comps])
    bits = PRIOR_BITS + sum([w for _, w in weighted]) - (SWAP_PENALTY if swapped else 0.0)
    return Scored(weighted, bits, _probability(bits), swapped)


def probability(
    a: Features,
    b: Features,
    counts: Mapping[str, float] | None = None,
    *,
    at_least: float | None = None,
) -> float:
    """``evaluate(a, b, counts).probability`` without the comparisons kept for the
    reasons: for scoring many pairs (a rebuild scores tens of millions).

    ``at_least``: a probability the caller cares about. When the names, or the names and
    dates, already rule it out (even the best possible rest could not lift the pair to
    it), the other fields are not compared and an upper bound below it is returned.
    """
    given, family, swapped = _names(a, b, counts)
    names = (_weight(given), _weight(family))
    floor = -math.inf if at_least is None else _bits(at_least)
    bound = PRIOR_BITS + sum(names) + _BEST_OF_THE_REST
    if bound < floor:
        return _probability(bound)
    birth, sex = birth_date_outcome(a, b), sex_outcome(a, b)
    dates = (_DATE_WEIGHTS[birth[1]] if birth else 0.0, _SEX_WEIGHTS[sex[1]] if sex else 0.0)
    bound = PRIOR_BITS + sum(names) + sum(dates) + _BEST_AFTER_DATES
    if bound < floor:
        return _probability(bound)
    patronymic = _weight(compare_patronymic(a, b))
    places = (
        _weight(compare_place("birth_place", a.birth_place, b.birth_place)),
        _weight(compare_place("home_city", a.home, b.home)),
    )
    # summed in evaluate's order, so that the two agree to the last bit
    bits = PRIOR_BITS + sum([*names, patronymic, *dates, *places])
    return _probability(bits - (SWAP_PENALTY if swapped else 0.0))


_DATE_WEIGHTS, _SEX_WEIGHTS = WEIGHTS["birth_date"], WEIGHTS["sex"]


def _names(
    a: Features, b: Features, counts: Mapping[str, float] | None
) -> tuple[Comparison, Comparison, bool]:
    """The given and family names compared as written, or swapped (a record that has
    them the other way round) when that agrees better; and whether they were swapped."""
    given = compare_given(a.given, b.given)
    family = compare_family(a.family, b.family, counts)
    if not (a.given and a.family and b.given and b.family) or (
        given.level in ("same", "transliteration") and family.level in ("same", "transliteration")
    ):
        return given, family, False
    # both role assignments, so that compare(a, b) == compare(b, a)
    options = []
    for x, y in ((a, b), (b, a)):
        if not may_agree_given(x.given, y.family_as_given):
            continue  # most pairs: settled without the costlier comparison
        g2 = compare_given(x.given, y.family_as_given)
        if g2.level not in _SWAP_ACCEPT or g2.key == "similar_low":
            continue
        f2 = compare_family(x.family, y.given_as_family, counts)
        if f2.level in _SWAP_ACCEPT:
            # a swapped surname gets the weakest frequency credit
            f2 = replace(f2, tf_bits=SWAPPED_TF_BITS if f2.tf_bits else 0.0)
            options.append((_weight(g2) + _weight(f2), g2, f2))
    best = max(options, key=lambda o: o[0], default=None)
    if best is not None and best[0] - SWAP_PENALTY > _weight(given) + _weight(family):
        return best[1], best[2], True
    return given, family, False
