#!/usr/bin/env python3
"""Fit the comparison-level weights of ``matching.score`` on labelled record pairs.

A logistic regression on one-hot comparison levels (plus the surname
term-frequency bits) is the discriminative counterpart of Fellegi–Sunter's
m/u estimation; its coefficients divided by ln 2 are match weights in bits.
Each pair is used twice: with full records and with birth date, place and sex
hidden, so the weights serve names-only comparisons too.  The printed table is
pasted into ``matching/score.py`` (rounded) after review.  Needs numpy and scipy
(``pip install numpy scipy``; not dependencies of the package).

    python tools/fit_weights.py PATH/TO/bench/data [more labelled dirs ...] [--l2 1.0]
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

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


def fit(data: list[tuple[dict[str, float], int]], l2: float = 1.0) -> dict[str, float]:
    """L2-regularised logistic regression (L-BFGS); coefficients in bits."""
    import numpy as np
    from scipy.optimize import minimize

    names = sorted({k for x, _ in data for k in x if k != "prior"})
    col = {k: i for i, k in enumerate(names)}
    x = np.zeros((len(data), len(names) + 1))
    x[:, -1] = 1.0  # the intercept: the prior, not regularised
    for i, (row, _) in enumerate(data):
        for k, v in row.items():
            if k != "prior":
                x[i, col[k]] = v
    y = np.array([label for _, label in data], dtype=float)

    def loss(w: Any) -> tuple[float, Any]:
        z = x @ w
        grad = x.T @ (1.0 / (1.0 + np.exp(-z)) - y)
        grad[:-1] += l2 * w[:-1]
        value = np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * np.sum(w[:-1] ** 2)
        return float(value), grad

    w = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B").x / math.log(2)
    out = {k: float(w[i]) for k, i in col.items()}
    out["prior"] = float(w[-1])
    return out


def main() -> None:
    args = sys.argv[1:]
    l2 = 1.0
    if "--l2" in args:
        at = args.index("--l2")
        l2 = float(args[at + 1])
        del args[at : at + 2]
    data: list[tuple[dict[str, float], int]] = []
    for d in args:
        data += rows(Path(d))
    bits = fit(data, l2)
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
