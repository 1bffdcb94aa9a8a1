"""The key index held in memory for a rebuild's scoring phase.

A rebuild asks for the candidates of every record. Asked of the database, that is a
self-join of the key index per batch of records: at a million records some 370 joined
rows per record, and a quarter to two fifths of a worker's time. Read once into sorted
arrays (34 million rows, kept as their record ids, 270 MB at a million records, and the
9 million distinct keys with the row each starts at, 150 MB), the same join is a search
and a few sorts of integers per batch. The snapshot is written to a private temporary
directory and mapped by every process that scores, so they share one copy
through the page cache.

Candidates are ranked as the per-record lookup ranks them
(:func:`tracing.services.linking.candidate_query`): by the summed weight of the keys
they share, then by lower id.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from tracing.services.linking import CANDIDATE_LIMIT, WEIGHT_BITS

_FETCH = 1_000_000  # rows per round trip while reading the key index
_ID_BOUND = 2**31  # record ids are 32-bit (INTEGER columns)
# Packed sort keys (non-negative int64): subject index | candidate id | key weight for
# the join's rows, subject index | inverted summed weight | candidate id for the ranking.
_ID_BITS, _ID_MASK = 31, 2**31 - 1
_WEIGHT_BITS, _WEIGHT_MASK = 3, 7  # a key weighs 1 to 4
_SUBJECT_SHIFT = _ID_BITS + _WEIGHT_BITS
_TOTAL_BITS = 18  # a pair's summed weight: far below 2**18 (a record has some 35 keys)
_TOTAL_MASK = 2**_TOTAL_BITS - 1
_RANK_SHIFT = _ID_BITS + _TOTAL_BITS
_MAX_SUBJECTS = 2 ** (63 - _RANK_SHIFT)
# Distinct keys per block of the coarse index searched first (see _rows_of); a block is
# 2 KiB, so the search's last steps stay within a page or two
_BLOCK = 256
_FILES = ("records.npy", "distinct.npy", "offsets.npy")

Array = npt.NDArray[np.int64]


class KeySnapshot:
    """Every (key hash, record id) row, sorted by key hash and then record id: the record
    ids, and the distinct key hashes with the row each starts at (``offsets``, one more,
    the last the number of rows)."""

    def __init__(self, records: Array, distinct: Array, offsets: Array) -> None:
        self.records, self.distinct, self.offsets = records, distinct, offsets
        self._fences = distinct[::_BLOCK].copy()  # small: stays in the CPU's caches

    @classmethod
    def from_rows(cls, keys: Array, records: Array) -> KeySnapshot:
        """From the rows' key hashes and record ids, sorted by both."""
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])[: len(keys)]
        return cls(records, keys[starts], np.r_[starts, len(keys)].astype(np.int64))

    @property
    def keys(self) -> Array:
        """Each row's key hash."""
        return np.repeat(self.distinct, np.diff(self.offsets))

    @classmethod
    def read(cls, connection: Any) -> KeySnapshot:
        """Read the whole key index through ``connection`` (a SQLAlchemy connection)."""
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            cursor.execute("SELECT COUNT(*) FROM match_keys")
            (count,) = cursor.fetchone()
            # filled in place: a million records' 34 million rows are 540 MB as arrays,
            # several times that as lists of rows
            keys = np.empty(count, np.int64)
            records = np.empty(count, np.int64)
            cursor.execute("SELECT key_hash, record_id FROM match_keys")
            filled = 0
            while rows := cursor.fetchmany(_FETCH):
                end = filled + len(rows)
                if end > len(keys):  # rows written since the count
                    keys, records = (
                        np.concatenate([a, np.empty(end - len(a), np.int64)])
                        for a in (keys, records)
                    )
                pairs = np.fromiter(itertools.chain.from_iterable(rows), np.int64, 2 * len(rows))
                keys[filled:end], records[filled:end] = pairs[0::2], pairs[1::2]
                filled = end
        finally:
            cursor.close()
        keys, records = keys[:filled], records[:filled]
        if filled and int(records.max()) >= _ID_BOUND:
            raise ValueError("record ids beyond 32 bits")
        # SQLite returns the rows in primary-key order already; PostgreSQL in its own
        same_key = keys[1:] == keys[:-1]
        if np.any(keys[1:] < keys[:-1]) or np.any(same_key & (records[1:] < records[:-1])):
            order = np.lexsort((records, keys))
            keys, records = keys[order], records[order]
        return cls.from_rows(keys, records)

    def save(self, directory: Path) -> None:
        arrays = (self.records, self.distinct, self.offsets)
        for name, array in zip(_FILES, arrays, strict=True):
            np.save(directory / name, array)

    @classmethod
    def open(cls, directory: Path) -> KeySnapshot:
        """A saved snapshot, mapped rather than read: processes share its pages."""
        return cls(*(np.load(directory / name, mmap_mode="r") for name in _FILES))

    def _rows_of(self, hashes: Array) -> tuple[Array, Array]:
        """(first row, number of rows) of each key hash. A binary search of the whole
        index would jump across hundreds of megabytes, one cache miss per step: first
        the block, in a small array, then the position within the block, all hashes at
        once."""
        distinct = self.distinct
        if not len(distinct):
            return np.zeros(len(hashes), np.int64), np.zeros(len(hashes), np.int64)
        low = np.maximum(np.searchsorted(self._fences, hashes, "right") - 1, 0) * _BLOCK
        high = np.minimum(low + _BLOCK, len(distinct))
        # lower bound within [low, high): the first distinct key not below the hash
        for _ in range(_BLOCK.bit_length()):
            middle = (low + high) >> 1
            below = distinct[np.minimum(middle, len(distinct) - 1)] < hashes
            searching = low < high
            low = np.where(searching & below, middle + 1, low)
            high = np.where(searching & ~below, middle, high)
        index = np.minimum(low, len(distinct) - 1)
        starts = self.offsets[index]
        counts = np.where(distinct[index] == hashes, self.offsets[index + 1] - starts, 0)
        return starts, counts

    def candidates_of(
        self, subject_keys: Sequence[tuple[int, int]], limit: int = CANDIDATE_LIMIT
    ) -> dict[int, list[int]]:
        """The candidates with a higher id of each subject, given the subjects' (record id,
        key hash) rows: each pair is produced once, from its lower id."""
        if not subject_keys:
            return {}
        given = np.fromiter(
            itertools.chain.from_iterable(subject_keys), np.int64, 2 * len(subject_keys)
        ).reshape(-1, 2)
        subject_ids, owners = np.unique(given[:, 0], return_inverse=True)
        if len(subject_ids) > _MAX_SUBJECTS:  # more than the packed sort keys hold
            half = given[:, 0] <= subject_ids[len(subject_ids) // 2]
            parts = (self.candidates_of(given[rows].tolist(), limit) for rows in (half, ~half))
            return {subject: found for part in parts for subject, found in part.items()}
        hashes = given[:, 1]
        start, counts = self._rows_of(hashes)
        # every (subject, candidate, key weight) row of the join; the lower-id side's
        ends = np.cumsum(counts)
        rows = np.repeat(start - (ends - counts), counts) + np.arange(int(ends[-1]))
        candidates = self.records[rows]
        higher = candidates > np.repeat(given[:, 0], counts)
        # each row packed into one integer (subject, candidate, weight), so that one plain
        # sort groups the rows of a pair; its weights are then summed
        weights = np.repeat((hashes & WEIGHT_BITS) + 1, counts)[higher]
        packed = (np.repeat(owners, counts)[higher] << _SUBJECT_SHIFT) | (
            candidates[higher] << _WEIGHT_BITS
        )
        packed = np.sort(packed | weights)
        if not len(packed):
            return {}
        pair = packed >> _WEIGHT_BITS
        firsts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
        total = np.add.reduceat(packed & _WEIGHT_MASK, firsts)
        pair = pair[firsts]
        owner, candidate = pair >> _ID_BITS, pair & _ID_MASK
        # per subject: heaviest first, then lower id, again one sort of packed integers
        ranked = np.sort(
            (owner << _RANK_SHIFT)
            | ((_TOTAL_MASK - np.minimum(total, _TOTAL_MASK)) << _ID_BITS)
            | candidate
        )
        owner, candidate = ranked >> _RANK_SHIFT, ranked & _ID_MASK
        group_starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        sizes = np.diff(np.r_[group_starts, len(owner)])
        rank = np.arange(len(owner)) - np.repeat(group_starts, sizes)
        kept = rank < limit
        found: dict[int, list[int]] = {}
        subjects = subject_ids[owner[kept]].tolist()
        for subject, other in zip(subjects, candidate[kept].tolist(), strict=True):
            found.setdefault(subject, []).append(other)
        return found


# --- the index against the profiles' lists ---------------------------------------------


def listed_rows(connection: Any) -> tuple[Array, Array]:
    """(record ids, key hashes) of every key the profiles list, as the index should hold
    them (``MatchProfile.key_hashes``)."""
    cursor = connection.connection.dbapi_connection.cursor()
    ids: list[int] = []
    packed: list[bytes] = []
    try:
        cursor.execute("SELECT record_id, key_hashes FROM match_profiles")
        while rows := cursor.fetchmany(_FETCH):
            ids.extend(row[0] for row in rows)
            packed.extend(bytes(row[1]) for row in rows)
    finally:
        cursor.close()
    keys = np.frombuffer(b"".join(packed), dtype="<i8").astype(np.int64)
    counts = np.fromiter((len(p) // 8 for p in packed), np.int64, len(packed))
    return np.repeat(np.array(ids, np.int64), counts), keys


def _mixed(records: Array, keys: Array) -> npt.NDArray[np.uint64]:
    """Each row as one well-mixed 64-bit number, so that sums of them tell sets apart."""
    mixed = keys.view(np.uint64) ^ (records.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    mixed = mixed * np.uint64(0xBF58476D1CE4E5B9)
    return cast(npt.NDArray[np.uint64], mixed ^ (mixed >> np.uint64(31)))


def same_rows(first: tuple[Array, Array], second: tuple[Array, Array]) -> bool:
    """Whether two sets of (record id, key hash) rows are the same, in any order: by their
    number and the sum of their mixed values, in one pass over each."""
    if len(first[0]) != len(second[0]):
        return False
    return bool(_mixed(*first).sum(dtype=np.uint64) == _mixed(*second).sum(dtype=np.uint64))


def differing_records(first: tuple[Array, Array], second: tuple[Array, Array]) -> list[int]:
    """The records whose rows differ between the two sets."""
    size = max([int(records.max()) + 1 for records, _ in (first, second) if len(records)] or [0])
    sums, counts = [], []
    for records, keys in (first, second):
        total = np.zeros(size, np.uint64)
        np.add.at(total, records, _mixed(records, keys))
        sums.append(total)
        counts.append(np.bincount(records, minlength=size))
    return np.flatnonzero((sums[0] != sums[1]) | (counts[0] != counts[1])).tolist()
