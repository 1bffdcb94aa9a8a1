"""The rebuild's in-memory key index: the same candidates, in the same order, as the
join it replaces (here a plain-Python reference), and a saved copy that reads back."""

from __future__ import annotations

import heapq
import random
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from tracing.services import key_snapshot
from tracing.services.key_snapshot import KeySnapshot
from tracing.services.linking import WEIGHT_BITS


def _reference(
    rows: list[tuple[int, int]], subjects: list[int], limit: int
) -> dict[int, list[int]]:
    """Higher-id records sharing a key, heaviest summed key weight first, then lower id."""
    by_key: dict[int, set[int]] = {}
    for key, record in rows:
        by_key.setdefault(key, set()).add(record)
    found = {}
    for subject in subjects:
        weights: dict[int, int] = {}
        for key, record in rows:
            if record == subject:
                for other in by_key[key]:
                    if other > subject:
                        weights[other] = weights.get(other, 0) + (key & WEIGHT_BITS) + 1
        if weights:
            ranked = heapq.nsmallest(limit, ((-w, other) for other, w in weights.items()))
            found[subject] = [other for _, other in ranked]
    return found


def _snapshot(rows: list[tuple[int, int]]) -> KeySnapshot:
    shuffled = rows[:]  # as PostgreSQL may return them: in no particular order
    random.Random(1).shuffle(shuffled)
    array = np.array(shuffled, dtype=np.int64).reshape(-1, 2)
    order = np.lexsort((array[:, 1], array[:, 0]))
    return KeySnapshot.from_rows(array[order, 0].copy(), array[order, 1].copy())


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("small", [False, True], ids=["as-shipped", "small-blocks"])
def test_candidates_match_the_reference_join(
    seed: int, small: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if small:  # many index blocks, and subjects split over several packed sorts
        monkeypatch.setattr(key_snapshot, "_BLOCK", 4)
        monkeypatch.setattr(key_snapshot, "_MAX_SUBJECTS", 7)
    rng = random.Random(seed)
    # few keys over few records: many shared keys, ties in weight, more than the limit
    keys = [rng.randrange(-(2**63), 2**63) for _ in range(40)]
    rows = sorted({(rng.choice(keys), rng.randrange(1, 200)) for _ in range(1500)})
    snapshot = _snapshot(rows)
    subjects = rng.sample(range(1, 200), 50)
    subject_keys = [(record, key) for key, record in rows if record in subjects]
    for limit in (3, 30):
        assert snapshot.candidates_of(subject_keys, limit) == _reference(rows, subjects, limit)


def test_a_subject_without_higher_candidates_has_none() -> None:
    rows = [(8, 1), (8, 2), (12, 3)]
    snapshot = _snapshot(rows)
    assert snapshot.candidates_of([(2, 8), (3, 12)]) == {}
    assert snapshot.candidates_of([(1, 8), (1, 99)]) == {1: [2]}
    assert snapshot.candidates_of([]) == {}


def test_a_saved_snapshot_reads_back(tmp_path: Path) -> None:
    rows = [(-5, 4), (-5, 9), (7, 4), (7, 9), (7, 11)]
    _snapshot(rows).save(tmp_path)
    opened = KeySnapshot.open(tmp_path)
    assert list(zip(opened.keys.tolist(), opened.records.tolist(), strict=True)) == rows
    assert opened.candidates_of([(4, -5), (4, 7)]) == {4: [9, 11]}


class _Cursor:
    """A database that gains rows between counting and reading them."""

    def __init__(self, rows: list[tuple[int, int]]) -> None:
        self.rows = rows
        self.pending: list[list[tuple[int, int]]] = []

    def execute(self, sql: str) -> None:
        self.pending = [self.rows[:2], self.rows[2:]] if "key_hash," in sql else []

    def fetchone(self) -> tuple[int]:
        return (1,)

    def fetchmany(self, _size: int) -> list[tuple[int, int]]:
        return self.pending.pop(0) if self.pending else []

    def close(self) -> None:
        pass


def test_rows_written_while_reading_are_read_too() -> None:
    rows = [(7, 4), (3, 9), (7, 2)]  # out of order, as PostgreSQL may return them
    connection = SimpleNamespace(
        connection=SimpleNamespace(dbapi_connection=SimpleNamespace(cursor=lambda: _Cursor(rows)))
    )
    snapshot = KeySnapshot.read(connection)
    assert snapshot.keys.tolist() == [3, 7, 7]
    assert snapshot.records.tolist() == [9, 2, 4]


def test_row_sets_compare_in_any_order_and_name_the_records_that_differ() -> None:
    same_rows, differing_records = key_snapshot.same_rows, key_snapshot.differing_records
    records = np.array([1, 1, 2, 3, 3], np.int64)
    keys = np.array([5, -9, 5, 7, 2**62], np.int64)
    shuffled = np.random.default_rng(1).permutation(len(records))
    assert same_rows((records, keys), (records[shuffled], keys[shuffled]))
    # the same keys under other records, and one key changed
    assert not same_rows((records, keys), (records[::-1].copy(), keys))
    changed = keys.copy()
    changed[3] = 8
    assert not same_rows((records, keys), (records, changed))
    assert differing_records((records, keys), (records, changed)) == [3]
    kept = np.array([0, 1, 3, 4])  # record 2 lost its only key
    assert differing_records((records[kept], keys[kept]), (records, keys)) == [2]
    assert differing_records((records, keys), (records[shuffled], keys[shuffled])) == []
