"""Two simple baselines run beside the matcher (own implementations).

Both use the common naive record scorer of the development set's baselines:
0.60 × name + 0.25 × birth date + 0.10 × place + 0.05 × sex.  ``unidecode`` is
a dev dependency, imported lazily.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

__all__ = ["BASELINES", "Baseline"]


def _ascii(s: str | None) -> str:
    from unidecode import unidecode

    return re.sub(r"[^a-z ]+", "", unidecode(s or "").lower()).strip()


def _dob(a: str | None, b: str | None) -> float:
    if not a or not b:
        return 0.5
    if a == b:
        return 1.0
    if a[:4] != b[:4]:
        return 0.6 if a[4:] == b[4:] and abs(int(a[:4]) - int(b[:4])) == 1 else 0.0
    if len(a) == 10 and len(b) == 10 and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return 0.8
    return 0.6 if len(a) == 4 or len(b) == 4 else 0.1


class Baseline:
    """A name similarity on unidecoded text inside the naive record scorer."""

    def __init__(self, name: str, part: Callable[[str, str], float]) -> None:
        self.name = name
        self.part = part

    def score_name(self, a: str, b: str) -> float:
        return self.part(_ascii(a), _ascii(b))

    def score(self, a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
        ga, fa = _ascii(a.get("given_name")), _ascii(a.get("family_name"))
        gb, fb = _ascii(b.get("given_name")), _ascii(b.get("family_name"))
        straight = 0.5 * (self.part(ga, gb) + self.part(fa, fb))
        swapped = 0.5 * (self.part(ga, fb) + self.part(fa, gb))
        name = max(straight, swapped)
        pa, pb = _ascii(a.get("birth_place")), _ascii(b.get("birth_place"))
        place = fuzz.ratio(pa, pb) / 100 if pa and pb else 0.5
        sa, sb = a.get("sex"), b.get("sex")
        sex = 0.5 if not sa or not sb else float(sa == sb)
        return (
            0.6 * name
            + 0.25 * _dob(a.get("birth_date"), b.get("birth_date"))
            + 0.1 * place
            + 0.05 * sex
        )


def _wratio(x: str, y: str) -> float:
    return fuzz.WRatio(x, y) / 100 if x and y else 0.0


def _jw_metaphone(x: str, y: str) -> float:
    import jellyfish

    x, y = x.replace(" ", ""), y.replace(" ", "")
    if not x or not y:
        return 0.0
    same = jellyfish.metaphone(x) == jellyfish.metaphone(y)
    return 0.7 * JaroWinkler.similarity(x, y) + 0.3 * float(same)


BASELINES = (
    Baseline("unidecode + rapidfuzz WRatio", _wratio),
    Baseline("unidecode + jellyfish JW + metaphone", _jw_metaphone),
)
