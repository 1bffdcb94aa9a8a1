"""A caseworker's changes to a record."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from tracing.forms.base import BaseForm, options
from tracing.labels import (
    CIRCUMSTANCE_LABELS,
    CLOSED_REASON_LABELS,
    PFIF_STATUS_LABELS,
    REJECT_REASON_LABELS,
)
from tracing.partial_dates import DateError, parse_iso


class NoteForm(BaseForm):
    body = TextAreaField(_l("Note"), [DataRequired(_l("Write the note")), Length(max=10000)])


class StatusChangeForm(BaseForm):
    status = SelectField(
        _l("Status"),
        choices=options(PFIF_STATUS_LABELS.items()),
        validators=[InputRequired(_l("Choose a status"))],
    )
    body = TextAreaField(_l("Why (optional)"), [Optional(), Length(max=10000)])


class StageForm(BaseForm):
    stage = SelectField(_l("Move the case to"), validators=[InputRequired(_l("Choose a stage"))])
    reason = SelectField(
        _l("Reason for closing"),
        choices=options(
            [("", _l("Choose a reason (only when closing)")), *CLOSED_REASON_LABELS.items()]
        ),
        validators=[Optional()],
    )
    note = TextAreaField(_l("Note (optional)"), [Optional(), Length(max=10000)])

    def validate(self, extra_validators: Any = None) -> bool:
        ok: bool = super().validate(extra_validators)
        if self.stage.data == "closed" and not self.reason.data:
            self.reason.errors = [*self.reason.errors, _l("Choose why the case is closed")]
            return False
        return ok


class ConsentOverrideForm(BaseForm):
    reason = TextAreaField(
        _l("Why may this record be matched without the tracing consent?"),
        [DataRequired(_l("Write the reason")), Length(max=2000)],
    )


class DecisionForm(BaseForm):
    verdict = HiddenField()  # the value of the button pressed
    version = HiddenField()
    reason = SelectField(
        _l("Reason for rejecting"),
        choices=options(
            [("", _l("Choose a reason (only when rejecting)")), *REJECT_REASON_LABELS.items()]
        ),
        validators=[Optional()],
    )
    note = TextAreaField(_l("Note (optional)"), [Optional(), Length(max=10000)])


class UndoForm(BaseForm):
    version = HiddenField()
    note = TextAreaField(
        _l("Why are you undoing your decision?"),
        [DataRequired(_l("Write why you undo the decision")), Length(max=2000)],
    )


class SearchForm(BaseForm):
    """Posted (names stay out of URLs), with a CSRF token like every form."""

    q = StringField(_l("Name, in any script or spelling"), [Optional(), Length(max=300)])
    birth = StringField(_l("Date of birth or year (optional)"), [Optional(), Length(max=10)])
    age = StringField(_l("Age (optional)"), [Optional(), Length(max=7)])
    sex = SelectField(
        _l("Sex"),
        choices=options([("", _l("Any")), ("female", _l("Female")), ("male", _l("Male"))]),
        validators=[Optional()],
    )
    place = StringField(_l("Place (optional)"), [Optional(), Length(max=200)])


class RecordForm(BaseForm):
    """A record as a caseworker registers or corrects it (dates as YYYY, YYYY-MM or YYYY-MM-DD)."""

    version = HiddenField()
    kind = SelectField(
        _l("Kind"),
        choices=options([("found", _l("Found")), ("sought", _l("Sought"))]),
        validators=[InputRequired(_l("Choose the kind of record"))],
    )
    given_name = StringField(
        _l("Given name"), [DataRequired(_l("Enter the given name")), Length(max=200)]
    )
    family_name = StringField(_l("Family name"), [Optional(), Length(max=200)])
    patronymic = StringField(_l("Patronymic"), [Optional(), Length(max=200)])
    other_names = TextAreaField(
        _l("Other names or spellings, one per line"), [Optional(), Length(max=2000)]
    )
    sex = SelectField(
        _l("Sex"),
        choices=options(
            [
                ("", _l("Unknown")),
                ("female", _l("Female")),
                ("male", _l("Male")),
                ("other", _l("Other")),
            ]
        ),
        validators=[Optional()],
    )
    birth = StringField(_l("Date of birth"), [Optional(), Length(max=10)])
    age_min = StringField(_l("Age from (years)"), [Optional(), Length(max=3)])
    age_max = StringField(_l("Age to (years)"), [Optional(), Length(max=3)])
    birth_place = StringField(_l("Place of birth"), [Optional(), Length(max=300)])
    last_seen_place = StringField(_l("Last known place"), [Optional(), Length(max=300)])
    last_seen_date = StringField(_l("Last known date"), [Optional(), Length(max=10)])
    circumstances = SelectField(
        _l("Circumstances"),
        choices=options([("", _l("Unknown")), *CIRCUMSTANCE_LABELS.items()]),
        validators=[Optional()],
    )
    description = TextAreaField(_l("Description"), [Optional(), Length(max=5000)])
    distinguishing_marks = TextAreaField(_l("Distinguishing marks"), [Optional(), Length(max=5000)])
    consent_tracing = BooleanField(_l("The source allows tracing (matching) with this record"))
    consent_sharing = BooleanField(_l("The source allows sharing with partner organisations"))

    def _check_date(self, field: StringField) -> None:
        if field.data:
            try:
                parse_iso(field.data)
            except DateError:
                raise ValidationError(_l("Enter a date as 2014, 2014-03 or 2014-03-05")) from None

    def validate_birth(self, field: StringField) -> None:
        self._check_date(field)

    def validate_last_seen_date(self, field: StringField) -> None:
        self._check_date(field)

    def validate_age_max(self, field: StringField) -> None:
        for f in (self.age_min, field):
            if f.data and (not f.data.isdigit() or int(f.data) > 120):
                raise ValidationError(_l("Enter ages in whole years"))
        if self.age_min.data and field.data and int(self.age_min.data) > int(field.data):
            raise ValidationError(_l("The second age must not be smaller"))
