"""Stage 3 — name knowledge: equivalence of given names, patronymics and surname forms.

The tables in ``matching/data`` (see ``PROVENANCE.json``) are keyed by skeleton
(:mod:`matching.translit`), so any spelling of a name finds its knowledge:

* given-name groups — Ukrainian and Russian forms of one name (names-translator)
  and Wikidata name groups with diminutives and foreign forms (rigour);
* the grammatical gender of given names (pymorphy3 dictionaries);
* patronymic pairs (names-translator) and the suffix grammar of patronymics;
* Ukrainian/Russian surname pairs (names-translator), surname gender forms by
  suffix (-ов/-ова, -ський/-ська, -ин/-ина; -енко, -ук, -ич do not change) and a
  surname frequency table (names-dataset ranks) for term-frequency weighting.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Literal

from matching.translit import skeleton, skeletons

__all__ = [
    "GivenNameTable",
    "Sex",
    "gender_counterpart",
    "given_forms",
    "given_gender",
    "given_groups",
    "is_common_given",
    "is_known_given",
    "load_table",
    "patronymic_parts",
    "patronymic_variants",
    "surname_frequency",
    "surname_groups",
    "surname_masculine",
    "surname_variants",
]

Sex = Literal["male", "female"]


@cache
def load_table(name: str) -> Any:
    """Load one gzip-compressed JSON table shipped in ``matching/data``."""
    ref = resources.files("matching") / "data" / name
    with ref.open("rb") as raw, gzip.open(raw) as fh:
        return json.load(fh)


@dataclass(frozen=True, slots=True)
class GivenNameTable:
    """Skeleton → group ids, group sources and members, genders and the vocabulary.

    ``vocabulary`` holds the names people are commonly given (names-translator's
    forms and every gendered name); Wikidata group members add rarer spellings.
    """

    groups: Mapping[str, frozenset[int]]
    sources: tuple[str, ...]
    members: tuple[frozenset[str], ...]
    gender: Mapping[str, str]
    vocabulary: frozenset[str]


@cache
def _given() -> GivenNameTable:
    data = load_table("given_names.json.gz")
    groups: dict[str, set[int]] = {}
    sources: list[str] = []
    members: list[frozenset[str]] = []
    for gid, (source, group) in enumerate(data["groups"]):
        sources.append(source)
        members.append(frozenset(group))
        for sk in group:
            groups.setdefault(sk, set()).add(gid)
    return GivenNameTable(
        groups={k: frozenset(v) for k, v in groups.items()},
        sources=tuple(sources),
        members=tuple(members),
        gender=dict(data["gender"]),
        vocabulary=frozenset(data["vocabulary"]) | frozenset(data["gender"]),
    )


def _flat(sk: str) -> str:
    return sk.replace(" ", "")


@lru_cache(maxsize=65536)
def given_groups(sk: str) -> frozenset[int]:
    """Ids of the name groups a given-name skeleton belongs to."""
    return _given().groups.get(_flat(sk), frozenset())


def group_source(gid: int) -> str:
    """``uk_ru`` (names-translator) or ``wikidata:Q…`` (rigour) for a group id."""
    return _given().sources[gid]


@lru_cache(maxsize=65536)
def given_gender(sk: str) -> Literal["m", "f", "u"] | None:
    """Grammatical gender of a given name: ``m``, ``f``, ``u`` (either) or ``None``."""
    g = _given().gender.get(_flat(sk))
    if g == "m":
        return "m"
    if g == "f":
        return "f"
    return "u" if g == "u" else None


def is_known_given(sk: str) -> bool:
    """Whether the skeleton is a given name the tables know (any source)."""
    flat = _flat(sk)
    table = _given()
    return flat in table.vocabulary or flat in table.groups


def is_common_given(sk: str) -> bool:
    """Whether the skeleton is a commonly given name, not only a rare Wikidata spelling.

    Two common names that look alike (Олена/Олеся, Лина/Лира) are evidence of two
    people; a look-alike that is not a common name is more likely a typo.
    """
    return _flat(sk) in _given().vocabulary


def given_forms(gids: frozenset[int]) -> frozenset[str]:
    """Every skeleton of the given name groups ``gids`` (their members, united)."""
    members = _given().members
    out: set[str] = set()
    for gid in gids:
        out |= members[gid]
    return frozenset(out)


_FEM_ENDINGS = ("a", "ia", "na", "ina")


def gender_counterpart(a: str, b: str) -> bool:
    """Brother/sister names: Олександр/Олександра, Іван/Іванна, Євген/Євгенія, Алі/Аліна.

    True when one skeleton is the other plus a feminine ending (or the
    masculine ``-i`` of Валерій/Анастасій turned into ``-ia``), the shorter one is
    a name the tables know as masculine (so a typo such as Ольг for Ольга, or
    Викторияя for Виктория, is not taken for a brother's name), and the two do
    not share a name group.
    """
    a, b = _flat(a), _flat(b)
    if not a or not b or a == b:
        return False
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    if len(short) < 2 or given_gender(short) not in ("m", "u") or given_gender(long_) == "m":
        return False
    hit = any(long_ == short + end for end in _FEM_ENDINGS)
    if not hit and short.endswith("i"):
        hit = long_ in (short + "a", short[:-1] + "ia", short[:-1] + "a")
    if not hit and short.endswith("o"):
        hit = long_ == short[:-1] + "a"
    if not hit:
        hit = (
            given_gender(short) == "m"
            and given_gender(long_) == "f"
            and long_.startswith(short[:-1])
            and len(long_) - len(short) <= 2
        )
    return hit and not (given_groups(a) & given_groups(b))


# ----------------------------------------------------------------- patronymics
_PATRONYMIC = re.compile(
    r"^(?P<stem>.+?)(?P<suf>ovix|evix|iovix|eevix|ovna|evna|ivna|iivna|ix|ixna|ovix|ovic|evic|ovici)$"
)
_MALE_SUF = frozenset({"ovix", "evix", "iovix", "eevix", "ix", "ovic", "evic", "ovici"})


@lru_cache(maxsize=65536)
def patronymic_parts(sk: str) -> tuple[str, Sex | None]:
    """(father's-name stem, sex) of a patronymic skeleton; ``("", None)`` if not one."""
    flat = _flat(sk)
    m = _PATRONYMIC.match(flat)
    if not m or len(m.group("stem")) < 2:
        return "", None
    sex: Sex = "male" if m.group("suf") in _MALE_SUF else "female"
    return m.group("stem"), sex


@cache
def _patronymic_groups() -> Mapping[str, frozenset[int]]:
    out: dict[str, set[int]] = {}
    for gid, members in enumerate(load_table("patronymics.json.gz")["groups"]):
        for sk in members:
            out.setdefault(sk, set()).add(gid)
    return {k: frozenset(v) for k, v in out.items()}


def patronymic_variants(a: str, b: str) -> bool:
    """Whether two patronymic skeletons are Ukrainian/Russian forms of one patronymic."""
    groups = _patronymic_groups()
    ga = groups.get(_flat(a), frozenset())
    return bool(ga and ga & groups.get(_flat(b), frozenset()))


# ----------------------------------------------------------------- surnames
@cache
def _surnames() -> tuple[Mapping[str, frozenset[int]], Mapping[str, int]]:
    data = load_table("surnames.json.gz")
    out: dict[str, set[int]] = {}
    for gid, members in enumerate(data["groups"]):
        for sk in members:
            out.setdefault(sk, set()).add(gid)
    return {k: frozenset(v) for k, v in out.items()}, dict(data["ru_rank"])


_SURNAME_ADJ_FEM = re.compile(r"(sk|ck|zk)(aia|a)$")
_SURNAME_POSS_FEM = re.compile(r"(ov|ev|in|en|on)a$")
_SURNAME_MASC = re.compile(r"(ov|ev|in|ski|cki|zki|ii|oi|en|on)$")


@lru_cache(maxsize=65536)
def surname_masculine(sk: str) -> tuple[str, Sex | None]:
    """(masculine form, sex the form implies) of a surname skeleton.

    Ковальова → (kovalov, female); Ковальський/Ковальська → kovalski;
    -енко, -ук, -ич and the like give (same, None).
    """
    flat = _flat(sk)
    if len(flat) > 4:
        m = _SURNAME_ADJ_FEM.search(flat)
        if m:
            return flat[: m.start()] + m.group(1) + "i", "female"
        if _SURNAME_POSS_FEM.search(flat):
            return flat[:-1], "female"
        if flat.endswith("aia"):
            return flat[:-3] + "ii", "female"
    if len(flat) > 3 and _SURNAME_MASC.search(flat):
        return flat, "male"
    return flat, None


@lru_cache(maxsize=65536)
def surname_groups(sk: str) -> frozenset[int]:
    """Ids of the Ukrainian/Russian surname pairs a surname skeleton belongs to."""
    groups, _ = _surnames()
    return groups.get(_flat(sk), frozenset())


def surname_variants(a: str, b: str) -> bool:
    """Whether two surname skeletons are Ukrainian/Russian forms of one surname."""
    return bool(surname_groups(a) & surname_groups(b))


# Share of the population carrying a surname of a given rank (Zipf, s=1) and the
# share assumed for a surname the table does not rank.
_ZIPF_NORM = 14.0
UNRANKED_SHARE = 1.0 / (25000 * _ZIPF_NORM)


def surname_frequency(sk: str, counts: Mapping[str, float] | None = None) -> float:
    """Estimated share of people with this surname (term frequency).

    ``counts`` — optional caller frequencies keyed by surname skeleton (for
    example counts from the application's database), as shares in (0, 1] or as
    raw counts together with the key ``"__total__"``.
    """
    flat = _flat(surname_masculine(sk)[0])
    if counts:
        total = counts.get("__total__")
        c = counts.get(flat, counts.get(_flat(sk)))
        if c is not None:
            return max(UNRANKED_SHARE, c / total if total else c)
    _, ranks = _surnames()
    rank = ranks.get(_flat(sk)) or ranks.get(flat)
    if rank is None:
        return UNRANKED_SHARE
    return 1.0 / (rank * _ZIPF_NORM)


def all_skeletons(text: str | None) -> frozenset[str]:
    """Every skeleton reading of ``text`` with spaces removed."""
    return frozenset(_flat(s) for s in skeletons(text))


def primary(text: str | None) -> str:
    return _flat(skeleton(text))
