"""Stage 1 — text normalisation, script detection and a language hint.

Everything here is cheap, pure and cached: NFKC, case folding, one apostrophe,
no stress marks, hyphens and spaces tidied, and Latin look-alike letters inside
Cyrillic words (``Софiя`` with a Latin ``i``) turned back into Cyrillic.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

__all__ = [
    "Script",
    "detect_script",
    "fold_homoglyphs",
    "language_hint",
    "normalize_text",
    "tokens",
]

Script = Literal["cyrillic", "latin", "mixed", "other"]

# Every apostrophe-like mark people type inside Ukrainian names (Дар'я, Мар’яна,
# Ruzh`ytska, Ilʹin) becomes the plain ASCII apostrophe.
_APOSTROPHES = "'’‘ʼʹ`′´ʻ\u02bd\u02c8\u2032\u055a\ua78c\uff07"
_APOS_TABLE = str.maketrans(dict.fromkeys(_APOSTROPHES, "'"))
# Combining marks that only carry stress or tie bars (А́нна, I͡A) — dropped.
_DROP_MARKS = {
    "\u0301",
    "\u0300",
    "\u0341",
    "\u0340",
    "\u0361",
    "\u0360",
    "\u035c",
    "\ufe20",
    "\ufe21",
}
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00ad"
_DASH_TABLE = str.maketrans(dict.fromkeys(_DASHES, "-"))

# Latin letters that look like Cyrillic ones; used only inside words that are
# mostly Cyrillic.
_LATIN_TO_CYRILLIC = str.maketrans(
    {
        "a": "а",
        "c": "с",
        "e": "е",
        "i": "і",
        "o": "о",
        "p": "р",
        "x": "х",
        "y": "у",
        "k": "к",
        "m": "м",
        "h": "н",
        "t": "т",
        "b": "в",
        "j": "ј",
    }
)
_CYRILLIC_TO_LATIN = str.maketrans(
    {
        "а": "a",
        "с": "c",
        "е": "e",
        "і": "i",
        "о": "o",
        "р": "p",
        "х": "x",
        "у": "y",
        "к": "k",
        "м": "m",
        "т": "t",
        "в": "b",
        "ј": "j",
    }
)

_UK_ONLY = frozenset("іїєґ")
_RU_ONLY = frozenset("ыэъё")
_SPACES = re.compile(r"\s+")
_SPLIT = re.compile(r"[\s,;/]+")


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff" or "\u0500" <= ch <= "\u052f"


def _is_latin(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ("\u00c0" <= ch <= "\u024f" and ch.isalpha())


@lru_cache(maxsize=65536)
def detect_script(text: str | None) -> Script:
    """The script of ``text``: ``cyrillic``, ``latin``, ``mixed`` or ``other``.

    Combining marks, digits, spaces and punctuation do not count. ``None`` or a
    string without letters is ``other``.
    """
    if not text:
        return "other"
    cyr = lat = oth = 0
    for ch in text:
        if not ch.isalpha():
            continue
        if _is_cyrillic(ch):
            cyr += 1
        elif _is_latin(ch):
            lat += 1
        else:
            oth += 1
    if oth and not (cyr or lat):
        return "other"
    if cyr and lat:
        return "mixed"
    if cyr:
        return "cyrillic"
    if lat:
        return "latin"
    return "other"


def language_hint(text: str | None) -> Literal["uk", "ru", "be", "unknown"]:
    """A hint of the Cyrillic language: і ї є ґ say Ukrainian, ы э ъ ё say Russian.

    ``ў`` with ``і`` says Belarusian. Latin or undecidable text gives ``unknown``.
    """
    if not text:
        return "unknown"
    low = set(text.lower())
    if "ў" in low:
        return "be"
    uk = bool(low & _UK_ONLY)
    ru = bool(low & _RU_ONLY)
    if uk and not ru:
        return "uk"
    if ru and not uk:
        return "ru"
    if uk and ru:
        return "uk" if "ї" in low or "є" in low else "ru"
    return "unknown"


def fold_homoglyphs(word: str) -> str:
    """Turn stray look-alike letters into the word's majority script.

    ``Софiя`` (Latin i) becomes ``софія``; ``Dmитрий`` stays mixed only if no
    script has a clear majority. Works on one lower-cased word.
    """
    cyr = sum(1 for ch in word if _is_cyrillic(ch))
    lat = sum(1 for ch in word if _is_latin(ch))
    if cyr and lat:
        if cyr >= lat:
            return word.translate(_LATIN_TO_CYRILLIC)
        return word.translate(_CYRILLIC_TO_LATIN)
    return word


@lru_cache(maxsize=131072)
def normalize_text(text: str | None) -> str:
    """NFKC, case fold, one apostrophe, no stress marks, single spaces, fixed homoglyphs.

    Latin diacritics are kept here (the transliteration stage reads them);
    hyphens are kept between letters, other punctuation becomes a space.
    """
    if not text:
        return ""
    s = unicodedata.normalize("NFKC", text).translate(_APOS_TABLE).translate(_DASH_TABLE)
    s = s.casefold()
    if any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", s)):
        decomposed = unicodedata.normalize("NFD", s)
        s = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _DROP_MARKS))
    out = []
    for ch in s:
        if ch.isalpha() or ch in "'-" or unicodedata.combining(ch):
            out.append(ch)
        else:
            out.append(" ")
    s = "".join(out)
    s = re.sub(r"\s*-\s*", "-", s).strip("-' ")
    s = _SPACES.sub(" ", s).strip()
    words = [fold_homoglyphs(w) for w in s.split(" ")]
    return " ".join(w.strip("'") for w in words if w.strip("'-"))


def tokens(text: str | None) -> tuple[str, ...]:
    """The words of a normalised name; hyphenated parts stay one token."""
    norm = normalize_text(text)
    return tuple(t for t in _SPLIT.split(norm) if t)
