#!/usr/bin/env python3
"""Fit the comparison-level weights of ``matching.score`` on labelled record pairs.

A logistic regression on one-hot comparison levels (plus the surname
term-frequency bits) is the discriminative counterpart of Fellegi–Sunter's
m/u estimation; its coefficients divided by ln 2 are match weights in bits.
Each pair is used twice: with full records and with birth date, place and sex
hidden, so the weights serve names-only comparisons too.  The printed table is
pasted into ``matching/score.py`` (rounded) after review.

    python tools/fit_weights.py PATH/TO/bench/data [more labelled dirs ...]
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching.bench.adapter import bench_record  # noqa: E402
from matching.features import prepare  # noqa: E402
from matching.record import record_from_mapping  # noqa: E402
from matching.score import WEIGHTS, evaluate  # noqa: E402

MASK = ("birth_date", "birth_place", "sex")


def rows(data: Path) -> list[tuple[dict[str, float], int]]:
    def load(name: str) -> dict[str, dict[str, object]]:
        with open(data / name, encoding="utf-8") as fh:
            return {r["id"]: r for r in map(json.loads, fh)}

    recs = {**load("queries.jsonl"), **load("candidates.jsonl")}
    out = []
    with open(data / "record_pairs.jsonl", encoding="utf-8") as fh:
        pairs = [json.loads(line) for line in fh]
    for masked in (False, True):
        for p in pairs:
            a, b = dict(recs[p["query_id"]]), dict(recs[p["candidate_id"]])
            if masked:
                for f in MASK:
                    a[f] = b[f] = None
            fa = prepare(record_from_mapping(bench_record(a)))
            fb = prepare(record_from_mapping(bench_record(b)))
            sc = evaluate(fa, fb)
            x: dict[str, float] = {"prior": 1.0}
            for c, _w in sc.comparisons:
                if c.key != "no_data":
                    x[f"{c.field}.{c.key}"] = 1.0
                if c.tf_bits:
                    x["tf"] = c.tf_bits
            if sc.swapped:
                x["swapped"] = 1.0
            out.append((x, int(p["label"])))
    return out


def fit(
    data: list[tuple[dict[str, float], int]], l2: float = 0.02, epochs: int = 300
) -> dict[str, float]:
    w: dict[str, float] = {}
    for x, _ in data:
        for k in x:
            w.setdefault(k, 0.0)
    n = len(data)
    lr = 0.5
    for _ in range(epochs):
        grad = dict.fromkeys(w, 0.0)
        for x, y in data:
            z = sum(w[k] * v for k, v in x.items())
            p = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
            for k, v in x.items():
                grad[k] += (p - y) * v
        for k in w:
            reg = 0.0 if k == "prior" else l2 * w[k]
            w[k] -= lr * (grad[k] / n + reg)
    return {k: v / math.log(2) for k, v in w.items()}


def main() -> None:
    data: list[tuple[dict[str, float], int]] = []
    for d in sys.argv[1:]:
        data += rows(Path(d))
    bits = fit(data)
    for fld, levels in WEIGHTS.items():
        print(fld, {k: round(bits.get(f"{fld}.{k}", 0.0), 2) for k in levels if k != "no_data"})
    print(
        "prior",
        round(bits["prior"], 2),
        "tf",
        round(bits.get("tf", 0.0), 2),
        "swapped",
        round(bits.get("swapped", 0.0), 2),
    )


if __name__ == "__main__":
    main()
