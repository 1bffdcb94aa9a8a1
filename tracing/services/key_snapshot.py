"""The key index held in memory for a rebuild's scoring phase.

A rebuild asks for the candidates of every record. Asked of the database, that is a
self-join of the key index per batch of records: at a million records some 370 joined
rows per record, and a quarter to two fifths of a worker's time. Read once into two
sorted arrays (34 million rows, 540 MB at a million records), the same join is a binary
search and a few array operations per batch. The snapshot is written to a private
temporary directory and mapped by every process that scores, so they share one copy
through the page cache.

Candidates are ranked as the per-record lookup ranks them
(:func:`tracing.services.linking.candidate_query`): by the summed weight of the keys
they share, then by lower id.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from tracing.services.linking import CANDIDATE_LIMIT, WEIGHT_BITS

_FETCH = 1_000_000  # rows per round trip while reading the key index
_ID_BOUND = 2**31  # record ids are 32-bit (INTEGER columns), so a pair packs into 64 bits
_FILES = ("keys.npy", "records.npy")

Array = npt.NDArray[np.int64]


class KeySnapshot:
    """Every (key hash, record id) row, sorted by key hash and then record id."""

    def __init__(self, keys: Array, records: Array) -> None:
        self.keys = keys
        self.records = records

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
        return cls(keys, records)

    def save(self, directory: Path) -> None:
        for name, array in zip(_FILES, (self.keys, self.records), strict=True):
            np.save(directory / name, array)

    @classmethod
    def open(cls, directory: Path) -> KeySnapshot:
        """A saved snapshot, mapped rather than read: processes share its pages."""
        keys, records = (np.load(directory / name, mmap_mode="r") for name in _FILES)
        return cls(keys, records)

    def candidates_of(
        self, subject_keys: Sequence[tuple[int, int]], limit: int = CANDIDATE_LIMIT
    ) -> dict[int, list[int]]:
        """The candidates with a higher id of each subject, given the subjects' (record id,
        key hash) rows: each pair is produced once, from its lower id."""
        if not subject_keys:
            return {}
        given = np.array(subject_keys, dtype=np.int64)
        subjects, hashes = given[:, 0], given[:, 1]
        start = np.searchsorted(self.keys, hashes, "left")
        counts = np.searchsorted(self.keys, hashes, "right") - start
        # every (subject, candidate, key weight) row of the join, then the lower-id side's
        ends = np.cumsum(counts)
        rows = np.repeat(start - (ends - counts), counts) + np.arange(int(ends[-1]))
        candidates = self.records[rows]
        owners = np.repeat(subjects, counts)
        weights = np.repeat((hashes & WEIGHT_BITS) + 1, counts)
        higher = candidates > owners
        pairs = (owners[higher] << 32) | candidates[higher]
        if not len(pairs):
            return {}
        # summed weight per pair
        order = np.argsort(pairs, kind="stable")
        pairs = pairs[order]
        firsts = np.flatnonzero(np.r_[True, pairs[1:] != pairs[:-1]])
        total = np.add.reduceat(weights[higher][order], firsts)
        pairs = pairs[firsts]
        owner, candidate = pairs >> 32, pairs & (_ID_BOUND * 2 - 1)
        # per subject: heaviest first, then lower id; the first ``limit``
        ranked = np.lexsort((candidate, -total, owner))
        owner, candidate = owner[ranked], candidate[ranked]
        group_starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        sizes = np.diff(np.r_[group_starts, len(owner)])
        rank = np.arange(len(owner)) - np.repeat(group_starts, sizes)
        kept = rank < limit
        found: dict[int, list[int]] = {}
        for subject, other in zip(owner[kept].tolist(), candidate[kept].tolist(), strict=True):
            found.setdefault(subject, []).append(other)
        return found
