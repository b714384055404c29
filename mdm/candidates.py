"""Candidate pairs from blocking keys, in memory: every pair sharing a key, once.

Keys are hashed to integers and sorted, so a block is a run of equal hashes; a
block larger than ``cap`` is skipped and reported (by key), never silently.
Pairs are produced per block size with array operations and de-duplicated, one
partition of left-hand records at a time, so memory stays bounded by a partition.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class BlockIndex:
    """Records grouped by key: ``members`` sorted by (key, record), ``starts``/``sizes``
    of each usable block, and the oversized blocks with their sizes: by key hash, and by
    key once :func:`name_oversized` has named them."""

    records: int
    members: np.ndarray
    starts: np.ndarray
    sizes: np.ndarray
    oversized: dict[str, int] = field(default_factory=dict)  # key → size, once named
    oversized_hashes: dict[int, int] = field(default_factory=dict)  # key hash → size
    representatives: dict[int, int] = field(default_factory=dict)  # key hash → one member

    @property
    def pair_occurrences(self) -> int:
        """How many pairs the blocks hold, counting a pair once per key it shares."""
        return int((self.sizes * (self.sizes - 1) // 2).sum())

    def oversized_by_key(self) -> dict[str, int]:
        """Key → size of every oversized block; by its hash written out while unnamed."""
        if self.oversized or not self.oversized_hashes:
            return dict(self.oversized)
        return {str(hashed): size for hashed, size in self.oversized_hashes.items()}


def index_blocks(keys: Sequence[Iterable[str]], cap: int = 500) -> BlockIndex:
    """Group record positions by blocking key; blocks of one, and above ``cap``, drop out.

    >>> index = index_blocks([{"a", "b"}, {"a"}, {"a", "c"}, {"c"}], cap=2)
    >>> index.oversized, sorted(index.sizes.tolist())
    ({'a': 3}, [2])
    """
    hashes = array("q")
    counts = array("q")
    for ks in keys:
        before = len(hashes)
        hashes.extend(hash(k) for k in ks)
        counts.append(len(hashes) - before)
    index = index_hashed(hashes, counts, cap)
    return name_oversized(index, keys if isinstance(keys, Sequence) else list(keys))


def name_oversized(
    index: BlockIndex, keys_of: Callable[[int], Iterable[str]] | Sequence[Iterable[str]]
) -> BlockIndex:
    """Put the key text on the oversized blocks (``index.oversized_hashes``), reading the
    keys of one member of each (``keys_of(position)``)."""
    lookup = keys_of if callable(keys_of) else keys_of.__getitem__
    named: dict[str, int] = {}
    for hashed, size in index.oversized_hashes.items():
        owner = index.representatives.get(hashed)
        for key in lookup(owner) if owner is not None else ():
            if hash(key) == hashed:
                named[key] = size
    return BlockIndex(
        index.records, index.members, index.starts, index.sizes, named, index.oversized_hashes
    )


def index_hashed(hashes: array[int], counts: array[int], cap: int = 500) -> BlockIndex:
    """:func:`index_blocks` over hashed keys: ``counts[i]`` hashes belong to record ``i``.

    The oversized blocks are reported by hash; :func:`name_oversized` names them.
    """
    total = len(hashes)
    owners = np.repeat(np.arange(len(counts), dtype=np.int64), np.frombuffer(counts, np.int64))
    keys = np.frombuffer(hashes, dtype=np.int64)
    order = np.lexsort((owners, keys))
    keys, owners = keys[order], owners[order]
    if total:
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    else:
        starts = np.zeros(0, dtype=np.int64)
    sizes = np.diff(np.concatenate((starts, [total])))
    big = sizes > cap
    oversized = {int(keys[s]): int(n) for s, n in zip(starts[big], sizes[big], strict=True)}
    representatives = {int(keys[s]): int(owners[s]) for s in starts[big]}
    usable = (sizes >= 2) & ~big
    return BlockIndex(
        len(counts),
        owners,
        starts[usable],
        sizes[usable],
        oversized_hashes=oversized,
        representatives=representatives,
    )


def _pairs_of_size(index: BlockIndex, size: int) -> tuple[np.ndarray, np.ndarray]:
    starts = index.starts[index.sizes == size]
    members = index.members[starts[:, None] + np.arange(size)]
    left, right = np.triu_indices(size, 1)
    return members[:, left].ravel(), members[:, right].ravel()


def candidate_pairs(index: BlockIndex, *, part: int = 0, parts: int = 1) -> np.ndarray:
    """The distinct pairs ``(i, j)``, ``i < j``, sharing a usable block, as an (n, 2) array,
    limited to the left records with ``i % parts == part``.

    >>> index = index_blocks([{"a", "b"}, {"a", "b"}, {"b"}], cap=10)
    >>> candidate_pairs(index).tolist()
    [[0, 1], [0, 2], [1, 2]]
    """
    codes = []
    for size in np.unique(index.sizes).tolist():
        left, right = _pairs_of_size(index, size)
        if parts > 1:
            keep = left % parts == part
            left, right = left[keep], right[keep]
        codes.append(left * index.records + right)
    if not codes:
        return np.zeros((0, 2), dtype=np.int64)
    unique = np.unique(np.concatenate(codes))
    del codes
    kind = np.int32 if index.records < 2**31 else np.int64  # half the memory of a partition
    left = (unique // index.records).astype(kind)
    right = (unique % index.records).astype(kind)
    del unique
    return np.stack((left, right), axis=1)


def partition_count(index: BlockIndex, max_occurrences: int = 20_000_000) -> int:
    """How many partitions keep each one's pair occurrences under ``max_occurrences``."""
    return max(1, -(-index.pair_occurrences // max_occurrences))


def partitions(index: BlockIndex, max_occurrences: int = 20_000_000) -> Iterator[np.ndarray]:
    """Candidate pairs in as many partitions as keep each one under ``max_occurrences``."""
    parts = partition_count(index, max_occurrences)
    for part in range(parts):
        yield candidate_pairs(index, part=part, parts=parts)
