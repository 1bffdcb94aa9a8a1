"""Merge the strings of today's code into the uk/en/ru catalogs (``make translations-update``).

New strings arrive untranslated in uk and ru (the catalog test fails until someone
translates them) and as themselves in en, where the source strings are English already;
strings the code no longer uses are dropped. Written at width 100 with the header kept,
so a catalog's diff shows only what changed.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "tracing" / "translations"


def extract() -> Catalog:
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "babel.messages.frontend",
                "extract",
                "-F",
                "babel.cfg",
                "-k",
                "_l",
                "-k",
                "lazy_gettext",
                "-o",
                str(pot),
                "--no-location",
                "--omit-header",
                ".",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        with pot.open("rb") as fh:
            return read_po(fh)


def update(locale: str, template: Catalog) -> tuple[int, int]:
    path = CATALOGS / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    wanted = {m.id for m in template if m.id}
    stale = [m.id for m in catalog if m.id and m.id not in wanted]
    for msgid in stale:
        del catalog[msgid]
    added = 0
    for message in template:
        if not message.id or message.id in catalog:
            continue
        if locale == "en":
            string: str | tuple[str, ...] = message.id
        elif isinstance(message.id, tuple):
            string = ("",) * catalog.num_plurals
        else:
            string = ""
        catalog.add(message.id, string, flags=message.flags)
        added += 1
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, no_location=True, sort_output=True)
    return added, len(stale)


def main() -> None:
    template = extract()
    for locale in ("uk", "en", "ru"):
        added, removed = update(locale, template)
        print(f"{locale}: {added} new, {removed} removed")


if __name__ == "__main__":
    main()
