"""JSON records (the API's shape) and JSON Lines files: one record object a line.

JSON uses the same field names as CSV and PFIF, with ``source_record_id`` for the
organisation's own id (``person_record_id`` is accepted too), lists for multi-valued
fields, booleans for yes/no fields and a ``notes`` list.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from tracing.exchange.decoding import check_line_lengths
from tracing.exchange.fields import (
    ALIASES,
    BOOLEAN_FIELDS,
    LIST_FIELDS,
    PERSON_FIELDS,
    PFIF_NOTE_FIELDS,
    READ_ONLY_FIELDS,
    RawRow,
)

# Keys of the API's own that files may carry back (ignored on import).
_OUTPUT_ONLY = frozenset({"id", "provenance"}) | READ_ONLY_FIELDS


class BadValue(ValueError):
    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def _clean(name: str, value: str) -> str:
    """Text a database can store: no NUL characters, no lone surrogates."""
    if "\x00" in value:
        raise BadValue(name)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadValue(name) from None
    return value


def _text(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _clean(name, value)
    if isinstance(value, int | float):
        return str(value)
    if (
        name in LIST_FIELDS
        and isinstance(value, list)
        and all(isinstance(item, str) for item in value)
    ):
        return _clean(name, "\n".join(value))
    raise BadValue(name)


def row_from_json(number: int, obj: Any) -> RawRow:
    """A :class:`RawRow` from one decoded JSON record; shape problems go on the row."""
    row = RawRow(number=number)
    if not isinstance(obj, dict):
        row.problem = "not_an_object"
        return row
    try:
        for key, value in obj.items():
            name = ALIASES.get(key, key)
            if key == "notes":
                row.notes = _notes(value)
            elif name in PERSON_FIELDS and name not in READ_ONLY_FIELDS:
                row.person[name] = _text(name, value)
            elif key not in _OUTPUT_ONLY:
                row.unknown.append(key)
    except BadValue as exc:
        row.problem, row.problem_field = "bad_value", exc.field
    return row


def _notes(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list) or not all(isinstance(n, dict) for n in value):
        raise BadValue("notes")
    notes = []
    for obj in value:
        note = {}
        for key, item in obj.items():
            if key in PFIF_NOTE_FIELDS and key != "entry_date":
                note[key] = _text(key, item)
        notes.append(note)
    return notes


def read_jsonl(text: str, *, max_line_chars: int) -> list[RawRow]:
    check_line_lengths(text, max_chars=max_line_chars)
    rows = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            rows.append(RawRow(number=number, problem="bad_json"))
            continue
        rows.append(row_from_json(number, obj))
    return rows


def _typed(name: str, value: str) -> Any:
    if name in LIST_FIELDS:
        return [line for line in value.split("\n") if line]
    if name in BOOLEAN_FIELDS:
        return value == "true"
    return value or None


def record_to_json(person: dict[str, str], notes: list[dict[str, str]]) -> dict[str, Any]:
    """The JSON object for one person (the API's record body without its provenance)."""
    obj: dict[str, Any] = {"source_record_id": person.get("person_record_id", "")}
    for name in PERSON_FIELDS:
        if name != "person_record_id":
            obj[name] = _typed(name, person.get(name, ""))
    obj["notes"] = [
        {name: _typed(name, note[name]) for name in PFIF_NOTE_FIELDS if name in note}
        for note in notes
    ]
    return obj


def write_jsonl(people: Iterable[tuple[dict[str, str], list[dict[str, str]]]]) -> bytes:
    lines = (
        json.dumps(record_to_json(person, notes), ensure_ascii=False, separators=(",", ":"))
        for person, notes in people
    )
    return "".join(line + "\n" for line in lines).encode("utf-8")
