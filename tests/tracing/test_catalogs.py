"""Every page string is translated into Ukrainian, English and Russian, and up to date."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from tests.conftest import REPO

LOCALES = ("uk", "en", "ru")
CATALOGS = REPO / "tracing" / "translations"


@pytest.fixture(scope="module")
def template() -> Catalog:
    """The message template regenerated from today's code (not a stored copy)."""
    from tools.update_catalogs import extract

    return extract()


def _catalog(locale: str) -> Catalog:
    with (CATALOGS / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


def _ids(catalog: Catalog) -> set[object]:
    return {m.id for m in catalog if m.id}


def test_the_template_is_not_empty(template: Catalog) -> None:
    assert len(_ids(template)) > 100
    assert "Report a missing child" in _ids(template)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_every_message_of_the_code(template: Catalog, locale: str) -> None:
    missing = _ids(template) - _ids(_catalog(locale))
    assert not missing, (
        f"{locale}: missing (run `make translations-update`): {sorted(map(str, missing))[:10]}"
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_nothing_the_code_no_longer_uses(template: Catalog, locale: str) -> None:
    stale = _ids(_catalog(locale)) - _ids(template)
    assert not stale, f"{locale}: obsolete messages: {sorted(map(str, stale))[:10]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_and_not_fuzzy(locale: str) -> None:
    problems = []
    for message in _catalog(locale):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
    assert not problems, f"{locale}: untranslated or fuzzy: {problems[:10]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_survive_translation(locale: str) -> None:
    catalog = _catalog(locale)
    errors = [(m.id, e) for m, e in catalog.check()]
    assert not errors, errors[:5]


@pytest.mark.parametrize("locale", ["uk", "ru"])
def test_slavic_catalogs_have_three_plural_forms(locale: str) -> None:
    assert _catalog(locale).num_plurals == 3


def test_compiled_catalogs_are_not_older_than_the_sources() -> None:
    for locale in LOCALES:
        po = CATALOGS / locale / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, locale


def test_every_reason_the_matcher_gives_has_a_translated_sentence() -> None:
    from matching.explain import reason_codes
    from tracing.reasons import REASON_TEMPLATES

    missing = reason_codes() - set(REASON_TEMPLATES)
    assert not missing, f"reason codes shown only in English: {sorted(missing)}"
