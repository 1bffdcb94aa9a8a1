"""How well can any matcher do on the development set when only names are shown?

``python tools/names_only_ceiling.py ../shared/bench/data``

Uses ``record_meta.jsonl`` (the truth behind each record — for error analysis only, never
fed to the matcher): two different people whose given name, surname and (when both
records carry one) patronymic are the same name are indistinguishable once birth date,
place and sex are hidden. Prints the best record-pair F1 any names-only matcher can reach
(every such namesake pair scored like a true pair) and the expected top-1 of the
retrieval task when such ties are broken at random.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _lines(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _same_names(a: dict[str, Any], b: dict[str, Any], truth_a: Any, truth_b: Any) -> bool:
    if (truth_a["given_uk"], truth_a["surname_uk"]) != (truth_b["given_uk"], truth_b["surname_uk"]):
        return False
    if a.get("patronymic") and b.get("patronymic"):
        return bool(truth_a["patronymic_uk"] == truth_b["patronymic_uk"])
    return True


def main(data: Path) -> None:
    queries, candidate_rows = _lines(data / "queries.jsonl"), _lines(data / "candidates.jsonl")
    records = {r["id"]: r for r in queries + candidate_rows}
    truth = {r["id"]: r["truth"] for r in _lines(data / "record_meta.jsonl")}

    positives = namesakes = 0
    for pair in _lines(data / "record_pairs.jsonl"):
        q, c = pair["query_id"], pair["candidate_id"]
        if pair["label"] == 1:
            positives += 1
        elif _same_names(records[q], records[c], truth[q], truth[c]):
            namesakes += 1
    precision = positives / (positives + namesakes)
    print(f"record pairs: {positives} true, {namesakes} different people with the same names")
    print(f"names-only record-pair F1 ceiling: {2 * precision / (precision + 1):.3f}")

    gold = {r["query_id"]: set(r["candidate_ids"]) for r in _lines(data / "gold_links.jsonl")}
    order = json.loads((data / "retrieval_query_order.json").read_text())[:200]
    candidates = [r["id"] for r in candidate_rows]
    expected = 0.0
    for q in order:
        ties = sum(
            1
            for c in candidates
            if c not in gold.get(q, ()) and _same_names(records[q], records[c], truth[q], truth[c])
        )
        if gold.get(q):
            expected += len(gold[q]) / (len(gold[q]) + ties)
    print(f"names-only top-1 ceiling (200 retrieval queries, ties at random): {expected / 200:.3f}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/bench/data"))
