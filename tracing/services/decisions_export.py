"""Caseworkers' settled decisions as labelled pairs, to measure the matcher against."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from tracing.db import db
from tracing.models import MatchProfile, Suggestion, SuggestionStatus


def labelled_pairs() -> Iterator[dict[str, Any]]:
    """Confirmed pairs (label 1) and rejected pairs with their coded reason (label 0)."""
    left, right = aliased(MatchProfile), aliased(MatchProfile)
    rows = db.session.execute(
        sa.select(Suggestion, left.profile, right.profile)
        .join(left, left.record_id == Suggestion.left_id)
        .join(right, right.record_id == Suggestion.right_id)
        .where(Suggestion.status.in_([SuggestionStatus.CONFIRMED, SuggestionStatus.REJECTED]))
        .order_by(Suggestion.id)
    )
    for suggestion, left_profile, right_profile in rows:
        confirmed = suggestion.status is SuggestionStatus.CONFIRMED
        reasons = [d.reason.value for d in suggestion.decisions if d.reason is not None]
        yield {
            "left": left_profile,
            "right": right_profile,
            "label": 1 if confirmed else 0,
            "reason": None if confirmed else (reasons[-1] if reasons else None),
            "matcher_score": suggestion.score,
            "matcher_version": suggestion.matcher_version,
        }
