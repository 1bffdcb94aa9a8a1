"""The app's only door into the pure ``matching`` library."""

from __future__ import annotations

import matching
from tracing.models import PersonRecord, Script


def script_of(text: str | None) -> Script | None:
    """The script a name was typed in, as stored beside the name."""
    if not text or not text.strip():
        return None
    return Script(matching.detect_script(text))


def records_changed(records: list[PersonRecord]) -> None:
    """Call after creating or materially changing records (intake, edit, import).

    Keeps each record's match keys and suggestions in step with it, in the caller's
    transaction. The suggestions work (issue 4) fills this in; callers need not change.
    """
    del records
