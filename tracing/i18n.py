"""Languages: Ukrainian first, English and Russian selectable.

The locale comes from ``?lang=`` (remembered in the session), then the session, then a
logged-in user's preference, then the browser's Accept-Language, then Ukrainian.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, request, session
from flask_babel import Babel, format_date, format_datetime, get_locale
from flask_login import current_user

from tracing.config import ROOT
from tracing.labels import ALL_LABELS
from tracing.reasons import reason_text

# Each language is named in itself (the language switcher shows these with a lang attribute).
LANGUAGES: dict[str, str] = {"uk": "Українська", "en": "English", "ru": "Русский"}
DEFAULT_LOCALE = "uk"


def select_locale() -> str:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    if remembered in LANGUAGES:
        return str(remembered)
    if current_user.is_authenticated and current_user.preferred_language in LANGUAGES:
        return str(current_user.preferred_language)
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LOCALE


def human_date(value: date | datetime | None, fmt: str = "long") -> str:
    """A date in the reader's language, e.g. ``12 березня 2014 р.``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return str(format_datetime(value, "medium"))
    return str(format_date(value, fmt))


def init_app(app: Flask) -> None:
    Babel(
        app,
        locale_selector=select_locale,
        default_locale=DEFAULT_LOCALE,
        default_translation_directories=str(ROOT / "tracing" / "translations"),
    )
    app.jinja_env.filters["human_date"] = human_date

    # Globals rather than a context processor: imported macros see them too.
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES, get_locale=get_locale, LABELS=ALL_LABELS, reason_text=reason_text
    )
