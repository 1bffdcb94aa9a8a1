"""The app's only door into the pure ``matching`` library."""

from __future__ import annotations

import matching
from tracing.models import Script


def script_of(text: str | None) -> Script | None:
    """The script a name was typed in, as stored beside the name."""
    if not text or not text.strip():
        return None
    return Script(matching.detect_script(text))
