"""PFIF XML: read versions 1.1 to 1.4 safely, write PFIF 1.4.

Reading refuses any DOCTYPE or entity declaration outright (no external entities, no
entity expansion, so no XXE and no billion laughs), never touches the network, and keeps
libxml2's limits on huge text nodes. Older versions' fields are renamed as PFIF 1.4 did
(``first_name`` → ``given_name``, ``home_zip`` → ``home_postal_code``, ``found`` →
``author_made_contact``, ``other`` → ``description``). Every value is whitespace-stripped
by the validation step, as Person Finder's fixtures expect.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from tracing.exchange.decoding import FileRejected
from tracing.exchange.fields import (
    PFIF_NOTE_FIELDS,
    PFIF_PERSON_FIELDS,
    READ_ONLY_FIELDS,
    RawRow,
)

PFIF_14 = "http://zesty.ca/pfif/1.4"
VERSIONS = {f"http://zesty.ca/pfif/1.{minor}": f"1.{minor}" for minor in (1, 2, 3, 4)}
SCHEMA_PATH = Path(__file__).parent / "schema" / "pfif-1.4.rng"

RENAMED = {
    "home_zip": "home_postal_code",  # PFIF 1.2
    "first_name": "given_name",  # PFIF 1.4
    "last_name": "family_name",  # PFIF 1.4
    "found": "author_made_contact",  # PFIF 1.4
    "other": "description",  # PFIF 1.4
}
_PERSON_NAMES = frozenset(PFIF_PERSON_FIELDS) | {"first_name", "last_name", "home_zip", "other"}
_NOTE_NAMES = frozenset(PFIF_NOTE_FIELDS) | {"found"}
_DESCRIPTION_LABEL = "description:"
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)

# What PFIF 1.4's schema allows in typed fields; other values are left out of an export.
MANDATORY_PERSON = ("person_record_id", "source_date", "full_name")
MANDATORY_NOTE = ("note_record_id", "author_name", "source_date", "text")
_PATTERNS = {
    "person_record_id": re.compile(r".+/.+", re.DOTALL),
    "note_record_id": re.compile(r".+/.+", re.DOTALL),
    "linked_person_record_id": re.compile(r".+/.+", re.DOTALL),
    "entry_date": re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"),
    "expiry_date": re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"),
    "source_date": re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"),
    "author_email": re.compile(r".+@.+", re.DOTALL),
    "email_of_found_person": re.compile(r".+@.+", re.DOTALL),
    "author_phone": re.compile(r"[\-+()\d ]+"),
    "phone_of_found_person": re.compile(r"[\-+()\d ]+"),
    "sex": re.compile(r"female|male|other"),
    "date_of_birth": re.compile(r"\d{4}(-\d\d(-\d\d)?)?"),
    "age": re.compile(r"\d+(-\d+)?"),
    "home_country": re.compile(r"[A-Z][A-Z]"),
    "author_made_contact": re.compile(r"true|false"),
    "status": re.compile(
        r"information_sought|is_note_author|believed_alive|believed_missing|believed_dead"
    ),
}
# Characters XML 1.0 cannot carry at all.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def schema_allows(name: str, value: str) -> bool:
    pattern = _PATTERNS.get(name)
    return pattern is None or pattern.fullmatch(value) is not None


def description_from_other(other: str) -> str:
    """PFIF 1.3's ``other`` as PFIF 1.4's ``description``.

    ``other`` held ``label: value`` lines; when its only label is ``description:``, the
    text after it is the description. Any other label keeps ``other`` whole, so nothing
    is lost.
    """
    lines = []
    labelled = False
    for line in other.splitlines(keepends=True):
        if line.startswith(_DESCRIPTION_LABEL):
            labelled = True
            line = line[len(_DESCRIPTION_LABEL) :]
            if not line.strip():
                continue
        elif re.match(r"\S+:", line):
            return other
        lines.append(line.lstrip(" \t"))
    return "".join(lines) if labelled else other


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _fields(
    element: etree._Element, namespace: str, known: frozenset[str], row: RawRow
) -> dict[str, str]:
    values: dict[str, str] = {}
    for child in element:  # comments and processing instructions are not parsed
        qname = etree.QName(child)
        if qname.localname == "note" and qname.namespace == namespace:
            continue  # a person's notes are read on their own
        if qname.namespace != namespace or qname.localname not in known:
            row.unknown.append(qname.localname)
            continue
        name = RENAMED.get(qname.localname, qname.localname)
        text = "".join(str(part) for part in child.itertext())
        if qname.localname == "other":
            text = description_from_other(text)
        # entry_date is the receiving repository's to set; a person's status comes from notes
        if name != "entry_date" and not (known is _PERSON_NAMES and name in READ_ONLY_FIELDS):
            values[name] = text
    return values


def read_pfif(data: bytes) -> list[RawRow]:
    if _DECLARATION.search(data):
        raise FileRejected("xml_doctype")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise FileRejected("xml_malformed", line=exc.lineno or 1) from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise FileRejected("xml_doctype")
    qname = etree.QName(root)
    namespace = qname.namespace or ""
    if qname.localname != "pfif" or namespace not in VERSIONS:
        raise FileRejected("not_pfif")
    rows = []
    for child in root:
        local = etree.QName(child).localname
        row = RawRow(number=int(child.sourceline or 0))
        if local == "person" and etree.QName(child).namespace == namespace:
            row.person = _fields(child, namespace, _PERSON_NAMES, row)
            for note_element in child.iterfind(f"{{{namespace}}}note"):
                note = _fields(note_element, namespace, _NOTE_NAMES, row)
                # A note inside a person belongs to it, whatever it says (as Person Finder).
                note["person_record_id"] = row.person.get("person_record_id", "")
                row.notes.append(note)
        elif local == "note" and etree.QName(child).namespace == namespace:
            row.notes.append(_fields(child, namespace, _NOTE_NAMES, row))
            row.note_only = True
        else:
            row.unknown.append(local)
            continue
        rows.append(row)
    return rows


def _add(parent: etree._Element, name: str, value: str) -> None:
    etree.SubElement(parent, f"{{{PFIF_14}}}{name}").text = _NOT_XML.sub("", value)


def write_pfif(people: Iterable[tuple[dict[str, str], list[dict[str, str]]]]) -> bytes:
    """A PFIF 1.4 document; values the schema forbids (say, an e-mail field without an
    ``@``) are left out, so the document always validates."""
    root = etree.Element(f"{{{PFIF_14}}}pfif", nsmap={"pfif": PFIF_14})
    for person, notes in people:
        element = etree.SubElement(root, f"{{{PFIF_14}}}person")
        for name in PFIF_PERSON_FIELDS:
            value = person.get(name, "")
            if (value and schema_allows(name, value)) or name in MANDATORY_PERSON:
                _add(element, name, value)
        for note in notes:
            note_element = etree.SubElement(element, f"{{{PFIF_14}}}note")
            for name in PFIF_NOTE_FIELDS:
                value = note.get(name, "")
                if (value and schema_allows(name, value)) or name in MANDATORY_NOTE:
                    _add(note_element, name, value)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA_PATH)))
