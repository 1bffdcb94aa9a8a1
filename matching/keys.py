"""Blocking keys: short strings two records share when they might be one person.

Finding candidates is then an index lookup (``record_id, key`` rows), never all
pairs.  Keys combine two pieces of evidence so that each stays selective even
at a million records:

* ``n:`` — the phonetic codes of the family name and a given name, unordered
  (so swapped name order still meets), and the same with each name-group id of
  the given name (Олександр, Александр, Sasha meet on a group id);
* ``y:`` — the family name's code with the birth year; ``p:`` — a given name's
  code (or group id) with the first two letters of the family name's code and the
  birth year (a typo later in the surname still meets);
* ``d:`` — any name's phonetic code (or given-name group id) with the date of
  birth (and with day and month swapped): finds a changed surname after
  adoption, and a given name the tables do not know;
* ``e:`` / ``g:`` — one name's code whole, the other's with any one letter left
  out (a typo in the family or the given name, with no birth date needed);
* ``f:`` / ``b:`` — a given name with the birth year and the father's name, or
  the place of birth (a surname changed on adoption, the date not quite right).

Keys differ in what sharing one says (:func:`key_weight`): a typo key alone is
weak evidence, a name with a date or a father's name strong.  A store that can
keep only some candidates of a record ranks them by the weights of the keys they
share, not by their number: at a million records a namesake shares twenty typo
keys, an adopted child under a new surname one ``f:`` key.

Phonetic codes are taken from the skeleton (:func:`matching.translit.phonetic_key`)
of the masculine surname form, so Ковальова, Ковалева and Kovalyov meet.
"""

from __future__ import annotations

from functools import lru_cache

from matching.features import Features, NameFeat, prepare
from matching.names import given_groups, patronymic_parts
from matching.record import Record
from matching.translit import phonetic_key

__all__ = [
    "CANDIDATES_PER_RECORD",
    "KEY_WEIGHTS",
    "MAX_KEY_LENGTH",
    "blocking_keys",
    "feature_keys",
    "key_weight",
]

MAX_KEY_LENGTH = 64
# What sharing a key of each kind is worth when ranking candidates: typo keys (a name
# one letter off, no date) 1, a surname or initials with the birth year 2, whole names
# together or a name with a date, a father's name or a birthplace 3. Chosen on the
# development set (all its blocked true pairs rank in a record's first 30 candidates, as
# with unweighted counts in the first 50) and on made-up populations of a million (where
# the top 30 by these weights keep 97% of the pairs the top 100 by counts would suggest,
# and the top 30 by counts 83%).
KEY_WEIGHTS = {"e": 1, "g": 1, "y": 2, "p": 2, "n": 3, "f": 3, "d": 3, "b": 3}
# How many candidates of a record a store should score, weightiest shared keys first.
CANDIDATES_PER_RECORD = 30
_VOWELS = "aeiou"


@lru_cache(maxsize=262144)
def _given_codes(sk: str) -> frozenset[str]:
    codes = set()
    if sk:
        stripped = sk.lstrip(_VOWELS) or sk
        codes.add(phonetic_key(stripped))
    codes |= {f"g{gid}" for gid in given_groups(sk)}
    return frozenset(c for c in codes if c)


def _given_keys(feats: tuple[NameFeat, ...]) -> set[str]:
    out: set[str] = set()
    for f in feats:
        for sk in {f.primary, *f.token_sks}:
            out |= _given_codes(sk)
        for gid in f.groups:
            out.add(f"g{gid}")
    return out


def _family_keys(feats: tuple[NameFeat, ...]) -> set[str]:
    out: set[str] = set()
    for f in feats:
        for sk in {f.masculine or f.primary, *f.token_sks}:
            code = phonetic_key(sk)
            if code:
                out.add(code)
    return out


def _dates(f: Features) -> list[str]:
    d = f.dob
    if d is None:
        return []
    out = [str(d)]
    if d.day is not None and d.month is not None and d.day <= 12 and d.day != d.month:
        out.append(f"{d.year:04d}-{d.day:02d}-{d.month:02d}")
    return out


def _deletions(code: str) -> set[str]:
    """The code itself and with each one of its letters left out.

    Two codes one typo apart (a letter left out, added, changed or two swapped)
    share at least one of these (the symmetric-deletion idea of SymSpell).
    """
    if len(code) < 2:
        return {code}
    return {code, *(code[:i] + code[i + 1 :] for i in range(len(code)))}


def _phonetic_given(feats: tuple[NameFeat, ...]) -> set[str]:
    return {c for f in feats if f.primary for c in [phonetic_key(f.primary.lstrip(_VOWELS))] if c}


def _father_code(f: Features) -> str:
    """The phonetic code of the father's name in the patronymic (Олександрович: lksntr)."""
    if f.patronymic is None:
        return ""
    stem = patronymic_parts(f.patronymic.primary)[0]
    return phonetic_key(stem.lstrip(_VOWELS) or stem) if stem else ""


def _place_codes(f: Features) -> list[str]:
    """The place of birth as gazetteer ids (any spelling), else as its own skeleton."""
    if f.birth_place is None:
        return []
    if f.birth_place.ref.ids:
        # a common village name resolves to many places: the same few ids on both sides
        return [str(i) for i in sorted(f.birth_place.ref.ids)[:_PLACE_IDS]]
    return sorted(f.birth_place.keys)[:1]


_PLACE_IDS = 5


def feature_keys(f: Features) -> frozenset[str]:
    """Blocking keys of a prepared record."""
    given = _given_keys(f.given)
    family = _family_keys(f.family)
    # a swapped record carries the surname in the given field: treat both alike
    fam_as_given = {c for fam in f.family for c in _given_codes(fam.primary)}
    given_as_family = {phonetic_key(g.primary) for g in f.given if g.primary}
    keys: set[str] = set()
    for fams, givs in ((family, given), (given_as_family, fam_as_given)):
        for fam in fams:
            for giv in givs:
                if fam != giv:
                    pair = sorted((fam, giv))
                    keys.add(f"n:{pair[0]}|{pair[1]}")
    # a typo in one name: the other name's code with the typo'd code missing one
    # letter (Маседов/Мамєдов share "mdf"); both role assignments, for swapped names
    pg = _phonetic_given(f.given)
    pf = {c for fam in f.family if fam.primary for c in [phonetic_key(fam.primary.lstrip(_VOWELS))]}
    for fams, givs in ((family, pg), (given_as_family, pf)):
        for fam in fams:
            for giv in givs:
                for d in _deletions(fam):
                    keys.add(f"e:{giv}|{d}")
                for d in _deletions(giv):
                    keys.add(f"g:{d}|{fam}")
    if f.dob is not None:
        year = f.dob.year
        for fam in family:
            keys.add(f"y:{fam}:{year}")
        # a surname changed on adoption: the given name with the year and the father's
        # name, or the year and the place of birth
        father = _father_code(f)
        places = _place_codes(f)
        for giv in given:
            if father:
                keys.add(f"f:{giv}|{father}:{year}")
            for place in places:
                keys.add(f"b:{giv}|{place}:{year}")
        for fams, givs in ((family, given), (given_as_family, fam_as_given)):
            for fam in fams:
                for giv in givs:
                    keys.add(f"p:{giv}:{fam[:2]}:{year}")
    dates = _dates(f)
    for name_code in given | family | fam_as_given | given_as_family:
        for d in dates:
            keys.add(f"d:{name_code}:{d}")
    return frozenset(k[:MAX_KEY_LENGTH] for k in keys)


def blocking_keys(record: Record) -> frozenset[str]:
    """Blocking keys of a record (each at most 64 characters)."""
    return feature_keys(prepare(record))


def key_weight(key: str) -> int:
    """How much sharing this key says about two records (1 to 3, see KEY_WEIGHTS)."""
    return KEY_WEIGHTS[key[0]]
