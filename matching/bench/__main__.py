"""``python -m matching.bench [--dev-set DIR]`` — quality and speed, beside the baselines.

Runs on the repository's own labelled set (``matching/data/bench_set.jsonl.gz``,
made by ``tools/build_bench_set.py``) and the golden pairs, and — given the
path — on the development set (``../shared/bench/data``): record-pair
precision/recall/F1 (full and names-only), top-1/top-5/MRR retrieval,
given-name-pair F1, blocking recall and candidates per query, pairs per second
and link time — and links 10,000 synthetic queries against 100,000 candidates.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from matching.bench.adapter import BenchMatcher, bench_record
from matching.bench.baselines import BASELINES
from matching.bench.scale import link_at_scale, synthetic_people
from matching.features import prepare
from matching.index import Index
from matching.keys import CANDIDATES_PER_RECORD
from matching.record import record_from_mapping

Rec = Mapping[str, Any]
MASK = ("birth_date", "birth_place", "sex")


def best_f1(scores: Sequence[float], labels: Sequence[int]) -> tuple[float, float, float]:
    """(F1, precision, recall) at the best threshold (score >= t is a match)."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    npos = sum(labels)
    tp = fp = 0
    best = (0.0, 0.0, 0.0)
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and scores[order[j]] == scores[order[i]]:
            tp += labels[order[j]]
            fp += 1 - labels[order[j]]
            j += 1
        p, r = tp / (tp + fp), tp / npos if npos else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        if f > best[0]:
            best = (f, p, r)
        i = j
    return best


def masked(r: Rec) -> dict[str, Any]:
    out = {k: (None if k in MASK else v) for k, v in r.items()}
    if out.get("id") is not None:
        out["id"] = f"{out['id']}#names"
    return out


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def pair_metrics(
    score: Callable[[Rec, Rec], float], pairs: Sequence[tuple[Rec, Rec, int]]
) -> dict[str, float]:
    t0 = time.perf_counter()
    full = [score(a, b) for a, b, _ in pairs]
    elapsed = time.perf_counter() - t0
    names = [score(masked(a), masked(b)) for a, b, _ in pairs]
    labels = [y for _, _, y in pairs]
    f, p, r = best_f1(full, labels)
    fn, pn, rn = best_f1(names, labels)
    return {
        "f1": f,
        "p": p,
        "r": r,
        "f1_names": fn,
        "p_names": pn,
        "r_names": rn,
        "pairs_per_s": len(pairs) / elapsed if elapsed else 0.0,
    }


def retrieval(
    rank: Callable[[Rec, Sequence[Rec]], list[str]],
    queries: Sequence[Rec],
    cands: Sequence[Rec],
    gold: Mapping[str, set[str]],
) -> dict[str, float]:
    top1 = top5 = rr = 0.0
    for q in queries:
        ranked = rank(q, cands)
        pos = next((i for i, c in enumerate(ranked) if c in gold[q["id"]]), None)
        top1 += pos == 0
        top5 += pos is not None and pos < 5
        rr += 1 / (pos + 1) if pos is not None else 0.0
    n = len(queries) or 1
    return {"top1": top1 / n, "top5": top5 / n, "mrr": rr / n}


def brute_rank(score: Callable[[Rec, Rec], float]) -> Callable[[Rec, Sequence[Rec]], list[str]]:
    def rank(q: Rec, cands: Sequence[Rec]) -> list[str]:
        scored = sorted((-score(q, c), str(c["id"])) for c in cands)
        return [cid for _, cid in scored[:100]]

    return rank


def blocking(
    queries: Sequence[Rec], cands: Sequence[Rec], gold: Mapping[str, set[str]]
) -> dict[str, float]:
    index = Index(bench_record(c) for c in cands)
    found = total = ncand = 0
    t0 = time.perf_counter()
    for q in queries:
        ids = set(index.candidate_ids(bench_record(q)))
        ncand += len(ids)
        for g in gold[q["id"]]:
            total += 1
            found += g in ids
    t_block = time.perf_counter() - t0
    # the app scores a record's first 30 candidates by the weight of the keys they share
    in_top = 0
    for q in queries:
        kept = set(index.ranked_candidate_ids(bench_record(q), top=CANDIDATES_PER_RECORD))
        in_top += len(gold[q["id"]] & kept)
    t0 = time.perf_counter()
    for q in queries:
        index.candidates(bench_record(q), top=5)
    t_link = time.perf_counter() - t0
    return {
        "recall": found / total if total else 1.0,
        "recall_top": in_top / total if total else 1.0,
        "cands": ncand / max(1, len(queries)),
        "block_s": t_block,
        "link_s": t_link,
        "n_q": len(queries),
        "n_c": len(cands),
    }


def fmt_row(name: str, m: Mapping[str, float]) -> str:
    def g(k: str) -> str:
        return f"{m[k]:.3f}" if k in m else "  -  "

    return (
        f"| {name} | {g('names_f1')} | {g('f1')} | {g('top1')} | {g('top5')} | {g('mrr')} | "
        f"{g('f1_names')} | {g('top1_names')} | {m.get('pairs_per_s', 0):,.0f} |"
    )


HEADER = (
    "| matcher | name-pair F1 | record F1 full | top-1 full | top-5 full | MRR full | "
    "record F1 names-only | top-1 names-only | pairs/s |\n|---|---|---|---|---|---|---|---|---|"
)


def run_dev(path: Path, nq: int) -> None:
    queries = {r["id"]: r for r in read_jsonl(path / "queries.jsonl")}
    cands = {r["id"]: r for r in read_jsonl(path / "candidates.jsonl")}
    gold = {r["query_id"]: set(r["candidate_ids"]) for r in read_jsonl(path / "gold_links.jsonl")}
    pairs = [
        (queries[p["query_id"]], cands[p["candidate_id"]], int(p["label"]))
        for p in read_jsonl(path / "record_pairs.jsonl")
    ]
    names = read_jsonl(path / "name_pairs.jsonl")
    order = json.loads((path / "retrieval_query_order.json").read_text())[:nq]
    rq = [queries[q] for q in order]
    cand_list = list(cands.values())
    print(
        f"\n## Development set ({path}) — {len(pairs)} record pairs, {len(names)} name pairs, "
        f"retrieval {len(rq)} queries x {len(cand_list)} candidates\n"
    )
    print(HEADER)
    ours = BenchMatcher()
    rows: list[tuple[str, Any, Callable[[Rec, Sequence[Rec]], list[str]]]] = [
        ("**matching (this project)**", ours, lambda q, c: [cid for cid, _ in ours.rank(q, c)])
    ]
    for b in BASELINES:
        rows.append((b.name, b, brute_rank(b.score)))
    for label, m, rank in rows:
        res = pair_metrics(m.score, pairs)
        nl = [int(p["label"]) for p in names]
        res["names_f1"] = best_f1([m.score_name(p["a"], p["b"]) for p in names], nl)[0]
        res.update(retrieval(rank, rq, cand_list, gold))
        res["top1_names"] = retrieval(_masked_rank(rank), rq, cand_list, gold)["top1"]
        print(fmt_row(label, res), flush=True)
    blk = blocking(list(queries.values()), cand_list, gold)
    print(
        f"\nblocking recall {blk['recall']:.4f} ({blk['recall_top']:.4f} within the first "
        f"{CANDIDATES_PER_RECORD} by key weight), {blk['cands']:.1f} candidates per query "
        f"({blk['n_q']} queries x {blk['n_c']} candidates); link (blocking + scoring, top 5) "
        f"{blk['link_s']:.1f} s"
    )


def _masked_rank(
    rank: Callable[[Rec, Sequence[Rec]], list[str]],
) -> Callable[[Rec, Sequence[Rec]], list[str]]:
    def masked_rank(q: Rec, cands: Sequence[Rec]) -> list[str]:
        return [cid.removesuffix("#names") for cid in rank(masked(q), [masked(x) for x in cands])]

    return masked_rank


def run_own(nq: int) -> None:
    ref = resources.files("matching") / "data" / "bench_set.jsonl.gz"
    with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    pairs = [(r["left"], r["right"], int(r["label"])) for r in rows]
    print(f"## Repository set (matching/data/bench_set.jsonl.gz) — {len(pairs)} record pairs\n")
    print(HEADER)
    scorers: list[tuple[str, Callable[[Rec, Rec], float]]] = [
        ("**matching (this project)**", BenchMatcher().score),
        *((b.name, b.score) for b in BASELINES),
    ]
    for label, score in scorers:
        print(fmt_row(label, pair_metrics(score, pairs)), flush=True)


def speed() -> None:
    recs = [
        prepare(record_from_mapping({"given_name": g, "family_name": f, "date_of_birth": d}))
        for g, f, d in [
            ("Олександр", "Ковальов", "2012-03-04"),
            ("Aleksandr", "Kovalev", "2012-04-03"),
            ("Марія", "Шевченко", "2015"),
            ("Mariia", "Schewtschenko", "2015-01-01"),
        ]
    ]
    from matching.matcher import compare_prepared

    n = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 1.0:
        for a in recs:
            for b in recs:
                compare_prepared(a, b)
                n += 1
    print(
        f"\ncompare on prepared records: {n / (time.perf_counter() - t0):,.0f} pairs/s (one core)"
    )


def link_scale(n_candidates: int, n_queries: int) -> None:
    candidates, queries, gold = synthetic_people(n_candidates, n_queries)
    f = link_at_scale(candidates, queries, gold)
    print(
        f"link {f.n_queries:,} queries x {f.n_candidates:,} synthetic candidates, top 5: "
        f"{f.build_s + f.link_s:.1f} s (index {f.build_s:.1f} s + queries {f.link_s:.1f} s), "
        f"{f.candidates_per_query:.1f} blocked candidates per query, "
        f"listed person first for {f.top1:.3f} of queries"
    )


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m matching.bench", description=__doc__)
    ap.add_argument("--dev-set", type=Path, help="path to the development set's data/ folder")
    ap.add_argument("--retrieval-queries", type=int, default=200)
    ap.add_argument("--link-candidates", type=int, default=100_000)
    ap.add_argument("--link-queries", type=int, default=10_000)
    args = ap.parse_args()
    run_own(args.retrieval_queries)
    speed()
    link_scale(args.link_candidates, args.link_queries)
    if args.dev_set:
        run_dev(args.dev_set, args.retrieval_queries)


if __name__ == "__main__":
    main()
