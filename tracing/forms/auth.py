"""Signing in and out."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from tracing.forms.base import BaseForm


class LoginForm(BaseForm):
    email = EmailField(_l("E-mail address"), [DataRequired(_l("Enter your e-mail address"))])
    password = PasswordField(
        _l("Password"), [DataRequired(_l("Enter your password")), Length(max=1000)]
    )


class LogoutForm(BaseForm):
    """Only the CSRF token: logging out is a POST so another site cannot trigger it."""
