"""The exchanged fields: PFIF 1.4 names where PFIF has the field, this system's otherwise.

One vocabulary for every format: CSV columns, JSON keys and PFIF elements all use these
names, so a record reads the same whichever way it travels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# A person, in PFIF 1.4 order, then this system's own fields.
PFIF_PERSON_FIELDS = (
    "person_record_id",
    "entry_date",
    "expiry_date",
    "author_name",
    "author_email",
    "author_phone",
    "source_name",
    "source_date",
    "source_url",
    "full_name",
    "given_name",
    "family_name",
    "alternate_names",
    "description",
    "sex",
    "date_of_birth",
    "age",
    "home_street",
    "home_neighborhood",
    "home_city",
    "home_state",
    "home_postal_code",
    "home_country",
    "photo_url",
    "profile_urls",
)
OWN_PERSON_FIELDS = (
    "kind",
    "patronymic",
    "birth_place",
    "last_seen_place",
    "last_seen_date",
    "circumstances",
    "distinguishing_marks",
    "status",
    "consent_tracing",
    "consent_sharing",
)
PERSON_FIELDS = PFIF_PERSON_FIELDS + OWN_PERSON_FIELDS

PFIF_NOTE_FIELDS = (
    "note_record_id",
    "person_record_id",
    "linked_person_record_id",
    "entry_date",
    "author_name",
    "author_email",
    "author_phone",
    "source_date",
    "author_made_contact",
    "status",
    "email_of_found_person",
    "phone_of_found_person",
    "last_known_location",
    "text",
    "photo_url",
)

# Multi-valued fields: one value a line in CSV and PFIF, a list in JSON.
LIST_FIELDS = frozenset({"full_name", "alternate_names", "profile_urls"})

# Only with the export scope: how to reach people, and where exactly they are.
PERSON_CONTACT_FIELDS = frozenset({"author_email", "author_phone"})
PERSON_EXACT_LOCATION_FIELDS = frozenset({"home_street", "home_neighborhood", "home_postal_code"})
NOTE_CONTACT_FIELDS = frozenset(
    {"author_email", "author_phone", "email_of_found_person", "phone_of_found_person"}
)
NOTE_EXACT_LOCATION_FIELDS = frozenset({"last_known_location"})
PERSON_RESTRICTED = PERSON_CONTACT_FIELDS | PERSON_EXACT_LOCATION_FIELDS
NOTE_RESTRICTED = NOTE_CONTACT_FIELDS | NOTE_EXACT_LOCATION_FIELDS

# Written by this system, never taken from a file (a person's status comes from notes).
READ_ONLY_FIELDS = frozenset({"entry_date", "status"})
BOOLEAN_FIELDS = frozenset({"consent_tracing", "consent_sharing", "author_made_contact"})

# PFIF note fields kept in a timeline entry's details (the rest have columns).
NOTE_DETAIL_FIELDS = (
    "linked_person_record_id",
    "author_email",
    "author_phone",
    "author_made_contact",
    "email_of_found_person",
    "phone_of_found_person",
    "last_known_location",
    "photo_url",
)

# Other names a field is known by in files people send (Person Finder, older exports).
ALIASES = {"source_record_id": "person_record_id"}


@dataclass
class RawRow:
    """One person (or one stand-alone note) as read from a file, before any checking.

    ``number`` is what a person would look for: the spreadsheet row, the line of a JSON
    Lines file, or the line where a PFIF element starts.
    """

    number: int
    person: dict[str, str] = field(default_factory=dict)
    notes: list[dict[str, str]] = field(default_factory=list)
    # Columns or elements this system does not know (reported as warnings).
    unknown: list[str] = field(default_factory=list)
    # Why the row could not even be read (a JSON syntax error, a wrong type), and where.
    problem: str | None = None
    problem_field: str | None = None
    # A PFIF <note> outside any <person>: it belongs to notes[0]["person_record_id"].
    note_only: bool = False
