"""The matcher's reasons in the reader's language.

``matching`` explains every score with reasons carrying a stable ``code``, the ``params``
its sentence uses and an English ``text``. Codes with a translated sentence here are shown
in the reader's language; any other falls back to the matcher's English text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from tracing.labels import FIELD_LABELS

# code -> sentence with %(left)s, %(right)s, %(label)s and the reason's other params.
REASON_TEMPLATES: dict[str, Any] = {}


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def _as_mapping(reason: Any) -> Mapping[str, Any]:
    if isinstance(reason, Mapping):
        return reason
    if dataclasses.is_dataclass(reason) and not isinstance(reason, type):
        return dataclasses.asdict(reason)
    raise TypeError(f"not a reason: {reason!r}")


def reason_text(reason: Any) -> str:
    """One reason (a stored dict or a matching.Reason) as a sentence in the current language."""
    data = _as_mapping(reason)
    template = REASON_TEMPLATES.get(str(data.get("code")))
    if template is None:
        return str(data.get("text", ""))
    params = _Params({k: str(v) for k, v in dict(data.get("params") or {}).items()})
    field = str(data.get("field"))
    params.setdefault("label", str(FIELD_LABELS.get(field, field)))
    return str(template) % params


__all__ = ["REASON_TEMPLATES", "reason_text"]
