"""Match suggestions that concern an organisation's records, for the API.

The suggestions themselves come with issue 4 (the matcher and its review); until a
suggestion table exists this answers an empty page in the documented shape. The API
view calls only :func:`suggestions_for_org`, so filling it in changes nothing else.
"""

from __future__ import annotations

from typing import Any

from tracing.models import Organization


def suggestions_for_org(
    org: Organization, *, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Suggestions naming one of ``org``'s records, oldest first, and the next cursor.

    Each item: ``{"id", "record_id", "source_record_id", "score", "band", "status",
    "reasons": [str], "created_at"}`` (see the OpenAPI document's ``Suggestion``).
    """
    del org, cursor, limit
    return [], None
