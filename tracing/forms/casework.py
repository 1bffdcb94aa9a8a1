"""A caseworker's changes to a record."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracing.forms.base import BaseForm, options
from tracing.labels import PFIF_STATUS_LABELS


class NoteForm(BaseForm):
    body = TextAreaField(_l("Note"), [DataRequired(_l("Write the note")), Length(max=10000)])


class StatusChangeForm(BaseForm):
    status = SelectField(
        _l("Status"),
        choices=options(PFIF_STATUS_LABELS.items()),
        validators=[InputRequired(_l("Choose a status"))],
    )
    body = TextAreaField(_l("Why (optional)"), [Optional(), Length(max=10000)])
