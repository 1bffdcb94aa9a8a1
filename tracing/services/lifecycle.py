"""The case lifecycle: reported → under review → match suggested → match confirmed →
contact established → reunified, or closed with a reason. Every step goes on the timeline."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import sqlalchemy as sa

from tracing.db import db, utcnow
from tracing.models import (
    QUEUE_STATUSES,
    AuditTag,
    CaseEvent,
    CaseStage,
    ClosedReason,
    EventKind,
    PersonRecord,
    RecordKind,
    Suggestion,
    User,
)
from tracing.services.audit import audit


class StageError(ValueError):
    """A stage change the lifecycle does not allow."""


# Changes a caseworker may make by hand; the others follow from suggestions and decisions.
MANUAL_STEPS: dict[CaseStage, set[CaseStage]] = {
    CaseStage.REPORTED: {CaseStage.UNDER_REVIEW},
    CaseStage.UNDER_REVIEW: set(),
    CaseStage.MATCH_SUGGESTED: {CaseStage.UNDER_REVIEW},
    CaseStage.MATCH_CONFIRMED: {CaseStage.CONTACT_ESTABLISHED},
    CaseStage.CONTACT_ESTABLISHED: {CaseStage.REUNIFIED},
    CaseStage.REUNIFIED: set(),
    CaseStage.CLOSED: {CaseStage.UNDER_REVIEW},  # reopen
}
FINAL = {CaseStage.REUNIFIED, CaseStage.CLOSED}


def next_manual_stages(record: PersonRecord) -> list[CaseStage]:
    steps = sorted(MANUAL_STEPS[record.case_stage], key=list(CaseStage).index)
    if record.case_stage not in FINAL:
        steps.append(CaseStage.CLOSED)
    return steps


def _record_stage(
    record: PersonRecord,
    stage: CaseStage,
    *,
    user: User | None,
    note: str | None = None,
    reason: ClosedReason | None = None,
) -> CaseEvent:
    record.case_stage = stage
    record.closed_reason = reason if stage is CaseStage.CLOSED else None
    event = CaseEvent(
        record_id=record.id,
        kind=EventKind.STAGE,
        stage=stage,
        body=note,
        author_id=user.id if user else None,
        author_label=None if user else "system",
    )
    db.session.add(event)
    return event


def change_stage(
    user: User,
    record: PersonRecord,
    stage: CaseStage,
    *,
    reason: ClosedReason | None = None,
    note: str | None = None,
) -> CaseEvent:
    """A caseworker moves the case on (or closes it with a reason)."""
    allowed = next_manual_stages(record)
    if stage not in allowed:
        raise StageError(f"{record.case_stage} → {stage} is not allowed")
    if stage is CaseStage.CLOSED and reason is None:
        raise StageError("closing needs a reason")
    event = _record_stage(record, stage, user=user, note=note, reason=reason)
    db.session.flush()
    audit(AuditTag.RECORD_STAGE_CHANGE, record, detail=f"->{stage.value}")
    return event


def mark_suggested(record_ids: Iterable[int]) -> None:
    """Records that gained a suggestion move to "match suggested" (unless already further)."""
    ids = list(record_ids)
    if not ids:
        return
    waiting = list(
        db.session.scalars(
            sa.select(PersonRecord.id).where(
                PersonRecord.id.in_(ids),
                PersonRecord.case_stage.in_([CaseStage.REPORTED, CaseStage.UNDER_REVIEW]),
            )
        )
    )
    if not waiting:
        return
    db.session.execute(
        sa.update(PersonRecord)
        .where(PersonRecord.id.in_(waiting))
        .values(case_stage=CaseStage.MATCH_SUGGESTED),
        execution_options={"synchronize_session": "fetch"},
    )
    db.session.execute(  # Core, not the ORM's bulk insert: a rebuild adds thousands at once
        sa.insert(cast(sa.Table, CaseEvent.__table__)),
        [
            {
                "record_id": i,
                "kind": EventKind.STAGE,
                "stage": CaseStage.MATCH_SUGGESTED,
                "author_label": "system",
                "created_at": utcnow(),
            }
            for i in waiting
        ],
    )


def unmark_suggested(record_ids: Iterable[int], *, user: User | None = None) -> None:
    """Records in "match suggested" with nothing left to decide (their suggestions were
    rejected, or went when a record changed or consent was withdrawn): back to "under
    review", on the timeline — by ``user``, or by the system."""
    ids = list(record_ids)
    if not ids:
        return
    pending = (
        sa.select(Suggestion.id)
        .where(
            sa.or_(Suggestion.left_id == PersonRecord.id, Suggestion.right_id == PersonRecord.id),
            Suggestion.status.in_(QUEUE_STATUSES),
        )
        .exists()
    )
    for record in db.session.scalars(
        sa.select(PersonRecord).where(
            PersonRecord.id.in_(ids),
            PersonRecord.case_stage == CaseStage.MATCH_SUGGESTED,
            ~pending,
        )
    ):
        _record_stage(record, CaseStage.UNDER_REVIEW, user=user)
    db.session.flush()


def after_rejection(suggestion: Suggestion, user: User) -> None:
    """With no suggestion left to decide, a record goes back to "under review"."""
    unmark_suggested([suggestion.left_id, suggestion.right_id], user=user)


def after_confirmation(suggestion: Suggestion, user: User, group: list[PersonRecord]) -> None:
    """A confirmed pair is one person. Sought ↔ found: every sought record of the linked
    group may now tell its family. Two reports (or two findings) of one child: linked as
    duplicates, each keeping its source and its stage."""
    left, right = suggestion.left, suggestion.right
    for record, other in ((left, right), (right, left)):
        db.session.add(
            CaseEvent(
                record_id=record.id,
                kind=EventKind.LINKED,
                related_record_id=other.id,
                author_id=user.id,
            )
        )
    if left.kind == right.kind:
        db.session.flush()
        return
    for record in group:
        if record.case_stage in FINAL or record.case_stage in (
            CaseStage.MATCH_CONFIRMED,
            CaseStage.CONTACT_ESTABLISHED,
        ):
            continue
        if record.kind is RecordKind.SOUGHT or record.id in (left.id, right.id):
            _record_stage(record, CaseStage.MATCH_CONFIRMED, user=user)
    db.session.flush()
