"""The family report, one short question page at a time."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from tracing.forms.base import BaseForm, options
from tracing.partial_dates import DateError, parse_parts

UNKNOWN = "unknown"

RELATIONSHIPS = [
    ("mother", _l("Mother")),
    ("father", _l("Father")),
    ("grandparent", _l("Grandparent")),
    ("sibling", _l("Brother or sister")),
    ("other_relative", _l("Other relative")),
    ("guardian", _l("Guardian or foster parent")),
    ("other", _l("Someone else")),
]

SEXES = [
    ("female", _l("Girl")),
    ("male", _l("Boy")),
    (UNKNOWN, _l("I don't know")),
]

CIRCUMSTANCES = [
    ("deported", _l("Taken to Russia or Belarus (deported)")),
    ("forcibly_transferred", _l("Moved to another place in occupied territory")),
    ("missing", _l("Missing: we don't know what happened")),
    ("evacuated", _l("Evacuated and lost contact")),
    ("separated", _l("Separated from the family while fleeing")),
    ("other", _l("Something else")),
    (UNKNOWN, _l("I don't know")),
]

LANGUAGE_CHOICES = [("uk", "Українська"), ("en", "English"), ("ru", "Русский")]

DATE_MESSAGES = {
    "year_missing": _l("Enter the year, or tick “I don't know”"),
    "year_format": _l("Enter the year as four digits, for example 2015"),
    "year_range": _l("Enter a year between 1900 and this year"),
    "month_missing": _l("Enter the month as well as the day, or only the year"),
    "month_range": _l("Enter a month from 1 to 12"),
    "month_unknown": _l("Enter the month as a number or a word, for example 3 or March"),
    "day_format": _l("Enter the day as a number, for example 5"),
    "day_range": _l("This day does not exist in that month"),
    "future": _l("The date must be in the past"),
}

NAME_LENGTH = Length(max=200, message=_l("Enter at most 200 characters"))
LONG_TEXT = Length(max=5000, message=_l("Enter at most 5000 characters"))


class DateParts:
    """Validates a day/month/year box group; the group's error links to its first empty box."""

    def __init__(self, form: BaseForm, prefix: str) -> None:
        self.day = form[f"{prefix}_day"]
        self.month = form[f"{prefix}_month"]
        self.year = form[f"{prefix}_year"]

    def check(self) -> bool:
        try:
            parse_parts(self.day.data or "", self.month.data or "", self.year.data or "")
        except DateError as exc:
            first_empty = next((f for f in (self.day, self.month, self.year) if not f.data), None)
            target = self.year if exc.code.startswith("year") else self.day
            if exc.code.startswith("month"):
                target = self.month
            target.errors = [*target.errors, DATE_MESSAGES[exc.code]]
            target.error_anchor = (first_empty or target).id
            return False
        return True

    def given(self) -> bool:
        return any(f.data and f.data.strip() for f in (self.day, self.month, self.year))


def _date_boxes() -> tuple[StringField, StringField, StringField]:
    return (
        StringField(_l("Day"), [Optional(), Length(max=4)]),
        StringField(_l("Month"), [Optional(), Length(max=20)]),
        StringField(_l("Year"), [Optional(), Length(max=4)]),
    )


class ReporterForm(BaseForm):
    name = StringField(_l("Your full name"), [DataRequired(_l("Enter your name")), NAME_LENGTH])
    relationship = RadioField(
        _l("How are you related to the child?"),
        choices=options(RELATIONSHIPS),
        validators=[InputRequired(_l("Choose how you are related to the child"))],
    )
    phone = StringField(_l("Phone number"), [Optional(), Length(max=64)])
    email = StringField(
        _l("E-mail address"),
        [Optional(), Email(_l("Enter an e-mail address like name@example.com")), Length(max=254)],
    )
    other_contact = StringField(
        _l("Another way to reach you (Telegram, Viber, Signal, an address)"),
        [Optional(), Length(max=300)],
    )
    language = RadioField(
        _l("Which language should we use with you?"),
        choices=options(LANGUAGE_CHOICES),
        validators=[InputRequired(_l("Choose a language"))],
    )

    def validate_phone(self, field: StringField) -> None:
        if sum(ch.isdigit() for ch in field.data) < 6:
            raise ValidationError(_l("Enter a phone number with its digits, e.g. +380 67 123 4567"))

    def validate(self, extra_validators: Any = None) -> bool:
        ok: bool = super().validate(extra_validators)
        if not any((f.data or "").strip() for f in (self.phone, self.email, self.other_contact)):
            self.phone.errors = [*self.phone.errors, _l("Give at least one way to contact you")]
            return False
        return ok


class ChildNameForm(BaseForm):
    given_name = StringField(
        _l("Given name"), [DataRequired(_l("Enter the child's given name")), NAME_LENGTH]
    )
    family_name = StringField(_l("Family name"), [Optional(), NAME_LENGTH])
    patronymic = StringField(_l("Patronymic (father's name)"), [Optional(), NAME_LENGTH])
    other_names = TextAreaField(
        _l("Other names or spellings, as written in documents (optional)"),
        [Optional(), Length(max=2000, message=_l("Enter at most 2000 characters"))],
    )


class ChildBirthForm(BaseForm):
    sex = RadioField(
        _l("Is the child a girl or a boy?"),
        choices=options(SEXES),
        validators=[InputRequired(_l("Choose girl, boy or “I don't know”"))],
    )
    dob_day, dob_month, dob_year = _date_boxes()
    dob_unknown = BooleanField(_l("I don't know the exact date of birth"))
    age_min = StringField(_l("From (years)"), [Optional(), Length(max=3)])
    age_max = StringField(_l("To (years)"), [Optional(), Length(max=3)])

    def validate(self, extra_validators: Any = None) -> bool:
        ok: bool = super().validate(extra_validators)
        dob = DateParts(self, "dob")
        if dob.given():
            return dob.check() and ok
        if not self.dob_unknown.data:
            self.dob_year.errors = [
                *self.dob_year.errors,
                _l("Enter the date of birth or the year, or tick “I don't know”"),
            ]
            self.dob_year.error_anchor = self.dob_day.id
            return False
        return self._check_age() and ok

    def _check_age(self) -> bool:
        values: list[int | None] = []
        for field in (self.age_min, self.age_max):
            text = (field.data or "").strip()
            if not text:
                values.append(None)
                continue
            if not re.fullmatch(r"[0-9]{1,2}", text) or int(text) > 30:
                field.errors = [*field.errors, _l("Enter an age in whole years, from 0 to 30")]
                return False
            values.append(int(text))
        low, high = values
        if low is not None and high is not None and low > high:
            self.age_max.errors = [*self.age_max.errors, _l("The second age must not be smaller")]
            return False
        return True


class ChildPlacesForm(BaseForm):
    birth_place = StringField(_l("Place of birth"), [Optional(), Length(max=300)])
    birth_place_unknown = BooleanField(_l("I don't know"))
    last_seen_place = StringField(
        _l("Where was the child last seen or heard of?"), [Optional(), Length(max=300)]
    )
    last_seen_place_unknown = BooleanField(_l("I don't know"))
    seen_day, seen_month, seen_year = _date_boxes()
    seen_unknown = BooleanField(_l("I don't know when"))

    def validate(self, extra_validators: Any = None) -> bool:
        ok: bool = super().validate(extra_validators)
        seen = DateParts(self, "seen")
        if seen.given():
            ok = seen.check() and ok
        for field, unknown in (
            (self.birth_place, self.birth_place_unknown),
            (self.last_seen_place, self.last_seen_place_unknown),
        ):
            if not (field.data or "").strip() and not unknown.data:
                field.errors = [*field.errors, _l("Enter a place, or tick “I don't know”")]
                ok = False
        if not seen.given() and not self.seen_unknown.data:
            self.seen_year.errors = [
                *self.seen_year.errors,
                _l("Enter when, even only the year, or tick “I don't know when”"),
            ]
            self.seen_year.error_anchor = self.seen_day.id
            ok = False
        return ok


class ChildCircumstancesForm(BaseForm):
    circumstances = RadioField(
        _l("What happened?"),
        choices=options(CIRCUMSTANCES),
        validators=[InputRequired(_l("Choose what happened, or “I don't know”"))],
    )
    description = TextAreaField(
        _l("Anything else that could help find the child (optional)"), [Optional(), LONG_TEXT]
    )
    distinguishing_marks = TextAreaField(
        _l("Distinguishing marks: scars, birthmarks, health conditions (optional)"),
        [Optional(), LONG_TEXT],
    )


class AddAnotherForm(BaseForm):
    add_another = RadioField(
        _l("Do you want to add another child?"),
        choices=options([("yes", _l("Yes")), ("no", _l("No"))]),
        validators=[InputRequired(_l("Choose yes or no"))],
    )


class CheckAnswersForm(BaseForm):
    consent_tracing = BooleanField(
        _l(
            "I agree that my report is used to search for the child and compared with records "
            "from other organisations"
        ),
        [InputRequired(_l("We can only search for the child with your agreement"))],
    )
    consent_sharing = BooleanField(
        _l(
            "I agree that the report may be shared with partner organisations that help trace "
            "children (optional)"
        )
    )


class StatusForm(BaseForm):
    reference = StringField(
        _l("Reference number"), [DataRequired(_l("Enter the reference number")), Length(max=40)]
    )
    code = StringField(
        _l("Secret code"), [DataRequired(_l("Enter the secret code")), Length(max=40)]
    )


class AddInformationForm(BaseForm):
    child = RadioField(_l("Which child is this about?"), choices=[], validate_choice=True)
    information = TextAreaField(
        _l("What would you like to add?"),
        [DataRequired(_l("Write what you would like to add")), LONG_TEXT],
    )


STEP_FORMS: dict[str, type[BaseForm]] = {
    "name": ChildNameForm,
    "birth": ChildBirthForm,
    "places": ChildPlacesForm,
    "circumstances": ChildCircumstancesForm,
}
STEPS = list(STEP_FORMS)
