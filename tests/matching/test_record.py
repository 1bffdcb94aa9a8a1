from __future__ import annotations

import datetime as dt

import pytest

from matching import Record, RecordError, record_from_mapping


def test_aliases_and_fields() -> None:
    r = record_from_mapping(
        {
            "id": 7,
            "given_name": " Ганна ",
            "sex": "F",
            "birth_date": "2014-03",
            "alternate_names": ["Anna Kovalenko"],
            "age": "9-10",
            "source_date": "2024-01-31",
        }
    )
    assert r == Record(
        id="7",
        given_name="Ганна",
        sex="female",
        date_of_birth=r.date_of_birth,
        alternate_names=("Anna Kovalenko",),
        age=(9, 10),
        source_date=dt.date(2024, 1, 31),
    )
    assert str(r.date_of_birth) == "2014-03"
    assert r.birth_years() == (2014, 2014)


def test_age_gives_birth_years() -> None:
    r = record_from_mapping({"age": "10", "source_date": "2024-06-01"})
    assert r.birth_years() == (2013, 2014)


@pytest.mark.parametrize(
    ("mapping", "field"),
    [
        ({"sex": "X"}, "sex"),
        ({"date_of_birth": "2014-13-01"}, "date_of_birth"),
        ({"birth_date": "yesterday"}, "birth_date"),
        ({"age": "ten"}, "age"),
        ({"alternate_names": [1]}, "alternate_names"),
        ({"given_name": 5}, "given_name"),
        ({"date_of_birth": "2014-02-30"}, "date_of_birth"),
        ({"source_date": "soon"}, "source_date"),
    ],
)
def test_bad_fields_name_the_field(mapping: dict[str, object], field: str) -> None:
    with pytest.raises(RecordError) as err:
        record_from_mapping(mapping)
    assert err.value.field == field
