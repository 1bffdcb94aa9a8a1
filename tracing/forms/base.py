"""The base form: session-bound CSRF token and messages in the reader's language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app, request, session
from flask_babel import get_locale
from wtforms import Form, PasswordField, SelectChoice, StringField
from wtforms.csrf.session import SessionCSRF
from wtforms.meta import DefaultMeta


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class BaseForm(Form):
    class Meta(DefaultMeta):
        csrf = True
        csrf_class = SessionCSRF
        # Long enough for a stressed family to fill in one page on a slow phone.
        csrf_time_limit = timedelta(hours=4)

        @property
        def csrf_secret(self) -> bytes:
            return str(current_app.config["SECRET_KEY"]).encode()

        @property
        def csrf_context(self) -> Any:
            return session

        @property
        def locales(self) -> list[str]:
            return [str(get_locale())]

        cache_translations = True

        def bind_field(self, form: Form, unbound_field: Any, options: dict[str, Any]) -> Any:
            # Text answers (not passwords) are trimmed: "  " is empty, stored values are clean.
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                filters = unbound_field.kwargs.get("filters", ())
                unbound_field.kwargs["filters"] = [_strip, *filters]
            return super().bind_field(form, unbound_field, options)

    @classmethod
    def from_request(cls, **kwargs: Any) -> Any:
        """Bound to the POSTed data on a submission, to ``kwargs`` data otherwise."""
        formdata = request.form if request.method == "POST" else None
        return cls(formdata, **kwargs)

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, message) pairs for the error summary, in field order."""
        items: list[tuple[str, str]] = []
        for field in self:
            for message in field.errors:
                anchor = getattr(field, "error_anchor", None) or field.id
                items.append((anchor, str(message)))
        return items


def options(pairs: Any) -> list[SelectChoice]:
    """Choices for radio and select fields from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
