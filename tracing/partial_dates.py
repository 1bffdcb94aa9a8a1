"""Dates people actually know: a year, a month and year, or a full date.

Stored as the first day of the known period plus a precision, so they sort and compare
while keeping what was really known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache

from babel import Locale

from tracing.models import DatePrecision


class DateError(ValueError):
    """A date that cannot be understood; ``code`` says why (for a translated message)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class PartialDate:
    value: date
    precision: DatePrecision

    def iso(self) -> str:
        if self.precision is DatePrecision.YEAR:
            return f"{self.value.year:04d}"
        if self.precision is DatePrecision.MONTH:
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return self.value.isoformat()


@cache
def _month_words() -> dict[str, int]:
    """Month names and abbreviations in Ukrainian, Russian and English, from CLDR via Babel.

    Both the stand-alone (березень) and the formatting (березня, марта) forms, so a
    month typed as in a sentence is understood too.
    """
    words: dict[str, int] = {}
    for code in ("uk", "ru", "en"):
        months = Locale.parse(code).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months[context][width].items():
                    words[name.lower().rstrip(".")] = int(number)
    return words


# Only 0-9: str.isdigit() also accepts "²" and other digits int() refuses.
_DIGITS = re.compile(r"[0-9]+")


def parse_month(text: str) -> int:
    text = text.strip().lower().rstrip(".")
    if _DIGITS.fullmatch(text):
        month = int(text)
        if 1 <= month <= 12:
            return month
        raise DateError("month_range")
    words = _month_words()
    if text in words:
        return words[text]
    # A unique prefix of at least three letters ("бере", "sept").
    found = {n for w, n in words.items() if len(text) >= 3 and w.startswith(text)}
    if len(found) == 1:
        return found.pop()
    raise DateError("month_unknown")


def parse_parts(
    day: str, month: str, year: str, *, today: date | None = None
) -> PartialDate | None:
    """Day, month and year boxes as typed; any may be empty except the year if another is set."""
    day, month, year = day.strip(), month.strip(), year.strip()
    if not (day or month or year):
        return None
    if not year:
        raise DateError("year_missing")
    if not re.fullmatch(r"\d{4}", year):
        raise DateError("year_format")
    y = int(year)
    today = today or datetime.now(UTC).date()
    if y < 1900 or y > today.year:
        raise DateError("year_range")
    if not month:
        if day:
            raise DateError("month_missing")
        return PartialDate(date(y, 1, 1), DatePrecision.YEAR)
    m = parse_month(month)
    if not day:
        result = PartialDate(date(y, m, 1), DatePrecision.MONTH)
    else:
        if not _DIGITS.fullmatch(day):
            raise DateError("day_format")
        try:
            result = PartialDate(date(y, m, int(day)), DatePrecision.DAY)
        except ValueError:
            raise DateError("day_range") from None
    if result.value > today:
        raise DateError("future")
    return result


def parse_iso(text: str) -> PartialDate:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text.strip())
    if not match:
        raise DateError("iso_format")
    year, month, day = match.groups()
    return parse_parts(day or "", month or "", year)  # type: ignore[return-value]
