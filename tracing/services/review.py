"""Reviewing suggestions: the queue, decisions, four eyes, undo.

A confirmation by one caseworker waits for a second, different caseworker (a peer or a
supervisor, as configured). Only their approval confirms the match. Disagreement sends
the pair back to the queue with both views kept. Optimistic locking (the suggestion's
version) turns two simultaneous decisions into one decision and one conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy.orm.exc import StaleDataError

from tracing.db import db, utcnow
from tracing.models import (
    QUEUE_STATUSES,
    AuditTag,
    Decision,
    MatchProfile,
    Organization,
    PersonRecord,
    RejectReason,
    Role,
    Suggestion,
    SuggestionStatus,
    User,
    Verdict,
)
from tracing.services import lifecycle
from tracing.services.audit import audit
from tracing.services.visibility import matchable, visible_to

UNDO_WINDOW = timedelta(minutes=30)


class ReviewError(ValueError):
    """A decision that is not allowed (wrong state, same reviewer twice, missing reason)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class ConflictError(RuntimeError):
    """Someone else decided first: the suggestion is not as the user last saw it."""


def visible_suggestions(user: User) -> sa.Select[Suggestion]:
    """Suggestions about this user's organisation's records, whose other side they may see.

    Another organisation's record is visible only when its sharing consent allows it and
    that organisation is verified; both records must still be matchable.
    """
    left, right = aliased(PersonRecord), aliased(PersonRecord)
    left_org, right_org = aliased(Organization), aliased(Organization)

    return (
        sa.select(Suggestion)
        .join(left, Suggestion.left_id == left.id)
        .join(right, Suggestion.right_id == right.id)
        .join(left_org, left_org.id == left.org_id)
        .join(right_org, right_org.id == right.org_id)
        .where(
            sa.or_(left.org_id == user.org_id, right.org_id == user.org_id),
            visible_to(user.org_id, left, left_org),
            visible_to(user.org_id, right, right_org),
            # consent withdrawn since the pair was suggested: out of every queue
            matchable(left),
            matchable(right),
        )
    )


# Children first, then the best-scored, then the longest waiting.
_QUEUE_ORDER = (
    Suggestion.is_child.desc(),
    Suggestion.score.desc(),
    Suggestion.waiting_since.asc(),
    Suggestion.id.asc(),
)
_QUEUE_ORDER_REVERSED = (
    Suggestion.is_child.asc(),
    Suggestion.score.asc(),
    Suggestion.waiting_since.desc(),
    Suggestion.id.desc(),
)


@dataclass(frozen=True)
class QueueFilters:
    status: SuggestionStatus | None = None
    band: str | None = None
    children_only: bool = False


def queue(
    user: User, filters: QueueFilters, *, page: int = 1, per_page: int = 50
) -> tuple[list[Suggestion], int]:
    """The review queue: children first, then the best-scored, then the longest waiting."""
    query = visible_suggestions(user)
    statuses = [filters.status] if filters.status in QUEUE_STATUSES else list(QUEUE_STATUSES)
    query = query.where(Suggestion.status.in_(statuses))
    if filters.band in ("match", "review"):
        query = query.where(Suggestion.band == filters.band)
    if filters.children_only:
        query = query.where(Suggestion.is_child.is_(True))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(*_QUEUE_ORDER)
        .options(
            selectinload(Suggestion.left).selectinload(PersonRecord.organization),
            selectinload(Suggestion.right).selectinload(PersonRecord.organization),
        )
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    audit(AuditTag.SUGGESTION_LIST, detail=f"page={page}")
    return list(rows), int(total)


def neighbours(user: User, suggestion: Suggestion) -> tuple[int | None, int | None]:
    """The pairs before and after this one in the user's queue (keyboard review's previous
    and next): two keyset lookups in queue order, never a walk through the queue."""
    s = suggestion
    before = sa.or_(  # ahead in the queue: a child, a higher score, waiting longer, older id
        sa.false() if s.is_child else Suggestion.is_child == sa.true(),
        sa.and_(Suggestion.is_child == s.is_child, Suggestion.score > s.score),
        sa.and_(
            Suggestion.is_child == s.is_child,
            Suggestion.score == s.score,
            sa.or_(
                Suggestion.waiting_since < s.waiting_since,
                sa.and_(Suggestion.waiting_since == s.waiting_since, Suggestion.id < s.id),
            ),
        ),
    )
    waiting = (
        visible_suggestions(user)
        .where(Suggestion.status.in_(QUEUE_STATUSES), Suggestion.id != s.id)
        .with_only_columns(Suggestion.id)
        .limit(1)
    )
    previous = db.session.scalar(waiting.where(before).order_by(*_QUEUE_ORDER_REVERSED))
    following = db.session.scalar(waiting.where(sa.not_(before)).order_by(*_QUEUE_ORDER))
    return previous, following


def get_suggestion(user: User, suggestion_id: int) -> Suggestion | None:
    return db.session.scalars(
        visible_suggestions(user)
        .where(Suggestion.id == suggestion_id)
        .options(
            selectinload(Suggestion.left).selectinload(PersonRecord.alternate_names),
            selectinload(Suggestion.right).selectinload(PersonRecord.alternate_names),
            selectinload(Suggestion.decisions),
        )
    ).first()


def view_suggestion(user: User, suggestion_id: int) -> Suggestion | None:
    """Fetch a suggestion for the comparison page: a view of both records, audited."""
    suggestion = get_suggestion(user, suggestion_id)
    if suggestion is not None:
        audit(AuditTag.SUGGESTION_VIEW, suggestion)
        audit(AuditTag.RECORD_VIEW, suggestion.left, detail=f"suggestion={suggestion.id}")
        audit(AuditTag.RECORD_VIEW, suggestion.right, detail=f"suggestion={suggestion.id}")
    return suggestion


def first_confirmation(suggestion: Suggestion) -> Decision | None:
    """The confirmation now awaiting a second review, if any."""
    if suggestion.status is not SuggestionStatus.AWAITING_SECOND:
        return None
    confirms = [d for d in suggestion.decisions if d.verdict is Verdict.CONFIRM]
    return confirms[-1] if confirms else None


def may_approve(user: User, suggestion: Suggestion, second_reviewer: str) -> bool:
    first = first_confirmation(suggestion)
    if first is None or first.user_id == user.id:
        return False
    return second_reviewer == "peer" or user.role in (Role.SUPERVISOR, Role.ORG_ADMIN, Role.ADMIN)


def _allowed(status: SuggestionStatus) -> set[Verdict]:
    if status in (SuggestionStatus.OPEN, SuggestionStatus.UNSURE, SuggestionStatus.DISPUTED):
        return {Verdict.CONFIRM, Verdict.REJECT, Verdict.UNSURE}
    if status is SuggestionStatus.AWAITING_SECOND:
        return {Verdict.APPROVE, Verdict.DISAGREE}
    return set()


_RESULT = {
    Verdict.CONFIRM: SuggestionStatus.AWAITING_SECOND,
    Verdict.REJECT: SuggestionStatus.REJECTED,
    Verdict.UNSURE: SuggestionStatus.UNSURE,
    Verdict.APPROVE: SuggestionStatus.CONFIRMED,
    Verdict.DISAGREE: SuggestionStatus.DISPUTED,
}


def decide(
    user: User,
    suggestion: Suggestion,
    verdict: Verdict,
    *,
    seen_version: int,
    reason: RejectReason | None = None,
    note: str | None = None,
    second_reviewer: str = "peer",
) -> Decision:
    """Record one caseworker's decision; raises ConflictError if someone decided first."""
    if suggestion.version != seen_version:
        raise ConflictError
    if verdict not in _allowed(suggestion.status):
        raise ReviewError("not_allowed")
    if verdict is Verdict.REJECT and reason is None:
        raise ReviewError("reason_needed")
    if verdict in (Verdict.APPROVE, Verdict.DISAGREE) and not may_approve(
        user, suggestion, second_reviewer
    ):
        raise ReviewError("second_reviewer")
    decision = Decision(
        suggestion_id=suggestion.id,
        user_id=user.id,
        verdict=verdict,
        reason=reason if verdict is Verdict.REJECT else None,
        note=(note or "").strip() or None,
        previous_status=suggestion.status,
    )
    db.session.add(decision)
    suggestion.status = _RESULT[verdict]
    try:
        db.session.flush()  # the version check: UPDATE ... WHERE version = seen_version
    except StaleDataError:
        raise ConflictError from None
    audit(AuditTag.SUGGESTION_DECIDE, suggestion, detail=verdict.value)
    if verdict is Verdict.APPROVE:
        from tracing.services.linking import link_as_one_person

        group = link_as_one_person(suggestion.left, suggestion.right)
        lifecycle.after_confirmation(suggestion, user, group)
    elif verdict is Verdict.REJECT:
        lifecycle.after_rejection(suggestion, user)
    return decision


def undo(user: User, suggestion: Suggestion, *, seen_version: int, note: str) -> Decision:
    """Take back one's own recent decision (not a final approval), with a reason."""
    if suggestion.version != seen_version:
        raise ConflictError
    last = suggestion.decisions[-1] if suggestion.decisions else None
    if (
        last is None
        or last.user_id != user.id
        or last.verdict in (Verdict.APPROVE, Verdict.UNDO)
        or utcnow() - last.created_at > UNDO_WINDOW
    ):
        raise ReviewError("undo_not_allowed")
    if not note.strip():
        raise ReviewError("reason_needed")
    decision = Decision(
        suggestion_id=suggestion.id,
        user_id=user.id,
        verdict=Verdict.UNDO,
        note=note.strip(),
        previous_status=suggestion.status,
    )
    db.session.add(decision)
    suggestion.status = last.previous_status
    try:
        db.session.flush()
    except StaleDataError:
        raise ConflictError from None
    audit(AuditTag.SUGGESTION_DECIDE, suggestion, detail="undo")
    return decision


def can_undo(user: User, suggestion: Suggestion) -> bool:
    last = suggestion.decisions[-1] if suggestion.decisions else None
    return (
        last is not None
        and last.user_id == user.id
        and last.verdict not in (Verdict.APPROVE, Verdict.UNDO)
        and utcnow() - last.created_at <= UNDO_WINDOW
    )


def confirmed_elsewhere(suggestion: Suggestion) -> bool:
    """Either record is already confirmed as someone else (the banner on the page)."""
    ids = (suggestion.left_id, suggestion.right_id)
    groups = db.session.execute(
        sa.select(MatchProfile.record_id, MatchProfile.group_id).where(
            MatchProfile.record_id.in_(ids)
        )
    ).all()
    group_of = {row.record_id: row.group_id for row in groups}
    if group_of.get(ids[0]) is not None and group_of.get(ids[0]) == group_of.get(ids[1]):
        return False
    other = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Suggestion)
        .where(
            Suggestion.id != suggestion.id,
            Suggestion.status == SuggestionStatus.CONFIRMED,
            sa.or_(Suggestion.left_id.in_(ids), Suggestion.right_id.in_(ids)),
        )
    )
    return bool(other)
