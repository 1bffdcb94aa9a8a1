"""Stage 2 — one canonical skeleton that every spelling of a name meets on.

Ukrainian, Russian and Belarusian Cyrillic, and the Latin spellings of the
official tables (KMU-2010, the passport tables, DSTU 9112, BGN/PCGN, ISO 9,
ICAO 9303, MVD, GOST 7.79, scholarly) and of German, French, Polish, Czech and
English usage, are all reduced onto one small alphabet::

    a e i o u   b v g d z x k l m n p r s t f c

where ``g`` stands for г ґ х h g kh (Ukrainian writes г as h, Russian as g),
``x`` for every hushing sibilant ж ш ч щ (zh sh ch tch tsch sch sz cz ž š č),
``c`` for ц (ts tz c), ``i`` for и і ї й ы y j, and ``e`` for е є э ie ye je.
Doubled letters collapse, soft signs and apostrophes vanish.

Latin text is ambiguous (``ch`` is ч in English but х in German and Czech,
``c`` is к in English but ц in Polish, ``j`` is ж in French), so
:func:`skeletons` reads it under a few profiles and returns every distinct
result; Cyrillic has exactly one reading. :func:`skeleton` is the primary one.

Phonetic codes come only after the skeleton (:func:`phonetic_key`).

The module also holds the two national romanisation tables the explanations
name — Ukraine's KMU-2010 and Russia's ICAO 9303 passport table — so that a
spelling can be recognised as "the Ukrainian national romanisation of Григорій".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from itertools import groupby

from matching.normalize import normalize_text

__all__ = [
    "SCHEMES",
    "phonetic_key",
    "romanise",
    "skeleton",
    "skeletons",
    "spelling_scheme",
]

# Cyrillic onto unambiguous Latin digraphs, read by the primary Latin profile.
_CYR = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "je",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "ji", "й": "j", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ъ": "",
    "ы": "y", "э": "e", "ю": "ju", "я": "ja", "ё": "e", "ў": "u", "ј": "j", "'": "",
}  # fmt: skip

# Latin letters with diacritics that stand for a Cyrillic letter in some table.
_LATIN_SPECIAL = {
    "ž": "zh", "š": "sh", "č": "ch", "ŝ": "shch", "ż": "zh", "ź": "z", "ś": "s", "ć": "c",
    "ł": "l", "ń": "n", "ř": "rzh", "ğ": "h", "ǧ": "g", "â": "ja", "û": "ju", "ê": "je",
    "ë": "e", "ä": "ja", "ü": "ju", "ö": "jo", "ï": "i", "ì": "i", "ĭ": "j", "ǐ": "i",
    "ȳ": "y", "ý": "y", "ě": "je", "ß": "ss", "ŭ": "u", "ĕ": "e", "ò": "o", "ó": "o",
    "ñ": "n", "ç": "s", "ą": "a", "ę": "e", "ő": "o", "ű": "u", "æ": "ae", "ø": "o",
    "đ": "d", "ħ": "h", "ı": "i", "ţ": "c", "ț": "c", "ş": "sh", "ș": "sh",
}  # fmt: skip

_BASE = {
    "schtsch": "x", "shtsch": "x", "stsch": "x", "chtch": "x", "shch": "x", "szcz": "x",
    "shh": "x", "tsch": "x", "tsh": "x", "tch": "x", "sch": "x", "sh": "x", "zh": "x",
    "sz": "x", "cz": "x", "kh": "g", "gh": "g", "ph": "f", "ck": "k", "ts": "c", "tz": "c",
    "tc": "c", "ou": "u", "x": "ks", "q": "k", "w": "v",
    "h": "g", "y": "i", "j": "i",
}  # fmt: skip

# Reading profiles: token rules added to (or overriding) the base table; "*" marks
# the context rule for a bare "c".
_PROFILES: dict[str, dict[str, str]] = {
    # English / ICAO / KMU / BGN / passports: ch is ч, c is к before a back vowel.
    "primary": {"ch": "x", "c": "*"},
    # ISO 9, GOST 7.79, scholarly, DSTU 9112: ch/č is ч, x is х, c is always ц.
    "scholarly": {"ch": "x", "c": "c", "ck": "ck", "x": "g"},
    # Polish and Czech: ch is х, c is always ц.
    "central": {"ch": "g", "c": "c", "ck": "ck"},
    # German: ch is х, z and tz are ц, s between letters is з, ss is с.
    "german": {"ch": "g", "c": "c", "z": "c", "cz": "c", "ss": "s", "s": "z", "ck": "k"},
    # French and the 2004 passport table: c is к, j is ж, gu before e/i is г.
    "french": {"ch": "x", "c": "k", "j": "x", "dj": "dx", "tc": "tk", "gue": "ge", "gui": "gi"},
}


def _compile(extra: dict[str, str]) -> tuple[re.Pattern[str], dict[str, str]]:
    table = dict(_BASE)
    table.update(extra)
    keys = sorted(table, key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys)), table


_COMPILED = {name: _compile(extra) for name, extra in _PROFILES.items()}
_VOWELS = frozenset("aeiou")
_NON_LATIN = re.compile(r"[^a-z]")
_IO_AFTER_CONSONANT = re.compile(r"(?<=[bvgdzxklmnprstfc])io")


def _squeeze(s: str) -> str:
    """Doubled letters collapse (Ганна/Hanna/Gana, Kowaltschuk/Kovalchuk)."""
    return "".join(ch for ch, _ in groupby(s))


# DSTU 9112 writes the soft sign as j: "Aljvart" is Альварт.
_SOFT_J = re.compile(r"(?<=[bcdfghklmnprstvz])j(?=[bcdfghklmnprstvz]|$)")


@lru_cache(maxsize=131072)
def _latin_base(word: str) -> str:
    """A normalised word as plain ASCII Latin digraphs (Cyrillic transliterated)."""
    out: list[str] = []
    for ch in word:
        if ch in _CYR:
            out.append(_CYR[ch])
        elif ch in _LATIN_SPECIAL:
            out.append(_LATIN_SPECIAL[ch])
        elif "a" <= ch <= "z":
            out.append(ch)
        else:
            for part in unicodedata.normalize("NFKD", ch):
                if "a" <= part <= "z":
                    out.append(part)
                elif part in _CYR:
                    out.append(_CYR[part])
    return "".join(out)


def _bare_c(text: str, pos: int) -> str:
    nxt = text[pos + 1] if pos + 1 < len(text) else ""
    return "k" if nxt in ("a", "o", "u", "l", "r", "t", "k", "") else "c"


def _apply(latin: str, profile: str) -> str:
    pattern, table = _COMPILED[profile]
    latin = _SOFT_J.sub("", latin)

    def repl(m: re.Match[str]) -> str:
        tok = m.group(0)
        val = table[tok]
        if val == "*":
            return _bare_c(latin, m.start())
        return val

    if profile == "german" and latin.startswith("s") and not latin.startswith("sch"):
        latin = "ſ" + latin[1:]  # a word-initial s stays с in German usage
    s = pattern.sub(repl, latin).replace("ſ", "s")
    if profile == "french" and s.endswith("ine"):
        s = s[:-1]
    s = _squeeze(_NON_LATIN.sub("", s))
    s = _IO_AFTER_CONSONANT.sub("e", s).replace("ie", "e")
    return _squeeze(s)


_PROFILE_NAMES = tuple(_PROFILES)


@lru_cache(maxsize=131072)
def _word_skeletons(word: str) -> tuple[str, ...]:
    """The skeleton of one word under each profile (Cyrillic: primary only)."""
    latin = _latin_base(word)
    if not latin:
        return ()
    primary = _apply(latin, "primary")
    if all(ch in _CYR for ch in word):
        return (primary,) * len(_PROFILE_NAMES)
    return (primary, *(_apply(latin, p) for p in _PROFILE_NAMES[1:]))


@lru_cache(maxsize=131072)
def skeletons(text: str | None) -> tuple[str, ...]:
    """Every distinct skeleton of ``text`` (primary first); words joined by a space.

    Cyrillic text has exactly one. Latin text has one per reading profile whose
    result differs (at most five).
    """
    norm = normalize_text(text)
    if not norm:
        return ()
    per_word = [sk for sk in (_word_skeletons(w) for w in re.split(r"[\s-]+", norm)) if sk]
    if not per_word:
        return ()
    out: list[str] = []
    for i in range(len(_PROFILE_NAMES)):
        sk = " ".join(p[i] for p in per_word)
        if sk not in out:
            out.append(sk)
    return tuple(out)


@lru_cache(maxsize=131072)
def skeleton(text: str | None) -> str:
    """The primary skeleton of ``text`` (``""`` for nothing)."""
    sks = skeletons(text)
    return sks[0] if sks else ""


_VOICING = str.maketrans({"b": "p", "d": "t", "z": "s", "v": "f", "x": "s", "c": "s"})


@lru_cache(maxsize=131072)
def phonetic_key(sk: str) -> str:
    """A coarse code of a skeleton: first letter, then consonants, voicing merged."""
    sk = sk.replace(" ", "")
    if not sk:
        return ""
    head = sk[0]
    rest = "".join(ch for ch in sk[1:] if ch not in _VOWELS).translate(_VOICING)
    return _squeeze(head.translate(_VOICING) + rest)


# --- national romanisation tables, for explanations --------------------------------

# Ukraine, Cabinet of Ministers resolution No. 55 of 27 January 2010 (KMU-2010):
# the second value is used at the start of a word.
_KMU2010: dict[str, tuple[str, str]] = {
    "а": ("a", "a"), "б": ("b", "b"), "в": ("v", "v"), "г": ("h", "h"), "ґ": ("g", "g"),
    "д": ("d", "d"), "е": ("e", "e"), "є": ("ie", "ye"), "ж": ("zh", "zh"), "з": ("z", "z"),
    "и": ("y", "y"), "і": ("i", "i"), "ї": ("i", "yi"), "й": ("i", "y"), "к": ("k", "k"),
    "л": ("l", "l"), "м": ("m", "m"), "н": ("n", "n"), "о": ("o", "o"), "п": ("p", "p"),
    "р": ("r", "r"), "с": ("s", "s"), "т": ("t", "t"), "у": ("u", "u"), "ф": ("f", "f"),
    "х": ("kh", "kh"), "ц": ("ts", "ts"), "ч": ("ch", "ch"), "ш": ("sh", "sh"),
    "щ": ("shch", "shch"), "ь": ("", ""), "ю": ("iu", "yu"), "я": ("ia", "ya"), "'": ("", ""),
}  # fmt: skip

# ICAO Doc 9303 (7th ed.), the table of Russian passports issued since 2014.
_ICAO: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu",
    "я": "ia", "і": "i", "ї": "i", "є": "ie", "ґ": "g", "'": "",
}  # fmt: skip


def _kmu2010(word: str) -> str:
    out: list[str] = []
    at_start = True
    for i, ch in enumerate(word):
        if ch in "- ":
            out.append(ch)
            at_start = True
            continue
        if ch == "г" and i > 0 and word[i - 1] == "з":
            out.append("gh")
        elif ch in _KMU2010:
            out.append(_KMU2010[ch][1 if at_start else 0])
        else:
            out.append(ch)
        at_start = False
    return "".join(out)


def _icao(word: str) -> str:
    return "".join(_ICAO.get(ch, ch) for ch in word)


SCHEMES: dict[str, tuple[str, Callable[[str], str]]] = {
    "uk_kmu2010": ("Ukrainian national romanisation (KMU-2010)", _kmu2010),
    "ru_icao": ("Russian passport romanisation (ICAO 9303)", _icao),
}


def romanise(text: str, scheme: str) -> str:
    """Romanise Cyrillic ``text`` with a national table (``uk_kmu2010`` or ``ru_icao``).

    The result is lower-case; letters outside the table pass through.
    """
    return SCHEMES[scheme][1](normalize_text(text))


def spelling_scheme(latin: str, cyrillic: str) -> str | None:
    """Which national table turns ``cyrillic`` into exactly ``latin``, if any."""
    target = normalize_text(latin).replace("'", "")
    for code, (_label, fn) in SCHEMES.items():
        if fn(normalize_text(cyrillic)) == target:
            return code
    return None
