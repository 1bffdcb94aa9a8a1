"""Command line: ``python -m matching compare`` and ``python -m matching link``.

compare
    reads JSON Lines of ``{"left": record, "right": record}`` on stdin and
    writes one line ``{"score", "band", "reasons"}`` per input line.
link QUERIES.jsonl CANDIDATES.jsonl --top K
    writes one line per query: ``{"query": id, "candidates": [{"id", "score",
    "band"}, ...]}``, best first, using the blocking index.

A bad line gets ``{"line": N, "error": ..., "field": ...}`` on stdout and a
message on stderr naming the line and the field; the other lines are answered.
The exit status is 1 if any line was bad.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from typing import IO, Any

from matching.index import Index
from matching.matcher import MATCHER_VERSION, compare
from matching.record import Record, RecordError, record_from_mapping


def _error(out: IO[str], line: int, message: str, field: str | None, source: str = "") -> None:
    where = f"{source}line {line}"
    print(f"{where}: {field + ': ' if field else ''}{message}", file=sys.stderr)
    payload: dict[str, Any] = {"line": line, "error": message}
    if field:
        payload["field"] = field
    if source:
        payload["file"] = source.rstrip(": ")
    out.write(json.dumps(payload, ensure_ascii=False) + "\n")


def _json_lines(stream: IO[str]) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(stream, start=1):
        if line.strip():
            yield number, line


def run_compare(stdin: IO[str], stdout: IO[str]) -> int:
    bad = 0
    for number, line in _json_lines(stdin):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            _error(stdout, number, f"not valid JSON ({exc.msg})", None)
            bad += 1
            continue
        if not isinstance(obj, dict) or "left" not in obj or "right" not in obj:
            _error(stdout, number, 'expected an object with "left" and "right"', None)
            bad += 1
            continue
        try:
            left = record_from_mapping(obj["left"]) if obj["left"] is not None else None
            if left is None:
                raise RecordError("left", "missing record")
        except RecordError as exc:
            _error(stdout, number, exc.message, f"left.{exc.field}")
            bad += 1
            continue
        try:
            right = record_from_mapping(obj["right"]) if obj["right"] is not None else None
            if right is None:
                raise RecordError("right", "missing record")
        except RecordError as exc:
            _error(stdout, number, exc.message, f"right.{exc.field}")
            bad += 1
            continue
        stdout.write(json.dumps(compare(left, right).to_dict(), ensure_ascii=False) + "\n")
    return 1 if bad else 0


def _read_records(path: str, stdout: IO[str]) -> tuple[list[Record], int]:
    records: list[Record] = []
    bad = 0
    with open(path, encoding="utf-8") as fh:
        for number, line in _json_lines(fh):
            try:
                obj = json.loads(line)
                rec = record_from_mapping(obj)
            except json.JSONDecodeError as exc:
                _error(stdout, number, f"not valid JSON ({exc.msg})", None, f"{path}: ")
                bad += 1
                continue
            except RecordError as exc:
                _error(stdout, number, exc.message, exc.field, f"{path}: ")
                bad += 1
                continue
            if rec.id is None:
                rec = Record(**{**_fields(rec), "id": str(number)})
            records.append(rec)
    return records, bad


def _fields(rec: Record) -> dict[str, Any]:
    return {name: getattr(rec, name) for name in rec.__dataclass_fields__}


def run_link(queries: str, candidates: str, top: int, stdout: IO[str]) -> int:
    cands, bad_c = _read_records(candidates, stdout)
    index = Index(cands)
    qs, bad_q = _read_records(queries, stdout)
    for q in qs:
        found = index.candidates(q, top=top)
        stdout.write(
            json.dumps(
                {
                    "query": q.id,
                    "candidates": [
                        {"id": cid, "score": round(r.score, 6), "band": r.band.value}
                        for cid, r in found
                    ],
                },
                ensure_ascii=False,
            )
            + "\n"
        )
    return 1 if bad_c or bad_q else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m matching", description="Cross-script person matching."
    )
    parser.add_argument("--version", action="version", version=MATCHER_VERSION)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("compare", help="score JSON Lines of {left, right} record pairs from stdin")
    link = sub.add_parser("link", help="top candidates for each query record")
    link.add_argument("queries")
    link.add_argument("candidates")
    link.add_argument("--top", type=int, default=5)
    args = parser.parse_args(argv)
    if args.command == "compare":
        return run_compare(sys.stdin, sys.stdout)
    return run_link(args.queries, args.candidates, args.top, sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
