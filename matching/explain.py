"""Stage 7 — explanation: reasons in plain English, ordered by weight.

Every reason carries a stable ``code`` and the ``params`` its sentence uses,
so the application can render it in Ukrainian or Russian; ``text`` is the
English sentence.  Matching knows no HTML.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from matching.compare import Level
from matching.score import Band, Scored, band_for

__all__ = ["MatchResult", "Reason", "build_result", "reason_codes", "reason_text"]

_FIELD_LABEL = {
    "given_name": "given name",
    "family_name": "family name",
    "patronymic": "patronymic",
    "birth_date": "date of birth",
    "sex": "sex",
    "birth_place": "place of birth",
    "home_city": "last known place",
}

_TEMPLATES: Mapping[str, str] = {
    "name.same": "{left} = {right}: same {label}",
    "name.romanisation.uk_kmu2010": (
        "{left} ↔ {right}: same name, Ukrainian national romanisation (KMU-2010)"
    ),
    "name.romanisation.ru_icao": (
        "{left} ↔ {right}: same name, Russian passport romanisation (ICAO 9303)"
    ),
    "name.romanisation.other": "{left} ↔ {right}: same name in another spelling or script",
    "name.variant.uk_ru": "{left} ↔ {right}: Ukrainian and Russian forms of one name",
    "name.variant.wikidata": (
        "{left} ↔ {right}: forms of one name (diminutive or foreign form, Wikidata {group})"
    ),
    "name.variant_misspelt": "{left} ↔ {right}: forms of one name, one of them misspelt",
    "name.one_of_names": "{left} ↔ {right}: one of the names agrees",
    "name.gender_counterpart": (
        "{left} ≠ {right}: male and female forms of a name — different people"
    ),
    "name.different_sex": "{left} ≠ {right}: a male and a female name — different people",
    "name.different_similar": "{left} ≠ {right}: similar but different names",
    "name.similar": "{left} ~ {right}: similar spelling (similarity {similarity}), maybe a typo",
    "name.different": "{left} ≠ {right}: different {label}",
    "name.swapped": "given and family names are swapped on one side",
    "surname.gender_form": "{left} ↔ {right}: male and female forms of one surname",
    "surname.uk_ru": "{left} ↔ {right}: Ukrainian and Russian forms of one surname",
    "surname.one_of_names": "{left} ↔ {right}: one part of a double surname agrees",
    "patronymic.same": "{left} = {right}: same patronymic",
    "patronymic.variant": "{left} ↔ {right}: same father's name (Ukrainian/Russian or gender form)",
    "patronymic.different": "{left} ≠ {right}: different father's name",
    "date.same": "born {left} on both records",
    "date.same_year_only": "born {left} on both records (year only)",
    "date.year_only": "born {left} vs {right}: only the year is known on one side, and it agrees",
    "date.year_off_partial": "born {left} vs {right}: one year apart, partial date",
    "date.day_month_swapped": "born {left} vs {right}: day and month swapped",
    "date.day_differs": "born {left} vs {right}: only the day differs",
    "date.month_differs": "born {left} vs {right}: only the month differs",
    "date.year_differs": "born {left} vs {right}: only the year differs",
    "date.reset_to_jan1": (
        "born {left} vs {right}: same year, one date reset to 1 January (registered without papers)"
    ),
    "date.same_year": "born {left} vs {right}: same year, different day",
    "date.age_range": "birth years {left} vs {right} from the ages overlap",
    "date.different": "born {left} vs {right}: different dates of birth",
    "sex.same": "same sex ({left})",
    "sex.different": "different sex ({left} vs {right})",
    "sex.inferred_same": "the names imply the same sex ({left})",
    "sex.inferred_different": "the names imply different sexes ({left} vs {right})",
    "place.same": "{left} = {right}: same place",
    "place.same_gazetteer": "{left} ↔ {right}: same place in the gazetteer",
    "place.similar": "{left} ~ {right}: similar place names",
    "place.same_region": "{left} ↔ {right}: different places in the same region",
    "place.different": "{left} ≠ {right}: different places",
}
_MISSING = "{label}: missing on one side — no evidence either way"


@dataclass(frozen=True, slots=True)
class Reason:
    """One piece of evidence: which field, how it compares, what it weighs and why."""

    field: str
    level: Level
    weight: float
    code: str
    params: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def text(self) -> str:
        """The English sentence (made on demand: ranking many pairs never needs it)."""
        return reason_text(self.code, self.params, self.field)

    def to_dict(self) -> dict[str, object]:
        return {
            "field": self.field,
            "level": self.level,
            "weight": round(self.weight, 3),
            "code": self.code,
            "text": self.text,
            "params": self.params,
        }


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The outcome of comparing two records."""

    score: float
    band: Band
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "score": round(self.score, 6),
            "band": self.band.value,
            "reasons": [r.to_dict() for r in self.reasons],
        }


def reason_codes() -> frozenset[str]:
    """Every reason code the matcher can give (an application translates each)."""
    return frozenset(_TEMPLATES)


def reason_text(code: str, params: Mapping[str, str], fld: str) -> str:
    """The English sentence of a reason code."""
    label = _FIELD_LABEL.get(fld, fld.replace("_", " "))
    if code.endswith(".missing"):
        return _MISSING.format(label=label.capitalize())
    template = _TEMPLATES.get(code, "{label}: " + code)
    values = {"label": label, "left": "", "right": "", "similarity": "", "group": "", **params}
    return template.format(**values)


def build_result(scored: Scored) -> MatchResult:
    """Turn weighted comparisons into a :class:`MatchResult` with ordered reasons."""
    reasons = [
        Reason(
            field=c.field,
            level=c.level,
            weight=w,
            code=c.code,
            params=dict(c.params),
        )
        for c, w in scored.comparisons
    ]
    if scored.swapped:
        reasons.append(Reason("name_order", "similar", 0.0, "name.swapped"))
    reasons.sort(key=lambda r: (-abs(r.weight), r.field))
    return MatchResult(scored.probability, band_for(scored.probability), tuple(reasons))
