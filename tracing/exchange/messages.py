"""What each import problem means, in the reader's language (uk, en, ru)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from tracing.exchange.validation import Issue

MESSAGES: dict[str, Any] = {
    # the file as a whole
    "too_large": _l("The file is larger than %(limit)s bytes. Split it into smaller files."),
    "empty_file": _l("The file is empty."),
    "bad_encoding": _l(
        "The file is not in UTF-8 or Windows-1251 (first unreadable text on line %(line)s). "
        "Save it as “CSV UTF-8” and try again."
    ),
    "nul_bytes": _l(
        "The file contains NUL bytes (line %(line)s): it is not a text file, or it is UTF-16. "
        "Save it as “CSV UTF-8”."
    ),
    "line_too_long": _l("Line %(line)s is longer than %(limit)s characters."),
    "csv_no_id_column": _l("The first row must name the columns, including person_record_id."),
    "csv_malformed": _l("The CSV cannot be read near line %(line)s (check the quotes)."),
    "xml_doctype": _l(
        "The XML has a DOCTYPE or entity declarations, which are not accepted for safety."
    ),
    "xml_malformed": _l("The XML is not well-formed (line %(line)s)."),
    "not_pfif": _l("This is not a PFIF document (PFIF 1.1 to 1.4)."),
    "too_many_rows": _l("The file has more than %(limit)s records. Split it into smaller files."),
    # one row
    "bad_json": _l("This line is not valid JSON."),
    "not_an_object": _l("This line is not a JSON object."),
    "bad_value": _l("The value of %(field)s has the wrong type."),
    "extra_cells": _l("This row has more cells than there are columns."),
    "missing_id": _l("The record has no person_record_id."),
    "too_long": _l("%(field)s is longer than %(limit)s characters."),
    "missing_name": _l("The record has no name (given_name, family_name or full_name)."),
    "unknown_sex": _l("Unknown sex “%(value)s”: use female, male or other."),
    "unknown_kind": _l("Unknown kind “%(value)s”: use sought or found."),
    "unknown_circumstances": _l("Unknown circumstances “%(value)s”."),
    "unknown_status": _l("Unknown status “%(value)s”."),
    "bad_date": _l("%(field)s is not a date: use YYYY, YYYY-MM or YYYY-MM-DD."),
    "future_date": _l("%(field)s is in the future."),
    "bad_datetime": _l("%(field)s is not a date and time: use e.g. 2024-03-01T12:00:00Z."),
    "bad_boolean": _l("%(field)s must be true or false."),
    "bad_age": _l("The age must be a number of years or a range such as 8-10."),
    "missing_note_id": _l("The note has no note_record_id."),
    "duplicate_note_id": _l("This note_record_id appears twice for the same person."),
    "duplicate_id": _l("This person_record_id is already used on row %(first_row)s."),
    "unknown_person": _l("The note is for a person who is neither in this file nor stored."),
    # warnings
    "unknown_field": _l("Unknown column or field %(field)s: it is ignored."),
    "bad_country": _l("home_country should be a two-letter country code (e.g. UA)."),
    "bad_email": _l("author_email does not look like an e-mail address."),
    "bad_phone": _l("author_phone does not look like a phone number."),
    "stale": _l(
        "The stored record has the same or a newer source_date: this row does not change it."
    ),
}


def describe(issue: Issue) -> str:
    template = MESSAGES.get(issue.code)
    if template is None:
        return issue.code
    params = {"field": issue.field or "", **issue.params}
    return str(template) % params
