from __future__ import annotations

import pytest

from matching.normalize import detect_script, language_hint, normalize_text, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Мар’яна", "мар'яна"),
        ("Мар`яна", "мар'яна"),
        ("МАРʼЯНА", "мар'яна"),
        ("А́нна", "анна"),
        ("  Анна  -  Марія ", "анна-марія"),
        ("Софiя", "софія"),
        ("Dmitrij", "dmitrij"),
        ("Ol'ga", "ol'ga"),
    ],
)
def test_normalize_text(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


def test_homoglyph_in_cyrillic_word() -> None:
    assert normalize_text("Дмитpий") == "дмитрий"  # Latin p
    assert normalize_text("Mарина") == "марина"  # Latin M


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Олександр", "cyrillic"),
        ("Oleksandr", "latin"),
        ("Олекsandr", "mixed"),
        ("", "other"),
        (None, "other"),
        ("123", "other"),
        ("ოლეგი", "other"),
    ],
)
def test_detect_script(text: str | None, script: str) -> None:
    assert detect_script(text) == script


def test_language_hint() -> None:
    assert language_hint("Григорій") == "uk"
    assert language_hint("Євген") == "uk"
    assert language_hint("Василий Ёлкин") == "ru"
    assert language_hint("Ўладзімір") == "be"
    assert language_hint("Анна") == "unknown"
    assert language_hint("Anna") == "unknown"


def test_tokens_keep_hyphenated_names() -> None:
    assert tokens("Анна-Марія  Петренко") == ("анна-марія", "петренко")
