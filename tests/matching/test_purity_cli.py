from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent


def run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=120,
    )


def test_import_is_pure() -> None:
    code = (
        "import sys, matching; matching.compare({'given_name': 'A'}, {'given_name': 'B'}); "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('flask', 'sqlalchemy', 'tracing', 'unidecode', 'translitua', 'iuliia')]; print(bad)"
    )
    out = run(["-c", code])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_cli_compare_answers_good_lines_and_names_bad_ones() -> None:
    lines = [
        json.dumps(
            {
                "left": {"given_name": "Олександр", "family_name": "Ковальов"},
                "right": {"given_name": "Aleksandr", "family_name": "Kovalev", "sex": "M"},
            }
        ),
        "not json",
        json.dumps({"left": {"given_name": "A", "date_of_birth": "2012-13-01"}, "right": {}}),
        json.dumps({"left": {}, "right": {"sex": "X"}}),
        json.dumps({"left": {"given_name": "Ivan"}}),
    ]
    out = run(["-m", "matching", "compare"], "\n".join(lines) + "\n")
    assert out.returncode == 1
    rows = [json.loads(x) for x in out.stdout.splitlines()]
    assert len(rows) == 5
    assert set(rows[0]) == {"score", "band", "reasons"}
    assert rows[1]["line"] == 2
    assert "JSON" in rows[1]["error"]
    assert rows[2] == {"line": 3, "field": "left.date_of_birth", "error": rows[2]["error"]}
    assert rows[3]["field"] == "right.sex"
    assert rows[4]["line"] == 5
    assert "line 3: left.date_of_birth" in out.stderr
    assert "Traceback" not in out.stderr


def test_cli_link(tmp_path: Path) -> None:
    q = tmp_path / "q.jsonl"
    c = tmp_path / "c.jsonl"
    q.write_text(
        json.dumps(
            {
                "id": "q1",
                "given_name": "Марія",
                "family_name": "Шевченко",
                "date_of_birth": "2015-02-03",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    c.write_text(
        "\n".join(
            [
                json.dumps(
                    {
                        "id": "c1",
                        "given_name": "Mariia",
                        "family_name": "Shevchenko",
                        "birth_date": "2015-02-03",
                    }
                ),
                json.dumps(
                    {
                        "id": "c2",
                        "given_name": "Maria",
                        "family_name": "Schewtschenko",
                        "birth_date": "2015",
                    }
                ),
                json.dumps(
                    {
                        "id": "c3",
                        "given_name": "Petro",
                        "family_name": "Shevchenko",
                        "birth_date": "2019-02-03",
                    }
                ),
                json.dumps({"id": "c4", "sex": "nope"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    out = run(["-m", "matching", "link", str(q), str(c), "--top", "2"])
    rows = [json.loads(x) for x in out.stdout.splitlines()]
    err = [r for r in rows if "error" in r]
    res = [r for r in rows if "query" in r]
    assert err[0]["line"] == 4
    assert err[0]["field"] == "sex"
    assert res[0]["query"] == "q1"
    assert [x["id"] for x in res[0]["candidates"]] == ["c1", "c2"]
    assert res[0]["candidates"][0]["band"] == "match"
