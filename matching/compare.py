"""Stage 5 — one comparator per kind of evidence.

Each comparator returns a :class:`Comparison`: the comparison level the
scorer weighs (``key``), the word the review UI grades the field with
(``level``), and a reason code with the values its sentence needs.  Never a
bare float.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import OSA

from matching.features import Features, NameFeat, PlaceFeat, family_feat, given_feat, place_feat
from matching.names import (
    gender_counterpart,
    given_groups,
    group_source,
    patronymic_parts,
    patronymic_variants,
    surname_frequency,
)
from matching.record import BirthDate
from matching.translit import spelling_scheme

__all__ = [
    "Comparison",
    "Level",
    "birth_date_outcome",
    "compare_birth_date",
    "compare_family",
    "compare_given",
    "compare_patronymic",
    "compare_place",
    "compare_sex",
    "may_agree_given",
    "name_similarity",
    "sex_outcome",
]

Level = Literal["same", "transliteration", "name_variant", "similar", "conflict", "no_data"]


@dataclass(frozen=True, slots=True)
class Comparison:
    """The outcome of comparing one field of two records."""

    field: str
    level: Level
    key: str
    code: str
    params: Mapping[str, str] = dataclasses.field(default_factory=dict)
    tf_bits: float = 0.0


def _no_data(fld: str) -> Comparison:
    return _NO_DATA[fld]


_NO_DATA = {
    fld: Comparison(fld, "no_data", "no_data", f"{fld}.missing", {})
    for fld in (
        "given_name", "family_name", "patronymic", "birth_date", "sex", "birth_place",
        "home_city",
    )
}  # fmt: skip


def name_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Best normalised optimal-string-alignment similarity over skeleton readings."""
    best = 0.0
    for x in a:
        for y in b:
            s = OSA.normalized_similarity(x, y)
            if s > best:
                best = s
    return best


def _scheme(a: NameFeat, b: NameFeat) -> str:
    """Reason code suffix naming the national table that links the two spellings."""
    for lat, cyr in ((a, b), (b, a)):
        if lat.norm.isascii() and not cyr.norm.isascii():
            found = spelling_scheme(lat.norm, cyr.norm)
            if found:
                return found
    return "other"


# --------------------------------------------------------------------- given names
_RANK = {
    "same": 0, "translit": 1, "variant": 2, "part": 3, "similar_high": 4, "similar_known": 5,
    "similar_low": 6, "conflict": 7, "conflict_known": 8, "gender": 9,
}  # fmt: skip


_COMMON_VARIANT_SIMILARITY = 0.88
_FORM_CUTOFF = 0.65


def _best_form(names: frozenset[str], forms: frozenset[str]) -> float:
    """Best similarity of any of ``names`` to any of ``forms`` (other spellings of a name);
    0 below the similarity at which a closer form would change the level."""
    best = 0.0
    for x in names:
        cutoff = max(best, _FORM_CUTOFF)
        found = process.extractOne(x, forms, scorer=OSA.normalized_similarity, score_cutoff=cutoff)
        if found is not None and found[1] > best:
            best = found[1]
    return best


def _given_pair(fld: str, a: NameFeat, b: NameFeat) -> Comparison:
    params = {"left": a.raw, "right": b.raw}
    if a.norm == b.norm:
        return Comparison(fld, "same", "same", "name.same", params)
    if a.sks & b.sks:
        scheme = _scheme(a, b)
        return Comparison(fld, "transliteration", "translit", f"name.romanisation.{scheme}", params)
    shared = a.groups & b.groups
    if shared:
        sources = {group_source(g) for g in shared}
        src = "uk_ru" if "uk_ru" in sources else "wikidata"
        group = "" if src == "uk_ru" else min(s.split(":", 1)[1] for s in sources)
        return Comparison(
            fld, "name_variant", "variant", f"name.variant.{src}", {**params, "group": group}
        )
    if gender_counterpart(a.primary, b.primary):
        return Comparison(fld, "conflict", "gender", "name.gender_counterpart", params)
    if len(a.token_sks) > 1 or len(b.token_sks) > 1:
        common = set(a.token_sks) & set(b.token_sks)
        if common or any(
            given_groups(x) & given_groups(y) for x in a.token_sks for y in b.token_sks
        ):
            return Comparison(fld, "name_variant", "part", "name.one_of_names", params)
    sim = own = name_similarity(a.sks, b.sks)
    both_common = a.common and b.common
    # a typo of another form of the name: Olexander vs Саша (whose group holds
    # oleksandr), Niita vs Микита (whose group holds nikita); between two common
    # names only a long near-identical form counts (Олена and Олеся stay apart)
    variant = max(_best_form(a.sks, b.forms), _best_form(b.sks, a.forms))
    if not both_common or variant >= _COMMON_VARIANT_SIMILARITY:
        sim = max(own, variant)
    params["similarity"] = f"{sim:.2f}"
    if sim < 0.75 and {a.gender, b.gender} == {"m", "f"}:
        return Comparison(fld, "conflict", "gender", "name.different_sex", params)
    if sim > own and sim >= 0.8:
        return Comparison(fld, "similar", "similar_high", "name.variant_misspelt", params)
    if both_common:
        # two common names that look alike (Олена/Олеся) are usually two people
        if sim >= 0.75:
            return Comparison(fld, "conflict", "similar_known", "name.different_similar", params)
        return Comparison(fld, "conflict", "conflict_known", "name.different", params)
    if sim >= 0.8:
        return Comparison(fld, "similar", "similar_high", "name.similar", params)
    if sim >= 0.65:
        return Comparison(fld, "similar", "similar_low", "name.similar", params)
    return Comparison(fld, "conflict", "conflict", "name.different", params)


def compare_given(a: tuple[NameFeat, ...], b: tuple[NameFeat, ...]) -> Comparison:
    """Given names: same, transliteration, uk/ru or Wikidata variant, similar, conflict."""
    if not a or not b:
        return _no_data("given_name")
    best: Comparison | None = None
    for x in a:
        for y in b:
            c = _given_pair_of_texts(x.raw, y.raw)
            if best is None or _RANK[c.key] < _RANK[best.key]:
                best = c
    assert best is not None
    return best


# a little below the 0.8 of "similar_high", so a rounding edge never hides a pair
_AGREE_SIMILARITY = 0.79


def may_agree_given(a: tuple[NameFeat, ...], b: tuple[NameFeat, ...]) -> bool:
    """False when :func:`compare_given` cannot come out better than a weak similarity
    (``similar_low``): no shared reading, group or name part, and no two spellings alike
    enough for ``similar_high``. Cheap where ``compare_given`` is not: the scorer asks it
    of every pair whose given name might be the other's surname, and those name pairs
    rarely repeat, so the comparison's cache seldom holds them."""
    for x in a:
        for y in b:
            if _may_agree_texts(x.raw, y.raw):
                return True
    return False


@lru_cache(maxsize=262144)
def _may_agree_texts(a: str, b: str) -> bool:
    return _may_agree_pair(given_feat(a), given_feat(b))


def _may_agree_pair(a: NameFeat, b: NameFeat) -> bool:
    if a.norm == b.norm or a.sks & b.sks or a.groups & b.groups:
        return True
    if len(a.token_sks) > 1 or len(b.token_sks) > 1:  # one of the names: see _given_pair
        return True
    # "similar_high" needs a similarity of 0.8 between two readings, or between a reading
    # of one name and another spelling of the other (see _given_pair); the measure is
    # symmetric, so a's readings and forms are searched together
    for x in b.sks:
        if _alike(x, a.spellings):
            return True
    if b.forms:
        for x in a.sks:
            if _alike(x, b.forms):
                return True
    return False


def _alike(name: str, others: frozenset[str]) -> bool:
    found = process.extractOne(
        name, others, scorer=OSA.normalized_similarity, score_cutoff=_AGREE_SIMILARITY
    )
    return found is not None


@lru_cache(maxsize=262144)
def _given_pair_of_texts(a: str, b: str) -> Comparison:
    # the same two names meet again and again (Олександр vs Александр): compare once
    return _given_pair("given_name", given_feat(a), given_feat(b))


# --------------------------------------------------------------------- family names
_TF_REFERENCE = 0.0015  # share of random pairs agreeing on a surname (u of the exact level)
_TF_MIN, _TF_MAX = -1.5, 1.0


def _tf_bits(primary: str, counts: Mapping[str, float] | None) -> float:
    if counts is None:
        return _shipped_tf_bits(primary)
    share = surname_frequency(primary, counts)
    return max(_TF_MIN, min(_TF_MAX, math.log2(_TF_REFERENCE / share)))


@lru_cache(maxsize=262144)
def _shipped_tf_bits(primary: str) -> float:
    share = surname_frequency(primary)
    return max(_TF_MIN, min(_TF_MAX, math.log2(_TF_REFERENCE / share)))


def _family_pair(a: NameFeat, b: NameFeat, counts: Mapping[str, float] | None) -> Comparison:
    fld = "family_name"
    params = {"left": a.raw, "right": b.raw}
    level: Level
    if a.norm == b.norm:
        level, key, code = "same", "same", "name.same"
    elif a.sks & b.sks:
        level, key, code = "transliteration", "translit", f"name.romanisation.{_scheme(a, b)}"
    elif a.masculine and a.masculine == b.masculine:
        level, key, code = "name_variant", "variant", "surname.gender_form"
    elif a.groups & b.groups:
        level, key, code = "name_variant", "variant", "surname.uk_ru"
    else:
        return _family_disagreement(a, b, params)
    # the more common of the two spellings sets the frequency credit (symmetric)
    tf = min(_tf_bits(a.primary, counts), _tf_bits(b.primary, counts))
    return Comparison(fld, level, key, code, params, tf)


def _family_disagreement(a: NameFeat, b: NameFeat, params: dict[str, str]) -> Comparison:
    """Two surnames that are not one name's forms: part of a double name, similar, or not."""
    fld = "family_name"
    if (len(a.token_sks) > 1 or len(b.token_sks) > 1) and set(a.token_sks) & set(b.token_sks):
        return Comparison(fld, "name_variant", "part", "surname.one_of_names", params)
    sim = name_similarity(a.forms, b.forms)
    params["similarity"] = f"{sim:.2f}"
    if sim >= 0.8:
        return Comparison(fld, "similar", "similar_high", "name.similar", params)
    if sim >= 0.65:
        return Comparison(fld, "similar", "similar_low", "name.similar", params)
    return Comparison(fld, "conflict", "conflict", "name.different", params)


def compare_family(
    a: tuple[NameFeat, ...], b: tuple[NameFeat, ...], counts: Mapping[str, float] | None = None
) -> Comparison:
    """Family names: same, transliteration, gender or uk/ru form, similar, conflict."""
    if not a or not b:
        return _no_data("family_name")
    best: Comparison | None = None
    for x in a:
        for y in b:
            if counts is None:
                c = _family_pair_of_texts(x.raw, y.raw)
            else:
                c = _family_pair(x, y, counts)
            if best is None or _RANK[c.key] < _RANK[best.key]:
                best = c
    assert best is not None
    return best


@lru_cache(maxsize=262144)
def _family_pair_of_texts(a: str, b: str) -> Comparison:
    return _family_pair(family_feat(a), family_feat(b), None)


# --------------------------------------------------------------------- patronymics
def compare_patronymic(a: Features, b: Features) -> Comparison:
    """Patronymics: same, transliteration, Ukrainian/Russian forms, similar, conflict."""
    fld = "patronymic"
    if a.patronymic is None or b.patronymic is None:
        return _no_data(fld)
    return _patronymic_pair_of_texts(a.patronymic.raw, b.patronymic.raw)


@lru_cache(maxsize=262144)
def _patronymic_pair_of_texts(left: str, right: str) -> Comparison:
    fld = "patronymic"
    pa, pb = given_feat(left), given_feat(right)
    sa, sb = patronymic_parts(pa.primary)[0], patronymic_parts(pb.primary)[0]
    params = {"left": pa.raw, "right": pb.raw}
    if pa.norm == pb.norm:
        return Comparison(fld, "same", "same", "patronymic.same", params)
    if pa.sks & pb.sks:
        return Comparison(
            fld, "transliteration", "translit", f"name.romanisation.{_scheme(pa, pb)}", params
        )
    if patronymic_variants(pa.primary, pb.primary) or (sa and sa == sb):
        return Comparison(fld, "name_variant", "variant", "patronymic.variant", params)
    if sa and sb and given_groups(sa) & given_groups(sb):
        return Comparison(fld, "name_variant", "variant", "patronymic.variant", params)
    sim = name_similarity(frozenset({sa}) if sa else pa.sks, frozenset({sb}) if sb else pb.sks)
    params["similarity"] = f"{sim:.2f}"
    if sim >= 0.75:
        return Comparison(fld, "similar", "similar_high", "name.similar", params)
    return Comparison(fld, "conflict", "conflict", "patronymic.different", params)


# --------------------------------------------------------------------- dates
# a comparison without the values its reason shows: (level, key, reason code)
Outcome = tuple[Level, str, str]


def compare_birth_date(a: Features, b: Features) -> Comparison:
    """Birth dates with their precision, typical errors and age ranges."""
    fld = "birth_date"
    outcome = birth_date_outcome(a, b)
    if outcome is None:
        return _no_data(fld)
    if a.dob is not None and b.dob is not None:
        params = {"left": str(a.dob), "right": str(b.dob)}
    else:
        assert a.years is not None and b.years is not None
        (a0, a1), (b0, b1) = a.years, b.years
        params = {"left": f"{a0}–{a1}", "right": f"{b0}–{b1}"}
    return Comparison(fld, *outcome, params)


def birth_date_outcome(a: Features, b: Features) -> Outcome | None:
    """How the birth dates compare (None: a record has none); what the scorer weighs of
    every candidate pair, so no reason's values are built."""
    da, db = a.dob, b.dob
    if da is None or db is None:
        ya, yb = a.years, b.years
        if ya is None or yb is None:
            return None
        if ya[0] <= yb[1] + 1 and yb[0] <= ya[1] + 1:
            return "similar", "age_overlap", "date.age_range"
        return "conflict", "conflict", "date.different"
    if da == db:
        if da.precision == "day":
            return "same", "exact", "date.same"
        return "same", "year_only", "date.same_year_only"
    if da.precision != "day" or db.precision != "day":
        if da.year == db.year and (da.month is None or db.month is None or da.month == db.month):
            return "similar", "year_only", "date.year_only"
        if abs(da.year - db.year) == 1:
            return "similar", "near", "date.year_off_partial"
        return "conflict", "conflict", "date.different"
    return _full_dates(da, db)


def _full_dates(da: BirthDate, db: BirthDate) -> Outcome:
    same_y, same_m, same_d = da.year == db.year, da.month == db.month, da.day == db.day
    if same_y and da.month == db.day and da.day == db.month:
        return "similar", "swap", "date.day_month_swapped"
    if same_y and same_m:
        return "similar", "one_off", "date.day_differs"
    if same_y and same_d:
        return "similar", "one_off", "date.month_differs"
    if same_m and same_d and abs(da.year - db.year) <= 2:
        key = "year_off" if abs(da.year - db.year) == 1 else "year_off2"
        return "similar", key, "date.year_differs"
    if same_y and ((da.month, da.day) == (1, 1) or (db.month, db.day) == (1, 1)):
        return "similar", "reset", "date.reset_to_jan1"
    if same_y:
        return "conflict", "same_year", "date.same_year"
    if abs(da.year - db.year) == 1:
        return "conflict", "conflict_near", "date.different"
    return "conflict", "conflict", "date.different"


# --------------------------------------------------------------------- sex
def compare_sex(a: Features, b: Features) -> Comparison:
    """Declared sex, else the sex the patronymic, given name or surname form implies."""
    sexes = _sexes(a, b)
    if sexes is None:
        return _no_data("sex")
    left, right, declared = sexes
    return Comparison("sex", *_sex_outcome(left, right, declared), {"left": left, "right": right})


def sex_outcome(a: Features, b: Features) -> Outcome | None:
    """How the sexes compare (None: unknown for a record), as the scorer weighs it."""
    sexes = _sexes(a, b)
    return None if sexes is None else _sex_outcome(*sexes)


def _sexes(a: Features, b: Features) -> tuple[str, str, bool] | None:
    """The two sexes compared, and whether both were declared (else inferred)."""
    if a.sex and b.sex and "other" not in (a.sex, b.sex):
        return a.sex, b.sex, True
    sa = a.sex if a.sex in ("male", "female") else a.inferred_sex
    sb = b.sex if b.sex in ("male", "female") else b.inferred_sex
    return (sa, sb, False) if sa and sb else None


def _sex_outcome(left: str, right: str, declared: bool) -> Outcome:
    if declared:
        if left == right:
            return "same", "same", "sex.same"
        return "conflict", "conflict", "sex.different"
    if left == right:
        return "same", "inferred_same", "sex.inferred_same"
    return "conflict", "inferred_conflict", "sex.inferred_different"


# --------------------------------------------------------------------- places
def compare_place(fld: str, a: PlaceFeat | None, b: PlaceFeat | None) -> Comparison:
    """Settlements through the gazetteer: same place, same region, similar, conflict."""
    if a is None or b is None:
        return _no_data(fld)
    return _place_pair_of_texts(fld, a.raw, b.raw)


@lru_cache(maxsize=262144)
def _place_pair_of_texts(fld: str, left: str, right: str) -> Comparison:
    a, b = place_feat(left), place_feat(right)
    assert a is not None and b is not None
    params = {"left": a.raw, "right": b.raw}
    if a.keys & b.keys or (a.ref.ids & b.ref.ids):
        code = "place.same" if a.keys & b.keys and a.raw == b.raw else "place.same_gazetteer"
        return Comparison(fld, "same", "same", code, params)
    sim = name_similarity(a.keys, b.keys)
    params["similarity"] = f"{sim:.2f}"
    if sim >= 0.8:
        return Comparison(fld, "similar", "similar", "place.similar", params)
    if a.ref.regions & b.ref.regions:
        return Comparison(fld, "similar", "region", "place.same_region", params)
    return Comparison(fld, "conflict", "conflict", "place.different", params)
