"""A caseworker's changes to a record."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from tracing.forms.base import BaseForm, options
from tracing.labels import CLOSED_REASON_LABELS, PFIF_STATUS_LABELS, REJECT_REASON_LABELS


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
        choices=options([("", _l("Choose a reason (only when closing)")), *CLOSED_REASON_LABELS.items()]),
        validators=[Optional()],
    )
    note = TextAreaField(_l("Note (optional)"), [Optional(), Length(max=10000)])

    def validate_reason(self, field: SelectField) -> None:
        if self.stage.data == "closed" and not field.data:
            raise ValidationError(_l("Choose why the case is closed"))


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
        choices=options([("", _l("Choose a reason (only when rejecting)")), *REJECT_REASON_LABELS.items()]),
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
    """A GET form: searching changes nothing, so it carries no CSRF token."""

    class Meta(BaseForm.Meta):
        csrf = False

    q = StringField(_l("Name, in any script or spelling"), [Optional(), Length(max=300)])
    birth = StringField(_l("Date of birth or year (optional)"), [Optional(), Length(max=10)])
    age = StringField(_l("Age (optional)"), [Optional(), Length(max=7)])
    sex = SelectField(
        _l("Sex"),
        choices=options([("", _l("Any")), ("female", _l("Female")), ("male", _l("Male"))]),
        validators=[Optional()],
    )
    place = StringField(_l("Place (optional)"), [Optional(), Length(max=200)])
