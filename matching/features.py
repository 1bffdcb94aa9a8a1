"""Stage 4 — a record prepared once: skeletons, name knowledge and parsed evidence.

:func:`prepare` turns a :class:`~matching.record.Record` into :class:`Features`
so that comparing two records only intersects small sets and measures a few
short strings.  It is cached per record.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from matching.names import (
    Sex,
    all_skeletons,
    given_forms,
    given_gender,
    given_groups,
    is_common_given,
    is_known_given,
    patronymic_parts,
    surname_groups,
    surname_masculine,
)
from matching.normalize import normalize_text, tokens
from matching.places import PlaceRef, flat_keys, resolve_place, resolve_region
from matching.record import BirthDate, Record
from matching.translit import skeleton

__all__ = [
    "Features",
    "NameFeat",
    "PlaceFeat",
    "family_feat",
    "given_feat",
    "place_feat",
    "prepare",
]


@dataclass(frozen=True, slots=True)
class NameFeat:
    """One name as the comparators see it."""

    raw: str
    norm: str
    primary: str
    sks: frozenset[str]
    token_sks: tuple[str, ...]
    groups: frozenset[int]  # given-name groups, or Ukrainian/Russian surname pairs
    gender: Literal["m", "f", "u"] | None
    known: bool
    masculine: str = ""
    form_sex: Sex | None = None
    # given names: every spelling of the name's groups (to see a typo of another
    # form: Olexander vs Саша's group member oleksandr), and whether it is common;
    # family names: the skeletons with the masculine form
    forms: frozenset[str] = frozenset()
    common: bool = False
    spellings: frozenset[str] = frozenset()  # given names: the readings and the forms


@dataclass(frozen=True, slots=True)
class PlaceFeat:
    raw: str
    ref: PlaceRef
    keys: frozenset[str]


@dataclass(frozen=True, slots=True)
class Features:
    """Everything the comparators need from one record."""

    record: Record
    given: tuple[NameFeat, ...]
    family: tuple[NameFeat, ...]
    patronymic: NameFeat | None
    sex: Literal["male", "female", "other"] | None
    inferred_sex: Sex | None
    inferred_from: str
    dob: BirthDate | None
    years: tuple[int, int] | None
    birth_place: PlaceFeat | None
    home: PlaceFeat | None
    home_regions: frozenset[str]
    # the names read the other way round, for records that swap given and family name
    family_as_given: tuple[NameFeat, ...] = ()
    given_as_family: tuple[NameFeat, ...] = ()


@lru_cache(maxsize=262144)
def given_feat(text: str) -> NameFeat:
    norm = normalize_text(text)
    sks = all_skeletons(norm)
    primary = skeleton(norm).replace(" ", "")
    toks = tuple(skeleton(t).replace(" ", "") for t in norm.replace("-", " ").split(" ") if t)
    groups: frozenset[int] = frozenset()
    for sk in sks:
        groups |= given_groups(sk)
    if len(toks) > 1:
        for t in toks:
            groups |= given_groups(t)
    known = any(is_known_given(sk) for sk in sks)
    forms = given_forms(groups)
    return NameFeat(
        raw=text,
        norm=norm,
        primary=primary,
        sks=sks,
        token_sks=toks,
        groups=groups,
        gender=given_gender(primary) or (given_gender(toks[0]) if toks else None),
        known=known,
        forms=forms - sks,
        common=any(is_common_given(sk) for sk in sks),
        spellings=sks | forms,
    )


@lru_cache(maxsize=262144)
def family_feat(text: str) -> NameFeat:
    norm = normalize_text(text)
    sks = all_skeletons(norm)
    primary = skeleton(norm).replace(" ", "")
    toks = tuple(skeleton(t).replace(" ", "") for t in norm.replace("-", " ").split(" ") if t)
    masc, form_sex = surname_masculine(primary)
    return NameFeat(
        raw=text,
        norm=norm,
        primary=primary,
        sks=sks,
        token_sks=toks,
        groups=surname_groups(primary) | surname_groups(masc),
        gender=None,
        known=False,
        masculine=masc,
        form_sex=form_sex,
        forms=sks | {masc},
    )


@lru_cache(maxsize=65536)
def place_feat(text: str | None) -> PlaceFeat | None:
    if not text:
        return None
    return PlaceFeat(raw=text, ref=resolve_place(text), keys=flat_keys(text))


def _looks_patronymic(token: str) -> bool:
    stem, _ = patronymic_parts(skeleton(token))
    return bool(stem) and len(token) >= 6


def _split_full_name(full: str) -> tuple[list[str], list[str], list[str]]:
    """(given, patronymic, family) token lists from a free-text full name."""
    given: list[str] = []
    patr: list[str] = []
    family: list[str] = []
    for tok in tokens(full):
        if _looks_patronymic(tok) and not patr:
            patr.append(tok)
        elif not given and is_known_given(skeleton(tok)):
            given.append(tok)
        else:
            family.append(tok)
    if not given and len(family) >= 2:
        given.append(family.pop())
    return given, patr, family


@lru_cache(maxsize=262144)
def prepare(record: Record) -> Features:
    """The prepared, comparable form of a record (cached)."""
    given_texts: list[str] = []
    family_texts: list[str] = []
    patronymic = record.patronymic
    if record.given_name:
        parts = tokens(record.given_name)
        if len(parts) >= 2 and not patronymic and _looks_patronymic(parts[-1]):
            patronymic = parts[-1]
            given_texts.append(" ".join(parts[:-1]))
        else:
            given_texts.append(record.given_name)
    if record.family_name:
        family_texts.append(record.family_name)
    if record.full_name and (not given_texts or not family_texts):
        g, p, f = _split_full_name(record.full_name)
        if not given_texts and g:
            given_texts.append(" ".join(g))
        if not family_texts and f:
            family_texts.append(" ".join(f))
        if not patronymic and p:
            patronymic = p[0]
    for alt in record.alternate_names:
        g, p, f = _split_full_name(alt)
        if g:
            given_texts.append(" ".join(g))
        if f:
            family_texts.append(" ".join(f))
        if not patronymic and p:
            patronymic = p[0]

    given = tuple(given_feat(t) for t in dict.fromkeys(given_texts) if normalize_text(t))
    family = tuple(family_feat(t) for t in dict.fromkeys(family_texts) if normalize_text(t))
    pat = given_feat(patronymic) if patronymic and normalize_text(patronymic) else None
    pat_sex = patronymic_parts(pat.primary)[1] if pat else None

    inferred: Sex | None = None
    source = ""
    if pat_sex is not None:
        inferred, source = pat_sex, "patronymic"
    elif given and given[0].gender in ("m", "f"):
        inferred = "male" if given[0].gender == "m" else "female"
        source = "given_name"
    elif family and family[0].form_sex is not None:
        inferred, source = family[0].form_sex, "family_name"

    home_text = record.home_city
    home_regions = resolve_region(record.home_state) if record.home_state else frozenset()
    return Features(
        record=record,
        given=given,
        family=family,
        patronymic=pat,
        sex=record.sex,
        inferred_sex=inferred,
        inferred_from=source,
        dob=record.date_of_birth,
        years=record.birth_years(),
        birth_place=place_feat(record.birth_place),
        home=place_feat(home_text),
        home_regions=home_regions,
        family_as_given=tuple(given_feat(f.raw) for f in family),
        given_as_family=tuple(family_feat(g.raw) for g in given),
    )
