"""From uploaded bytes to text, refusing what would be read wrongly.

Accepted: UTF-8 with or without a byte-order mark, and Windows-1251 (what Excel saves as
"CSV" on a Ukrainian or Russian Windows). The rule for Windows-1251 is deliberately simple
and explainable instead of a statistical guess: the bytes are not valid UTF-8, they decode
as Windows-1251, every non-ASCII character is then Cyrillic or common typography, and no
word mixes Cyrillic and Latin letters. A Latin-1 "Müller" decodes as "Mьller" and is
refused, which a frequency-based detector on a short file cannot promise.
"""

from __future__ import annotations

import re
from typing import Any

UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
# Typography a Windows-1251 file may hold besides Cyrillic letters.
_CP1251_PUNCTUATION = frozenset("\u00a0«»—–‘’‚“”„…№§©®°±·•€™¦¤µ¶†‡‰‹›")
_MIXED_WORD = re.compile(r"[a-zA-Z][\u0400-\u04ff]|[\u0400-\u04ff][a-zA-Z]")


class FileRejected(ValueError):
    """The whole file cannot be read; ``code`` and ``params`` say why (for a message)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def check_bytes(data: bytes, *, max_bytes: int) -> None:
    """Size, emptiness and NUL bytes: the checks every format shares."""
    if len(data) > max_bytes:
        raise FileRejected("too_large", limit=max_bytes)
    if not data.strip(UTF8_BOM + b" \t\r\n"):
        raise FileRejected("empty_file")
    if data.startswith(_UTF16_32_BOMS):
        raise FileRejected("bad_encoding", line=1)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise FileRejected("nul_bytes", line=line_of(data, nul))


def _plausible_cp1251(text: str) -> bool:
    for char in text:
        if ord(char) < 128:
            continue
        if not ("\u0400" <= char <= "\u04ff" or char in _CP1251_PUNCTUATION):
            return False
    return _MIXED_WORD.search(text) is None


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read in; FileRejected when neither fits."""
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
        try:
            return data.decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise FileRejected("bad_encoding", line=line_of(data, exc.start)) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        text = ""
    if text and _plausible_cp1251(text):
        return text, "windows-1251"
    raise FileRejected("bad_encoding", line=line_of(data, first_bad))


def check_line_lengths(text: str, *, max_chars: int) -> None:
    start = 0
    number = 1
    while True:
        end = text.find("\n", start)
        length = (len(text) if end < 0 else end) - start
        if length > max_chars:
            raise FileRejected("line_too_long", line=number, limit=max_chars)
        if end < 0:
            return
        start = end + 1
        number += 1
