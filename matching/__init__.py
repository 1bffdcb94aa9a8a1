"""Placeholder until the matcher lands (issue 3)."""

from __future__ import annotations


def detect_script(text: str | None) -> str:
    """The writing system of ``text``: cyrillic, latin, mixed or other."""
    has_cyr = has_lat = False
    for ch in text or "":
        if "\u0400" <= ch <= "\u052f":
            has_cyr = True
        elif (ch.isascii() and ch.isalpha()) or "\u00c0" <= ch <= "\u024f":
            has_lat = True
    if has_cyr and has_lat:
        return "mixed"
    return "cyrillic" if has_cyr else "latin" if has_lat else "other"
