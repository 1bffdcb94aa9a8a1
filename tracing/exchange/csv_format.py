"""CSV as spreadsheets write it, and as Excel opens it safely.

Columns are the PFIF field names (Person Finder's CSV import uses the same), one person
a row. A row may carry one note in the note columns; a person with several notes takes
several rows with the same ``person_record_id`` and the same person columns.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from tracing.exchange.decoding import UTF8_BOM, FileRejected, check_line_lengths
from tracing.exchange.fields import ALIASES, PERSON_FIELDS, READ_ONLY_FIELDS, RawRow

# The note columns; the note's own author, date and photo are prefixed, since the person
# has fields of the same name. Without them a note takes the person row's author and date.
NOTE_COLUMNS = {
    "note_record_id": "note_record_id",
    "linked_person_record_id": "linked_person_record_id",
    "note_author_name": "author_name",
    "note_author_email": "author_email",
    "note_author_phone": "author_phone",
    "note_source_date": "source_date",
    "author_made_contact": "author_made_contact",
    "status": "status",
    "email_of_found_person": "email_of_found_person",
    "phone_of_found_person": "phone_of_found_person",
    "last_known_location": "last_known_location",
    "text": "text",
    "note_photo_url": "photo_url",
}
# "status" is a note's status in CSV (as in Person Finder's CSV), not a person column.
PERSON_COLUMNS = tuple(f for f in PERSON_FIELDS if f != "status")
COLUMNS = PERSON_COLUMNS + tuple(NOTE_COLUMNS)
_NOTE_FALLBACKS = ("author_name", "author_email", "author_phone", "source_date")

DELIMITERS = {"comma": ",", "semicolon": ";"}

# Excel starts a formula at these characters (after any control characters or a BOM).
_FORMULA_START = frozenset("=+-@|%")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_PHONE_NUMBER = re.compile(r"\+?\d[\d ()\-]*\d")


def escape_formula(value: str) -> str:
    """Neutralise a cell Excel or LibreOffice would run as a formula.

    The first character that is not a control character, a BOM or whitespace decides;
    a cell that is only a number or a phone number (``+380 67 123 45 67``) is left alone,
    since those are data that spreadsheets show, not formulas that run.
    """
    stripped = value.lstrip("\ufeff\t\r\n\x00\x0b\x0c ")
    if not stripped or stripped[0] not in _FORMULA_START:
        return value
    core = stripped.rstrip()
    if _PLAIN_NUMBER.fullmatch(core) or _PHONE_NUMBER.fullmatch(core):
        return value
    return "'" + value


def unescape_formula(value: str) -> str:
    """Undo :func:`escape_formula`, so a file this system wrote imports unchanged."""
    if value.startswith("'") and escape_formula(value[1:]) == value:
        return value[1:]
    return value


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d])


def read_csv(text: str, *, max_line_chars: int) -> list[RawRow]:
    check_line_lengths(text, max_chars=max_line_chars)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    rows: list[RawRow] = []
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        columns = [ALIASES.get(name, name) for name in header]
        if "person_record_id" not in columns:
            raise FileRejected("csv_no_id_column")
        unknown = [
            name
            for name in columns
            if name and name not in PERSON_COLUMNS and name not in NOTE_COLUMNS
        ]
        for index, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            rows.append(_row(index, columns, cells, unknown))
    except csv.Error:
        raise FileRejected("csv_malformed", line=reader.line_num) from None
    return rows


def _row(number: int, columns: list[str], cells: list[str], unknown: list[str]) -> RawRow:
    row = RawRow(number=number, unknown=list(unknown))
    if any(cell.strip() for cell in cells[len(columns) :]):
        row.problem = "extra_cells"  # shifted columns: reading on would mix fields up
    note: dict[str, str] = {}
    for name, raw in zip(columns, cells, strict=False):
        cell = unescape_formula(raw)
        if name in NOTE_COLUMNS:
            note[NOTE_COLUMNS[name]] = cell
        elif name in PERSON_COLUMNS and name not in READ_ONLY_FIELDS:
            row.person[name] = cell
    if any(value.strip() for value in note.values()):
        for name in _NOTE_FALLBACKS:
            if not note.get(name, "").strip() and name in row.person:
                note[name] = row.person[name]
        row.notes.append(note)
    return row


def write_csv(
    people: Iterable[tuple[dict[str, str], list[dict[str, str]]]], *, delimiter: str = ","
) -> bytes:
    """UTF-8 with a BOM (so Excel reads Cyrillic), formulas neutralised, one note a row."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    note_names = {pfif: column for column, pfif in NOTE_COLUMNS.items()}
    for person, notes in people:
        person_cells = [person.get(name, "") for name in PERSON_COLUMNS]
        for note in notes or [{}]:
            note_cells = {note_names[k]: v for k, v in note.items() if k in note_names}
            cells = person_cells + [note_cells.get(column, "") for column in NOTE_COLUMNS]
            writer.writerow([escape_formula(cell) for cell in cells])
    return UTF8_BOM + out.getvalue().encode("utf-8")
