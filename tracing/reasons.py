"""The matcher's reasons in the reader's language.

``matching`` explains every score with reasons carrying a stable ``code``, the ``params``
its sentence uses and an English ``text``. Codes with a translated sentence here are shown
in the reader's language; any other falls back to the matcher's English text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from tracing.labels import FIELD_LABELS, SEX_LABELS

# code -> sentence with %(left)s, %(right)s, %(label)s and the reason's other params.
REASON_TEMPLATES: dict[str, Any] = {
    "name.same": _l("%(left)s = %(right)s: same %(label)s"),
    "name.romanisation.uk_kmu2010": _l(
        "%(left)s ↔ %(right)s: same name, Ukrainian national romanisation (KMU-2010)"
    ),
    "name.romanisation.ru_icao": _l(
        "%(left)s ↔ %(right)s: same name, Russian passport romanisation (ICAO 9303)"
    ),
    "name.romanisation.other": _l("%(left)s ↔ %(right)s: same name in another spelling or script"),
    "name.variant.uk_ru": _l("%(left)s ↔ %(right)s: Ukrainian and Russian forms of one name"),
    "name.variant.wikidata": _l(
        "%(left)s ↔ %(right)s: forms of one name (diminutive or foreign form, Wikidata %(group)s)"
    ),
    "name.variant_misspelt": _l("%(left)s ↔ %(right)s: forms of one name, one of them misspelt"),
    "name.one_of_names": _l("%(left)s ↔ %(right)s: one of the names agrees"),
    "name.gender_counterpart": _l(
        "%(left)s ≠ %(right)s: male and female forms of a name — different people"
    ),
    "name.different_sex": _l("%(left)s ≠ %(right)s: a male and a female name — different people"),
    "name.different_similar": _l("%(left)s ≠ %(right)s: similar but different names"),
    "name.similar": _l(
        "%(left)s ~ %(right)s: similar spelling (similarity %(similarity)s), maybe a typo"
    ),
    "name.different": _l("%(left)s ≠ %(right)s: different %(label)s"),
    "name.swapped": _l("given and family names are swapped on one side"),
    # any "<field>.missing"
    "missing": _l("%(label)s: missing on one side — no evidence either way"),
    "surname.gender_form": _l("%(left)s ↔ %(right)s: male and female forms of one surname"),
    "surname.uk_ru": _l("%(left)s ↔ %(right)s: Ukrainian and Russian forms of one surname"),
    "surname.one_of_names": _l("%(left)s ↔ %(right)s: one part of a double surname agrees"),
    "patronymic.same": _l("%(left)s = %(right)s: same patronymic"),
    "patronymic.variant": _l(
        "%(left)s ↔ %(right)s: same father's name (Ukrainian/Russian or gender form)"
    ),
    "patronymic.different": _l("%(left)s ≠ %(right)s: different father's name"),
    "date.same": _l("born %(left)s on both records"),
    "date.same_year_only": _l("born %(left)s on both records (year only)"),
    "date.year_only": _l(
        "born %(left)s vs %(right)s: only the year is known on one side, and it agrees"
    ),
    "date.year_off_partial": _l("born %(left)s vs %(right)s: one year apart, partial date"),
    "date.day_month_swapped": _l("born %(left)s vs %(right)s: day and month swapped"),
    "date.day_differs": _l("born %(left)s vs %(right)s: only the day differs"),
    "date.month_differs": _l("born %(left)s vs %(right)s: only the month differs"),
    "date.year_differs": _l("born %(left)s vs %(right)s: only the year differs"),
    "date.reset_to_jan1": _l(
        "born %(left)s vs %(right)s: same year, one date reset to 1 January "
        "(registered without papers)"
    ),
    "date.same_year": _l("born %(left)s vs %(right)s: same year, different day"),
    "date.age_range": _l("birth years %(left)s vs %(right)s from the ages overlap"),
    "date.different": _l("born %(left)s vs %(right)s: different dates of birth"),
    "sex.same": _l("same sex (%(left)s)"),
    "sex.different": _l("different sex (%(left)s vs %(right)s)"),
    "sex.inferred_same": _l("the names imply the same sex (%(left)s)"),
    "sex.inferred_different": _l("the names imply different sexes (%(left)s vs %(right)s)"),
    "place.same": _l("%(left)s = %(right)s: same place"),
    "place.same_gazetteer": _l("%(left)s ↔ %(right)s: same place in the gazetteer"),
    "place.similar": _l("%(left)s ~ %(right)s: similar place names"),
    "place.same_region": _l("%(left)s ↔ %(right)s: different places in the same region"),
    "place.different": _l("%(left)s ≠ %(right)s: different places"),
}


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def _as_mapping(reason: Any) -> Mapping[str, Any]:
    if isinstance(reason, Mapping):
        return reason
    to_dict = getattr(reason, "to_dict", None)  # a matching.Reason
    if callable(to_dict):
        return dict(to_dict())
    raise TypeError(f"not a reason: {reason!r}")


def reason_text(reason: Any) -> str:
    """One reason (a stored dict or a matching.Reason) as a sentence in the current language."""
    data = _as_mapping(reason)
    code = str(data.get("code"))
    template = REASON_TEMPLATES.get("missing" if code.endswith(".missing") else code)
    if template is None:
        return str(data.get("text", ""))
    params = _Params({k: str(v) for k, v in dict(data.get("params") or {}).items()})
    field = str(data.get("field"))
    if field == "sex":  # the values are words of the vocabulary: say them in this language
        for side in ("left", "right"):
            if params.get(side) in SEX_LABELS:
                params[side] = str(SEX_LABELS[params[side]])
    params.setdefault("label", str(FIELD_LABELS.get(field, field)))
    return str(template) % params


__all__ = ["REASON_TEMPLATES", "reason_text"]
