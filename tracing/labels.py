"""Translated labels for stored vocabularies, shared by forms and templates."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tracing.models import (
    BatchStatus,
    CaseStage,
    Circumstances,
    EventKind,
    PfifStatus,
    RecordKind,
    RevisionAction,
    Role,
    Sex,
)

PFIF_STATUS_LABELS = {
    PfifStatus.INFORMATION_SOUGHT.value: _l("Information sought"),
    PfifStatus.BELIEVED_ALIVE.value: _l("Believed alive"),
    PfifStatus.BELIEVED_MISSING.value: _l("Believed missing"),
    PfifStatus.BELIEVED_DEAD.value: _l("Believed dead"),
    PfifStatus.IS_NOTE_AUTHOR.value: _l("This is the person"),
}

STAGE_LABELS = {
    CaseStage.REPORTED.value: _l("Reported"),
    CaseStage.UNDER_REVIEW.value: _l("Under review"),
    CaseStage.MATCH_SUGGESTED.value: _l("Match suggested"),
    CaseStage.MATCH_CONFIRMED.value: _l("Match confirmed"),
    CaseStage.CONTACT_ESTABLISHED.value: _l("Contact established"),
    CaseStage.REUNIFIED.value: _l("Reunified"),
    CaseStage.CLOSED.value: _l("Closed"),
}

# What a family is told: coarse, and never a place or a detail of a found child.
FAMILY_STAGE_LABELS = {
    CaseStage.REPORTED.value: _l("Your report has been received."),
    CaseStage.UNDER_REVIEW.value: _l("A caseworker is working on your report."),
    CaseStage.MATCH_SUGGESTED.value: _l("A caseworker is working on your report."),
    CaseStage.MATCH_CONFIRMED.value: _l(
        "We may have news. A caseworker will contact you in the way you chose."
    ),
    CaseStage.CONTACT_ESTABLISHED.value: _l("A caseworker is in contact with you."),
    CaseStage.REUNIFIED.value: _l("The case is marked as reunited."),
    CaseStage.CLOSED.value: _l("The case is closed. A caseworker will explain why."),
}

KIND_LABELS = {
    RecordKind.SOUGHT.value: _l("Sought"),
    RecordKind.FOUND.value: _l("Found"),
}

SEX_LABELS = {
    Sex.FEMALE.value: _l("Female"),
    Sex.MALE.value: _l("Male"),
    Sex.OTHER.value: _l("Other"),
}

CIRCUMSTANCE_LABELS = {
    Circumstances.DEPORTED.value: _l("Deported"),
    Circumstances.FORCIBLY_TRANSFERRED.value: _l("Forcibly transferred"),
    Circumstances.MISSING.value: _l("Missing"),
    Circumstances.EVACUATED.value: _l("Evacuated"),
    Circumstances.SEPARATED.value: _l("Separated"),
    Circumstances.OTHER.value: _l("Other"),
}

EVENT_LABELS = {
    EventKind.NOTE.value: _l("Note"),
    EventKind.STATUS.value: _l("Status changed"),
    EventKind.STAGE.value: _l("Stage changed"),
    EventKind.FAMILY_INFO.value: _l("Information from the family"),
    EventKind.REPORTED.value: _l("Record created"),
    EventKind.LINKED.value: _l("Linked: the same person"),
}

ROLE_LABELS = {
    Role.CASEWORKER.value: _l("Caseworker"),
    Role.SUPERVISOR.value: _l("Supervisor"),
    Role.ORG_ADMIN.value: _l("Organisation administrator"),
    Role.ADMIN.value: _l("Administrator"),
}

BATCH_STATUS_LABELS = {
    BatchStatus.PREVIEW.value: _l("Not imported yet"),
    BatchStatus.QUEUED.value: _l("Waiting to be imported"),
    BatchStatus.DONE.value: _l("Imported"),
    BatchStatus.FAILED.value: _l("Failed: nothing imported"),
    BatchStatus.REVERTED.value: _l("Reverted"),
}

REVISION_LABELS = {
    RevisionAction.CREATED.value: _l("Created"),
    RevisionAction.UPDATED.value: _l("Updated"),
    RevisionAction.REVERTED.value: _l("Import reverted"),
}

# How one field's evidence is graded on the comparison page (never colour alone).
LEVEL_LABELS = {
    "same": _l("same"),
    "transliteration": _l("transliteration"),
    "name_variant": _l("name variant"),
    "similar": _l("similar"),
    "conflict": _l("conflict"),
    "no_data": _l("no data"),
}

BAND_LABELS = {
    "match": _l("Probably the same person"),
    "review": _l("Possibly the same person"),
    "no_match": _l("Probably different people"),
}

SUGGESTION_STATUS_LABELS = {
    "open": _l("To review"),
    "unsure": _l("Unsure"),
    "awaiting_second": _l("Awaiting second review"),
    "disputed": _l("Reviewers disagree"),
    "confirmed": _l("Confirmed"),
    "rejected": _l("Rejected"),
}

VERDICT_LABELS = {
    "confirm": _l("Confirmed"),
    "reject": _l("Rejected"),
    "unsure": _l("Unsure"),
    "approve": _l("Approved"),
    "disagree": _l("Disagreed"),
    "undo": _l("Undone"),
}

CLOSED_REASON_LABELS = {
    "located_not_reunifiable": _l("Located, but reunification is not possible"),
    "believed_dead": _l("Believed dead"),
    "withdrawn": _l("Withdrawn by the family"),
    "duplicate": _l("Duplicate of another record"),
}

REJECT_REASON_LABELS = {
    "different_birth_date": _l("Different date of birth"),
    "different_parents": _l("Different parents"),
    "sibling": _l("A brother or sister, not the same child"),
    "namesake": _l("A namesake"),
    "other": _l("Another reason"),
}

# The matcher's field names, as words inside reason sentences.
FIELD_LABELS = {
    "given_name": _l("given name"),
    "family_name": _l("family name"),
    "patronymic": _l("patronymic"),
    "birth_date": _l("date of birth"),
    "sex": _l("sex"),
    "birth_place": _l("place of birth"),
    "home_city": _l("last known place"),
}

ALL_LABELS = {
    "level": LEVEL_LABELS,
    "band": BAND_LABELS,
    "suggestion_status": SUGGESTION_STATUS_LABELS,
    "verdict": VERDICT_LABELS,
    "closed_reason": CLOSED_REASON_LABELS,
    "reject_reason": REJECT_REASON_LABELS,
    "role": ROLE_LABELS,
    "pfif_status": PFIF_STATUS_LABELS,
    "stage": STAGE_LABELS,
    "family_stage": FAMILY_STAGE_LABELS,
    "kind": KIND_LABELS,
    "sex": SEX_LABELS,
    "circumstances": CIRCUMSTANCE_LABELS,
    "event": EVENT_LABELS,
    "batch_status": BATCH_STATUS_LABELS,
    "revision": REVISION_LABELS,
}
