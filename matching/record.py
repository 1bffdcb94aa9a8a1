"""The record the matcher reads: PFIF-style fields, validated once.

``record_from_mapping`` accepts the JSON field names of the CLI and the app
(``id``, ``given_name``, ``family_name``, ``patronymic``, ``alternate_names``,
``full_name``, ``sex``, ``date_of_birth``, ``age``, ``birth_place``,
``home_city``, ``home_state``, ``home_country``, ``source_date``) plus the aliases
``birth_date`` and ``M``/``F``, and raises :class:`RecordError` naming the field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

__all__ = ["BirthDate", "Record", "RecordError", "parse_birth_date", "record_from_mapping"]

SexValue = Literal["male", "female", "other"]

_SEX = {
    "male": "male", "m": "male", "м": "male", "ч": "male", "man": "male", "boy": "male",
    "female": "female", "f": "female", "ж": "female", "w": "female", "woman": "female",
    "girl": "female", "other": "other",
}  # fmt: skip
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_AGE = re.compile(r"^(\d{1,3})(?:\s*-\s*(\d{1,3}))?$")
_TEXT_FIELDS = (
    "given_name", "family_name", "patronymic", "full_name", "birth_place", "home_city",
    "home_state", "home_country",
)  # fmt: skip


class RecordError(ValueError):
    """A record field that cannot be read; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class BirthDate:
    """A birth date with its precision: year, year-month or full date."""

    year: int
    month: int | None = None
    day: int | None = None
    text: str = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.month is None:
            text = f"{self.year:04d}"
        elif self.day is None:
            text = f"{self.year:04d}-{self.month:02d}"
        else:
            text = f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        object.__setattr__(self, "text", text)  # formatted once: reasons quote it often

    @property
    def precision(self) -> Literal["year", "month", "day"]:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def __str__(self) -> str:
        return self.text


@lru_cache(maxsize=65536)  # a few thousand distinct dates among a million children
def parse_birth_date(value: str, field: str = "date_of_birth") -> BirthDate:
    """Read ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` (or ``DD.MM.YYYY``)."""
    text = value.strip()
    m = _DATE.match(text)
    if m:
        y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    else:
        m2 = _DOTTED.match(text)
        if not m2:
            raise RecordError(field, f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
        y, mo, d = int(m2.group(3)), m2.group(2), m2.group(1)
    month = int(mo) if mo else None
    day = int(d) if d else None
    if month is not None and not 1 <= month <= 12:
        raise RecordError(field, f"month out of range in {value!r}")
    if day is not None:
        try:
            dt.date(y, month or 1, day)
        except ValueError:
            raise RecordError(field, f"no such day: {value!r}") from None
    if not 1850 <= y <= 2200:
        raise RecordError(field, f"year out of range in {value!r}")
    return BirthDate(y, month, day)


@dataclass(frozen=True, slots=True)
class Record:
    """One person record. Every field but ``id`` may be missing."""

    id: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    patronymic: str | None = None
    alternate_names: tuple[str, ...] = ()
    full_name: str | None = None
    sex: SexValue | None = None
    date_of_birth: BirthDate | None = None
    age: tuple[int, int] | None = None
    birth_place: str | None = None
    home_city: str | None = None
    home_state: str | None = None
    home_country: str | None = None
    source_date: dt.date | None = None

    def birth_years(self) -> tuple[int, int] | None:
        """The birth-year range the record allows (from the date, else from age)."""
        if self.date_of_birth is not None:
            return self.date_of_birth.year, self.date_of_birth.year
        if self.age is not None:
            ref = self.source_date or dt.datetime.now(tz=dt.UTC).date()
            return ref.year - self.age[1] - 1, ref.year - self.age[0]
        return None


def _text(m: Mapping[str, Any], field: str) -> str | None:
    v = m.get(field)
    if v is None:
        return None
    if not isinstance(v, str):
        raise RecordError(field, f"expected text, got {type(v).__name__}")
    v = v.strip()
    return v or None


def record_from_mapping(m: Mapping[str, Any]) -> Record:
    """Build a :class:`Record` from a JSON-like mapping; raises :class:`RecordError`."""
    if not isinstance(m, Mapping):
        raise RecordError("record", "expected a JSON object")
    rid = m.get("id")
    if rid is not None and not isinstance(rid, str | int):
        raise RecordError("id", "expected text or a number")
    texts = {f: _text(m, f) for f in _TEXT_FIELDS}

    alt = m.get("alternate_names")
    alternates: tuple[str, ...] = ()
    if alt is not None:
        if isinstance(alt, str):
            alt = [alt]
        if not isinstance(alt, list | tuple) or not all(isinstance(a, str) for a in alt):
            raise RecordError("alternate_names", "expected a list of names")
        alternates = tuple(a.strip() for a in alt if a.strip())

    sex_raw = m.get("sex")
    sex: SexValue | None = None
    if sex_raw is not None and sex_raw != "":
        if not isinstance(sex_raw, str) or sex_raw.strip().lower() not in _SEX:
            raise RecordError("sex", f"expected male, female, other, M or F, got {sex_raw!r}")
        s = _SEX[sex_raw.strip().lower()]
        sex = "male" if s == "male" else "female" if s == "female" else "other"

    dob_field = "date_of_birth" if m.get("date_of_birth") not in (None, "") else "birth_date"
    dob_raw = m.get(dob_field)
    dob = None
    if dob_raw not in (None, ""):
        if not isinstance(dob_raw, str | int):
            raise RecordError(dob_field, "expected a date string")
        dob = parse_birth_date(str(dob_raw), dob_field)

    age_raw = m.get("age")
    age = None
    if age_raw not in (None, ""):
        am = _AGE.match(str(age_raw).strip()) if isinstance(age_raw, str | int) else None
        if not am:
            raise RecordError("age", f"expected N or N-M, got {age_raw!r}")
        lo = int(am.group(1))
        hi = int(am.group(2)) if am.group(2) else lo
        if hi < lo:
            raise RecordError("age", f"range is reversed: {age_raw!r}")
        age = (lo, hi)

    src_raw = m.get("source_date")
    source_date = None
    if src_raw not in (None, ""):
        try:
            source_date = dt.date.fromisoformat(str(src_raw)[:10])
        except ValueError:
            raise RecordError("source_date", f"expected YYYY-MM-DD, got {src_raw!r}") from None

    return Record(
        id=None if rid is None else str(rid),
        given_name=texts["given_name"],
        family_name=texts["family_name"],
        patronymic=texts["patronymic"],
        alternate_names=alternates,
        full_name=texts["full_name"],
        sex=sex,
        date_of_birth=dob,
        age=age,
        birth_place=texts["birth_place"],
        home_city=texts["home_city"],
        home_state=texts["home_state"],
        home_country=texts["home_country"],
        source_date=source_date,
    )
