"""Organisation admins: API tokens, imports and exports."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import CombinedMultiDict
from wtforms import BooleanField, FileField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from tracing.forms.base import BaseForm, options

FORMATS = [
    ("csv", _l("CSV (Excel, LibreOffice)")),
    ("jsonl", _l("JSON Lines")),
    ("pfif", _l("PFIF XML (Person Finder, 1.1 to 1.4)")),
]
KINDS = [
    ("sought", _l("Sought (reported missing)")),
    ("found", _l("Found (located or registered)")),
]
DELIMITERS = [
    ("semicolon", _l("Semicolon (Excel in Ukrainian or Russian)")),
    ("comma", _l("Comma")),
]


class TokenForm(BaseForm):
    name = StringField(
        _l("Token name"),
        [DataRequired(_l("Name the token, e.g. the system that uses it")), Length(max=100)],
    )
    scope_read = BooleanField(_l("Read: records, changes and suggestions"))
    scope_write = BooleanField(_l("Write: create and update records, import files"))
    scope_export = BooleanField(_l("Export: also contact details and exact locations"))

    def validate_scope_read(self, field: Any) -> None:
        if not (self.scope_read.data or self.scope_write.data or self.scope_export.data):
            raise ValidationError(_l("Choose at least one permission"))


class ConfirmForm(BaseForm):
    """Only the CSRF token: a button that changes something (import, revert, revoke)."""


class ImportForm(BaseForm):
    upload = FileField(_l("File"))
    format = RadioField(
        _l("Format"), choices=options(FORMATS), validators=[InputRequired(_l("Choose the format"))]
    )
    kind = RadioField(
        _l("Records without a kind are"),
        choices=options(KINDS),
        default="sought",
        validators=[InputRequired(_l("Choose the kind"))],
    )
    consent_tracing = BooleanField(_l("The people concerned consented to tracing"))
    consent_sharing = BooleanField(_l("The people concerned consented to sharing with partners"))

    @classmethod
    def from_request(cls, **kwargs: Any) -> Any:
        if request.method == "POST":
            return cls(CombinedMultiDict([request.files, request.form]), **kwargs)
        return cls(None, **kwargs)

    def validate_upload(self, field: Any) -> None:
        if not getattr(field.data, "filename", None):
            raise ValidationError(_l("Choose a file"))


class ExportForm(BaseForm):
    format = RadioField(
        _l("Format"), choices=options(FORMATS), validators=[InputRequired(_l("Choose the format"))]
    )
    delimiter = RadioField(_l("CSV separator"), choices=options(DELIMITERS), default="semicolon")
    purpose = TextAreaField(
        _l("Purpose of this export"),
        [DataRequired(_l("Say why these records are exported")), Length(min=3, max=300)],
    )
    include_contacts = BooleanField(_l("Include contact details and exact locations"))
